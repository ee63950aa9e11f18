/**
 * The control endpoint of `npm run dev` (contract in stack.ts): lets another terminal make the
 * emulator emit an event, exactly as typing its type at the prompt does. Loopback only, and only
 * with the local stack's token (`polar:accessToken`, the emulator's organization token).
 */
import { timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { UnknownWebhookEventTypeError } from "../polar-emulator";
import { CONTROL_EMIT_PATH } from "./stack";

const MAX_BODY_BYTES = 64 * 1024;

export interface ControlServer {
  readonly url: string;
  close(): Promise<void>;
}

export type Emit = (type: string, data?: unknown) => Promise<string[]>;

export async function startControlServer(token: string, emit: Emit): Promise<ControlServer> {
  const server = http.createServer((request, response) => {
    const reply = (status: number, body: Record<string, unknown>) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    handle(request, token, emit).then(
      ({ status, body }) => reply(status, body),
      () => reply(500, { error: "internal error" }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  request: http.IncomingMessage,
  token: string,
  emit: Emit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const path = new URL(request.url ?? "/", "http://local").pathname;
  if (path !== CONTROL_EMIT_PATH) {
    return { status: 404, body: { error: `unknown path; POST ${CONTROL_EMIT_PATH}` } };
  }
  if (request.method !== "POST") return { status: 405, body: { error: "use POST" } };
  if (!authorized(request.headers.authorization, token)) {
    return {
      status: 401,
      body: { error: "authorization: Bearer <the local stack's polar:accessToken> required" },
    };
  }
  let input: { type?: unknown; data?: unknown };
  try {
    input = JSON.parse(await readBody(request)) as typeof input;
  } catch {
    return { status: 400, body: { error: 'the body must be JSON: {"type": "order.paid"}' } };
  }
  if (typeof input?.type !== "string") {
    return { status: 400, body: { error: 'type is required: {"type": "order.paid"}' } };
  }
  try {
    return { status: 202, body: { ids: await emit(input.type, input.data) } };
  } catch (error) {
    if (error instanceof UnknownWebhookEventTypeError) {
      return {
        status: 400,
        body: {
          error: error.message,
          ...(error.suggestion ? { suggestion: error.suggestion } : {}),
        },
      };
    }
    return { status: 400, body: { error: (error as Error).message } };
  }
}

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("body too large"));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
