/**
 * The HTTP layer: a plain `node:http` server on 127.0.0.1 that records every request, applies
 * injected faults, and hands the rest to the API.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

import type { ApiRequest, PolarApi } from "./api";
import { matchRoute } from "./routes";
import type { FaultAction, FaultInjector } from "./faults";
import { rateLimited, serverError, type ApiResponse } from "./responses";

/** One request as the emulator saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string, as sent (percent-encoded). */
  readonly path: string;
  /** Template of the matched route (`/v1/webhooks/endpoints/{id}`), if any. */
  readonly route: string | undefined;
  readonly query: Readonly<Record<string, string[]>>;
  /** Lower-case header names; the `authorization` value is replaced by `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, the raw text if it is not JSON, or undefined when empty. */
  readonly body: unknown;
  /**
   * The status sent; for `commitThenDrop` and `commitThenHold`, the status the handler produced
   * but never sent;
   * null when the connection was dropped before handling.
   */
  readonly status: number | null;
  /** The fault applied to this request, if any. */
  readonly fault: FaultAction["kind"] | undefined;
  /** When the request arrived (ISO 8601). */
  readonly receivedAt: string;
}

export const REDACTED = "[redacted]";

export interface HttpServerDependencies {
  readonly api: PolarApi;
  readonly faults: FaultInjector;
  readonly record: (request: RecordedRequest) => void;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startHttpServer(
  dependencies: HttpServerDependencies,
  port = 0,
): Promise<RunningServer> {
  const server = createServer((request, response) => {
    handleRequest(dependencies, request, response).catch((error: unknown) => {
      // A bug in the emulator must not look like a Polar answer: fail loudly with a 500.
      if (!response.headersSent && !response.destroyed) {
        response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        response.end(`polar emulator error: ${String(error)}`);
      }
    });
  });
  await listen(server, port);
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () => closeServer(server),
  };
}

async function handleRequest(
  { api, faults, record }: HttpServerDependencies,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const receivedAt = new Date().toISOString();
  const body = await readBody(request);
  const target = new URL(request.url ?? "/", "http://127.0.0.1");
  const method = (request.method ?? "GET").toUpperCase();
  const route = matchRoute(target.pathname)?.template;
  const plan = faults.plan({ method, path: target.pathname, ...(route ? { route } : {}) });
  const base = {
    method,
    path: target.pathname,
    route,
    query: queryRecord(target.searchParams),
    headers: redactedHeaders(request),
    body: bodyForRecord(body),
    receivedAt,
  };

  if (plan.latencyMs > 0) {
    await sleep(plan.latencyMs, undefined, { ref: false });
  }
  const action = plan.action;
  if (action?.kind === "dropConnection") {
    record({ ...base, status: null, fault: action.kind });
    dropConnection(request.socket, action.mode);
    return;
  }
  const apiResponse = respondOrFault(api, action, {
    method,
    path: target.pathname,
    query: target.searchParams,
    headers: request.headers,
    body,
  });
  record({ ...base, status: apiResponse.status, fault: action?.kind });
  if (action?.kind === "commitThenDrop") {
    dropConnection(request.socket, action.mode);
    return;
  }
  if (action?.kind === "commitThenHold") {
    // No answer: the socket closes when the client dies or the server closes all connections.
    return;
  }
  writeResponse(response, apiResponse);
}

function respondOrFault(
  api: PolarApi,
  action: FaultAction | undefined,
  request: ApiRequest,
): ApiResponse {
  switch (action?.kind) {
    case "rateLimit":
      return rateLimited(action.retryAfterSeconds);
    case "serverError":
      return serverError(action.status);
    default:
      return api.handle(request);
  }
}

function writeResponse(response: ServerResponse, apiResponse: ApiResponse): void {
  if (response.destroyed) {
    return; // The client went away (e.g. its timeout fired during injected latency).
  }
  const headers: Record<string, string | number> = { ...apiResponse.headers };
  if (apiResponse.body !== undefined) {
    headers["content-length"] = Buffer.byteLength(apiResponse.body);
  } else if (apiResponse.status !== 204) {
    headers["content-length"] = 0;
  }
  response.writeHead(apiResponse.status, headers);
  response.end(apiResponse.body);
}

/** `reset` sends a TCP RST (client sees ECONNRESET); `destroy` just closes the socket. */
function dropConnection(socket: Socket, mode: "destroy" | "reset"): void {
  if (mode === "reset") {
    socket.resetAndDestroy();
  } else {
    socket.destroy();
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function bodyForRecord(body: Buffer): unknown {
  if (body.length === 0) {
    return undefined;
  }
  const text = body.toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function queryRecord(params: URLSearchParams): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const [key, value] of params) {
    (query[key] ??= []).push(value);
  }
  return query;
}

/** Headers for the request log; the credential never leaves the server. */
function redactedHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name] =
      name === "authorization" ? REDACTED : Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Clients such as undici keep idle connections alive; don't wait for them to time out.
    server.closeAllConnections();
  });
}
