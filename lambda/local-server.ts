/**
 * The receiver over plain HTTP for local development (`npm run receiver`, then `polar listen` or
 * `ngrok http 3000`): each request becomes the API Gateway payload 2.0 event AWS would send and goes
 * through the same `createHandler`. Environment: the secret variables, PORT (default 3000), and
 * optionally QUEUE_URL; without it an embedded fauxqs queue holds and prints the messages.
 */
import { isUtf8 } from "node:buffer";
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { SQSClientConfig } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
// fauxqs is ESM-only: its types via the "import" condition, the module via a dynamic import.
import type { FauxqsServer } from "fauxqs" with { "resolution-mode": "import" };
import { ConfigError } from "./errors";
import type { RequestLogger } from "./log";
import type { SecretProvider } from "./secrets";
import { MESSAGE_ATTRIBUTES } from "./queue";
import { createHandler } from "./create-handler";
import { ENV, secretSourceFromEnv, type Environment, type ReceiverHandler } from "./receiver";

export const DEFAULT_PORT = 3000;
export const EMBEDDED_QUEUE_NAME = "polar-webhooks";
/** API Gateway's own payload limit; the handler applies the smaller SQS one. */
export const LOCAL_MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const PRINT_INTERVAL_MS = 250;
const PRINTED_BODY_CHARS = 2_000;
const FORCE_CLOSE_AFTER_MS = 5_000;

export interface LocalReceiverOptions {
  /** Default: env PORT, else 3000. */
  readonly port?: number;
  /** Default all interfaces, so `localhost` works whether it resolves to IPv4 or IPv6. */
  readonly host?: string;
  readonly env?: Environment;
  readonly log?: RequestLogger;
  /** Human-readable lines: banner, embedded-queue messages (default console.log). */
  readonly print?: (line: string) => void;
  /** Overrides QUEUE_URL (no embedded queue then); with `sqsClientConfig` for its server. */
  readonly queueUrl?: string;
  readonly sqsClientConfig?: SQSClientConfig;
  /** Overrides the secret variables (`npm run dev` fills one from the local stack's outputs). */
  readonly secretProvider?: SecretProvider;
}

export interface LocalReceiver {
  readonly url: string;
  readonly port: number;
  readonly queueUrl: string;
  /** Set when QUEUE_URL was not. */
  readonly embeddedSqsEndpoint: string | undefined;
  /** Lets in-flight requests finish (forcing after 5 s), then stops the embedded queue. */
  close(): Promise<void>;
}

/** Throws ConfigError before binding anything if the environment is incomplete. */
export async function startLocalReceiver(
  options: LocalReceiverOptions = {},
): Promise<LocalReceiver> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  if (!options.secretProvider) {
    secretSourceFromEnv(env);
  }
  const port = options.port ?? parsePort(env["PORT"]);

  let queueUrl = options.queueUrl ?? env[ENV.QUEUE_URL];
  let sqsClientConfig: SQSClientConfig | undefined = options.sqsClientConfig;
  let embedded: { server: FauxqsServer; timer: NodeJS.Timeout } | undefined;
  if (!queueUrl) {
    const { startFauxqs } = await import("fauxqs");
    const server = await startFauxqs({ port: 0, logger: false });
    queueUrl = server.createQueue(EMBEDDED_QUEUE_NAME, {
      attributes: { MaximumMessageSize: "1048576" },
    }).queueUrl;
    // Never real AWS settings for the embedded queue.
    sqsClientConfig = {
      endpoint: server.address,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    };
    embedded = { server, timer: printEmbeddedMessages(server, print) };
  }

  const handler = createHandler({
    env,
    queueUrl,
    log: options.log,
    sqsClientConfig,
    secretProvider: options.secretProvider,
  });
  const server = http.createServer((request, response) => {
    serve(handler, request, response).catch(() => {
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "application/json" });
      }
      response.end(JSON.stringify({ error: "internal_error" }));
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    if (embedded) {
      clearInterval(embedded.timer);
      await embedded.server.stop();
    }
    throw error;
  }
  const boundPort = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_AFTER_MS);
      force.unref();
      await closed;
      clearTimeout(force);
      if (embedded) {
        clearInterval(embedded.timer);
        await embedded.server.stop();
      }
    })();
    return closing;
  };

  return {
    url: `http://127.0.0.1:${boundPort}/`,
    port: boundPort,
    queueUrl,
    embeddedSqsEndpoint: embedded?.server.address,
    close,
  };
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === "") {
    return DEFAULT_PORT;
  }
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError("PORT must be an integer between 0 and 65535");
  }
  return port;
}

async function serve(
  handler: ReceiverHandler,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const { body, truncated } = await readBody(request, LOCAL_MAX_REQUEST_BYTES);
  if (truncated) {
    // What API Gateway does above its limit; the Lambda never sees such a request.
    response.writeHead(413, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: "payload_too_large" }));
    return;
  }
  const event = toApiGatewayEvent({
    method: request.method ?? "GET",
    url: request.url ?? "/",
    httpVersion: request.httpVersion,
    headers: request.headers,
    body,
    sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
  });
  const result = await handler(event);
  response.writeHead(result.statusCode, result.headers ?? {});
  response.end(result.body ?? "");
}

