/**
 * Test helpers for the receiver: secrets, an independent signer that reproduces Polar's server (not
 * the library under test), API Gateway v2 events built from a JSON fixture, and an SQS-protocol
 * server (fauxqs in-process).
 */
import { execFileSync } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
  type SQSClientConfig,
} from "@aws-sdk/client-sqs";
import { SSMClient, type GetParameterCommandOutput } from "@aws-sdk/client-ssm";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { FauxqsServer } from "fauxqs" with { "resolution-mode": "import" };
import { registerSecret } from "../support/secret-scan";
import baseEventJson from "./events/http-api-post.json";

export const BASE_EVENT: APIGatewayProxyEventV2 = baseEventJson;

export const SCHEME = { STANDARD: "standard", LEGACY: "legacy" } as const;
export type Scheme = (typeof SCHEME)[keyof typeof SCHEME];

/** A secret as Polar generates it since 2026-09-08: `whsec_` + base64(32 random bytes). */
export function standardSecret(): string {
  return registerSecret(`whsec_${randomBytes(32).toString("base64")}`, "test webhook secret");
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A secret as Polar generated it before: `whsec_` + 43 random alphanumerics (not meant to be
 * base64-decoded).
 */
export function legacySecret(prefix = "whsec_"): string {
  const bytes = randomBytes(43);
  const secret =
    prefix + Array.from(bytes, (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join("");
  return registerSecret(secret, "test webhook secret (legacy)");
}

/**
 * Signs like Polar's server, with node:crypto (independent of `standardwebhooks`): legacy key =
 * UTF-8 bytes of the whole secret; standard key = base64-decode of the part after `whsec_`. The
 * HMAC covers `${id}.${timestamp}.` followed by the exact body bytes.
 */
export function polarSignature(
  secret: string,
  scheme: Scheme,
  webhookId: string,
  timestamp: string | number,
  body: Buffer | string,
): string {
  const key =
    scheme === SCHEME.LEGACY
      ? Buffer.from(secret, "utf8")
      : Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const hmac = createHmac("sha256", key);
  hmac.update(`${webhookId}.${timestamp}.`, "utf8");
  hmac.update(typeof body === "string" ? Buffer.from(body, "utf8") : body);
  return `v1,${hmac.digest("base64")}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * A compact Polar envelope with non-ASCII text, so byte-for-byte checks mean something. Only BMP
 * characters by default: fauxqs 2.4.1 wrongly rejects characters above U+FFFF (real SQS accepts
 * #x10000–#x10FFFF); the moto cross-check sends an emoji with `extra`.
 */
export function polarEventBody(type = "order.paid", extra = ""): string {
  return JSON.stringify({
    type,
    timestamp: new Date().toISOString(),
    api_version: "2026-04",
    data: { id: randomUUID(), customer: { name: `Zoë Ågren — café ✓${extra}` } },
  });
}

/**
 * One delivery attempt, signed like Polar; each test changes one thing (the standard-webhooks
 * TestPayload idea).
 */
export class TestDelivery {
  readonly secret: string;
  readonly scheme: Scheme;
  readonly body: Buffer;
  readonly webhookId: string;
  readonly timestamp: string;
  signature: string;

  constructor(options: {
    secret: string;
    scheme?: Scheme;
    body?: Buffer | string;
    webhookId?: string;
    timestamp?: number | string;
  }) {
    this.secret = options.secret;
    this.scheme = options.scheme ?? SCHEME.STANDARD;
    this.body =
      options.body === undefined
        ? Buffer.from(polarEventBody(), "utf8")
        : Buffer.isBuffer(options.body)
          ? options.body
          : Buffer.from(options.body, "utf8");
    this.webhookId = options.webhookId ?? randomUUID();
    this.timestamp = String(options.timestamp ?? nowSeconds());
    this.signature = polarSignature(
      this.secret,
      this.scheme,
      this.webhookId,
      this.timestamp,
      this.body,
    );
  }

  headers(): Record<string, string> {
    return {
      "webhook-id": this.webhookId,
      "webhook-timestamp": this.timestamp,
      "webhook-signature": this.signature,
    };
  }

  /** The API Gateway HTTP API event for this delivery (UTF-8 body unless `base64`). */
  event(options: { base64?: boolean; method?: string; headers?: Record<string, string> } = {}) {
    return apiGatewayEvent({
      body: this.body,
      base64: options.base64 ?? false,
      method: options.method ?? "POST",
      headers: { ...this.headers(), ...options.headers },
    });
  }
}

/** Starts from the JSON fixture (structuredClone) and changes only what the test needs. */
export function apiGatewayEvent(options: {
  body?: Buffer | string;
  base64?: boolean;
  method?: string;
  headers?: Record<string, string | undefined>;
}): APIGatewayProxyEventV2 {
  const event = structuredClone(BASE_EVENT);
  const body =
    options.body === undefined
      ? undefined
      : Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(options.body, "utf8");
  event.requestContext.http.method = options.method ?? "POST";
  event.requestContext.requestId = randomUUID();
  event.headers = { ...event.headers, "content-length": String(body?.length ?? 0) };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) {
      delete event.headers[name];
    } else {
      event.headers[name] = value;
    }
  }
  event.isBase64Encoded = options.base64 ?? false;
  if (body === undefined) {
    delete event.body;
  } else {
    event.body = body.toString(event.isBase64Encoded ? "base64" : "utf8");
  }
  return event;
}

export const DUMMY_AWS = {
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
} as const;

/**
 * A real SSMClient whose GetParameter is answered by a middleware at the initialize step (before
 * serialization and network), the way aws-sdk-client-mock stubs commands — but typed, and counting
 * calls.
 */
export function stubbedSsm(answer: () => string | Error) {
  const client = new SSMClient(DUMMY_AWS);
  const requests: Array<{ name: string | undefined; withDecryption: boolean | undefined }> = [];
  client.middlewareStack.add(
    () => async (args) => {
      const input = args.input as { Name?: string; WithDecryption?: boolean };
      requests.push({ name: input.Name, withDecryption: input.WithDecryption });
      const value = answer();
      if (value instanceof Error) {
        throw value;
      }
      const output: GetParameterCommandOutput = { $metadata: {}, Parameter: { Value: value } };
      return { output, response: {} };
    },
    { step: "initialize", name: "stubGetParameter" },
  );
  return { client, requests };
}

/** An in-process SQS-protocol server (fauxqs) on a free 127.0.0.1 port, and a client for it. */
export interface TestSqs {
  readonly server: FauxqsServer;
  readonly endpoint: string;
  readonly clientConfig: SQSClientConfig;
  readonly client: SQSClient;
  /** A fresh queue per test, so "the queue is empty" never depends on other tests. */
  createQueue(fifo?: boolean): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestSqs(): Promise<TestSqs> {
  const { startFauxqs } = await import("fauxqs");
  const server = await startFauxqs({ port: 0, logger: false });
  return sqsFor(server.address, async () => server.stop(), server);
}

function sqsFor(endpoint: string, stop: () => Promise<void>, server: FauxqsServer): TestSqs {
  const clientConfig: SQSClientConfig = {
    ...DUMMY_AWS,
    endpoint,
    useQueueUrlAsEndpoint: false,
  };
  const client = new SQSClient(clientConfig);
  return {
    server,
    endpoint,
    clientConfig,
    client,
    createQueue: (fifo = false) => createQueue(client, fifo),
    stop,
  };
}

export async function createQueue(client: SQSClient, fifo = false): Promise<string> {
  const name = `webhooks-${randomBytes(6).toString("hex")}${fifo ? ".fifo" : ""}`;
  const output = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: fifo
        ? { FifoQueue: "true", MaximumMessageSize: "1048576" }
        : { MaximumMessageSize: "1048576" },
    }),
  );
  if (!output.QueueUrl) {
    throw new Error("CreateQueue returned no QueueUrl");
  }
  return output.QueueUrl;
}

/**
 * Receives everything currently visible (up to 10 per call) with all attributes; does not delete.
 */
export async function receiveAll(client: SQSClient, queueUrl: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const output = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    if (!output.Messages || output.Messages.length === 0) {
      return messages;
    }
    messages.push(...output.Messages);
  }
}

/** The message attributes as a plain name → StringValue map, for exact comparisons. */
export function attributesOf(message: Message): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      value.StringValue,
    ]),
  );
}

export { freePort, REFUSED_ENDPOINT } from "../support/ports";

/** Absolute path of a command on PATH, or undefined. */
export function which(command: string): string | undefined {
  try {
    return (
      execFileSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** Asserts the exact error class (not a subclass unless asked) and the exact message. */
export function expectThrows(
  act: () => unknown,
  errorClass: abstract new (...args: never[]) => Error,
  message: string,
): void {
  let thrown: unknown;
  try {
    act();
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof errorClass)) {
    throw new Error(`expected ${errorClass.name}, got ${String(thrown)}`);
  }
  if (thrown.message !== message) {
    throw new Error(
      `expected message ${JSON.stringify(message)}, got ${JSON.stringify(thrown.message)}`,
    );
  }
}