/** Keeps at most `limit` bytes but drains the rest, so the client still gets an answer. */
function readBody(
  request: http.IncomingMessage,
  limit: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        truncated = true;
        chunks.length = 0;
      } else {
        chunks.push(chunk);
      }
    });
    request.on("end", () => resolve({ body: Buffer.concat(chunks), truncated }));
    request.on("error", reject);
  });
}

export interface LocalRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion?: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp?: string;
  readonly now?: number;
}

/**
 * API Gateway passes these as UTF-8 text and base64-encodes the rest, a missing content type
 * included (measured on AWS, ministack PR #766). Invalid UTF-8 goes as base64 too.
 */
const TEXT_CONTENT_TYPE =
  /^(text\/[^;]+|application\/(json|xml|javascript)|application\/[^;]+\+(json|xml))\s*(;|$)/i;

export function toApiGatewayEvent(request: LocalRequest): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [rawName, value] of Object.entries(request.headers)) {
    if (value === undefined) {
      continue;
    }
    const name = rawName.toLowerCase();
    // Payload 2.0 has no multi-value headers: duplicates are joined with commas.
    const joined = Array.isArray(value) ? value.join(",") : value;
    if (name === "cookie") {
      cookies = joined.split(/;\s*/).filter((cookie) => cookie !== "");
      continue;
    }
    headers[name] = joined;
  }

  const url = new URL(request.url, "http://local");
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    queryStringParameters[name] =
      name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }

  const isText = TEXT_CONTENT_TYPE.test(headers["content-type"] ?? "") && isUtf8(request.body);
  const now = request.now ?? Date.now();
  const method = request.method.toUpperCase();
  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ""),
    headers,
    requestContext: {
      accountId: "local",
      apiId: "local",
      domainName: headers["host"] ?? "localhost",
      domainPrefix: (headers["host"] ?? "localhost").split(".")[0] ?? "localhost",
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion ?? "1.1"}`,
        sourceIp: request.sourceIp ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    isBase64Encoded: !isText,
  };
  if (cookies) {
    event.cookies = cookies;
  }
  if (url.search !== "") {
    event.queryStringParameters = queryStringParameters;
  }
  if (request.body.length > 0) {
    event.body = request.body.toString(isText ? "utf8" : "base64");
  }
  return event;
}

function printEmbeddedMessages(
  server: FauxqsServer,
  print: (line: string) => void,
): NodeJS.Timeout {
  const seen = new Set<string>();
  const timer = setInterval(() => {
    const queue = server.inspectQueue(EMBEDDED_QUEUE_NAME);
    if (!queue) {
      return;
    }
    const messages = [
      ...queue.messages.ready,
      ...queue.messages.delayed,
      ...queue.messages.inflight.map((entry) => entry.message),
    ].sort((a, b) => a.sentTimestamp - b.sentTimestamp);
    for (const message of messages) {
      if (seen.has(message.messageId)) {
        continue;
      }
      seen.add(message.messageId);
      const attribute = (name: string) => message.messageAttributes[name]?.StringValue ?? "-";
      const body =
        message.body.length > PRINTED_BODY_CHARS
          ? `${message.body.slice(0, PRINTED_BODY_CHARS)}… (truncated)`
          : message.body;
      print(
        `[queue ${EMBEDDED_QUEUE_NAME}] message ${message.messageId} ` +
          `${MESSAGE_ATTRIBUTES.EVENT_TYPE}=${attribute(MESSAGE_ATTRIBUTES.EVENT_TYPE)} ` +
          `${MESSAGE_ATTRIBUTES.WEBHOOK_ID}=${attribute(MESSAGE_ATTRIBUTES.WEBHOOK_ID)} ` +
          `${MESSAGE_ATTRIBUTES.WEBHOOK_TIMESTAMP}=${attribute(MESSAGE_ATTRIBUTES.WEBHOOK_TIMESTAMP)} ` +
          `(${Buffer.byteLength(message.body, "utf8")} bytes)\n  ${body}`,
      );
    }
  }, PRINT_INTERVAL_MS);
  timer.unref();
  return timer;
}

async function main(): Promise<void> {
  let receiver: LocalReceiver;
  try {
    receiver = await startLocalReceiver();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const local = `http://localhost:${receiver.port}/`;
  console.log(`Polar webhook receiver listening on ${local}`);
  console.log(
    receiver.embeddedSqsEndpoint
      ? `  queue: embedded SQS (fauxqs) at ${receiver.embeddedSqsEndpoint}, ${receiver.queueUrl}; messages are printed below`
      : `  queue: ${receiver.queueUrl}`,
  );
  console.log(`  relay: polar listen ${local}   or   ngrok http ${receiver.port}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(130);
    }
    stopping = true;
    console.log(`${signal}: finishing in-flight requests, then exiting`);
    receiver.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("error during shutdown:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

// Only as a script, not when imported.
if (typeof require !== "undefined" && require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
