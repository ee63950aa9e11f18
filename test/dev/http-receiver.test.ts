/**
 * The local receiver over a real socket: in-process (`startLocalReceiver`) with an external SQS
 * server and with the embedded one, and the real entry point (`tsx local/adapters/http-receiver.ts`, i.e.
 * `npm run receiver`) as a child process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as path from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigError, type RequestLogEntry } from "../../lambda";
import { startLocalReceiver, toApiGatewayEvent, type LocalReceiver } from "../../local/adapters";
import {
  attributesOf,
  DUMMY_AWS,
  receiveAll,
  SCHEME,
  standardSecret,
  startTestSqs,
  TestDelivery,
  type TestSqs,
} from "../lambda/support";

const REPO = path.resolve(__dirname, "../..");
const BIN = path.join(REPO, "node_modules/.bin");

async function post(url: string, delivery: TestDelivery, contentType = "application/json") {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": contentType,
      "user-agent": "polar.sh webhooks",
      ...delivery.headers(),
    },
    body: delivery.body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe("Function: toApiGatewayEvent", () => {
  const body = Buffer.from('{"type":"order.paid","note":"café"}', "utf8");

  it.each([
    ["application/json", false],
    ["application/json; charset=utf-8", false],
    ["text/plain", false],
    ["application/cloudevents+json", false],
    ["application/octet-stream", true],
    ["application/x-www-form-urlencoded", true],
    ["", true],
  ])("content-type %j → isBase64Encoded %s, body bytes preserved", (contentType, base64) => {
    const event = toApiGatewayEvent({
      method: "post",
      url: "/hooks?a=1&a=2&b=3",
      headers: contentType ? { "content-type": contentType } : {},
      body,
      now: 1_767_225_600_000,
    });
    expect(event.isBase64Encoded).toBe(base64);
    expect(Buffer.from(event.body ?? "", base64 ? "base64" : "utf8").equals(body)).toBe(true);
    expect(event.requestContext.http.method).toBe("POST");
    expect([event.rawPath, event.rawQueryString, event.queryStringParameters]).toEqual([
      "/hooks",
      "a=1&a=2&b=3",
      { a: "1,2", b: "3" },
    ]);
    expect(event.requestContext.timeEpoch).toBe(1_767_225_600_000);
  });

  it("base64-encodes a JSON-typed body that is not valid UTF-8, lower-cases and joins headers, moves cookies", () => {
    const event = toApiGatewayEvent({
      method: "POST",
      url: "/",
      headers: { "content-type": "application/json", "X-Dup": ["a", "b"], cookie: "s=1; t=2" },
      body: Buffer.from([0xff, 0xfe]),
    });
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe("//4=");
    expect(event.headers).toEqual({ "content-type": "application/json", "x-dup": "a,b" });
    expect(event.cookies).toEqual(["s=1", "t=2"]);
  });
});

describe("Function: startLocalReceiver", () => {
  let sqs: TestSqs;
  const receivers: LocalReceiver[] = [];

  beforeAll(async () => {
    sqs = await startTestSqs();
  });

  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    await sqs.stop();
  });

  it("refuses to start without a secret, naming both variables", async () => {
    const error = await startLocalReceiver({ port: 0, env: {} }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("POLAR_WEBHOOK_SECRET");
    expect((error as Error).message).toContain("WEBHOOK_SECRET_PARAMETER");
  });

  it("enqueues a signed POST to QUEUE_URL (any SQS endpoint) and answers 202; GET → 405", async () => {
    // Prepare: the SQS endpoint comes from the SDK's standard environment, as in AWS.
    vi.stubEnv("AWS_ENDPOINT_URL_SQS", sqs.endpoint);
    vi.stubEnv("AWS_REGION", DUMMY_AWS.region);
    vi.stubEnv("AWS_ACCESS_KEY_ID", DUMMY_AWS.credentials.accessKeyId);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", DUMMY_AWS.credentials.secretAccessKey);
    const queueUrl = await sqs.createQueue();
    const secret = standardSecret();
    const logs: RequestLogEntry[] = [];
    const receiver = await startLocalReceiver({
      port: 0,
      env: { POLAR_WEBHOOK_SECRET: secret, QUEUE_URL: queueUrl },
      log: (entry) => logs.push(entry),
      print: () => undefined,
    });
    receivers.push(receiver);
    const delivery = new TestDelivery({ secret, scheme: SCHEME.LEGACY });
    // Act
    const accepted = await post(receiver.url, delivery);
    const binary = new TestDelivery({ secret });
    const acceptedBinary = await post(receiver.url, binary, "application/octet-stream");
    const get = await fetch(receiver.url);
    // Assess
    expect(accepted).toEqual({
      status: 202,
      body: { status: "enqueued", webhookId: delivery.webhookId, messageId: expect.any(String) },
    });
    expect(acceptedBinary.status).toBe(202);
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    const messages = await receiveAll(sqs.client, queueUrl);
    const byId = new Map(messages.map((message) => [attributesOf(message)["webhook-id"], message]));
    expect(
      Buffer.from(byId.get(delivery.webhookId)?.Body ?? "", "utf8").equals(delivery.body),
    ).toBe(true);
    expect(Buffer.from(byId.get(binary.webhookId)?.Body ?? "", "utf8").equals(binary.body)).toBe(
      true,
    );
    expect(messages).toHaveLength(2);
    expect(logs.map((entry) => entry.status)).toEqual([202, 202, 405]);
    expect(receiver.embeddedSqsEndpoint).toBeUndefined();
  });

  it("without QUEUE_URL enqueues to the embedded SQS server and prints each message without the secret", async () => {
    // Prepare
    const secret = standardSecret();
    const printed: string[] = [];
    const receiver = await startLocalReceiver({
      port: 0,
      env: { POLAR_WEBHOOK_SECRET: secret },
      log: () => undefined,
      print: (line) => printed.push(line),
    });
    receivers.push(receiver);
    const delivery = new TestDelivery({ secret });
    const forged = new TestDelivery({ secret: standardSecret() });
    // Act
    const accepted = await post(receiver.url, delivery);
    const rejected = await post(receiver.url, forged);
    // Assess
    expect([accepted.status, rejected.status]).toEqual([202, 403]);
    const client = new SQSClient({
      ...DUMMY_AWS,
      endpoint: receiver.embeddedSqsEndpoint,
      useQueueUrlAsEndpoint: false,
    });
    const messages = await receiveAll(client, receiver.queueUrl);
    expect(messages.map((message) => attributesOf(message)["webhook-id"])).toEqual([
      delivery.webhookId,
    ]);
    expect(Buffer.from(messages[0]?.Body ?? "", "utf8").equals(delivery.body)).toBe(true);
    await vi.waitFor(() => expect(printed).toHaveLength(1), { timeout: 5_000 });
    expect(printed[0]).toContain(`message ${accepted.body["messageId"]}`);
    expect(printed[0]).toContain(`event-type=order.paid webhook-id=${delivery.webhookId}`);
    expect(printed[0]).not.toContain(secret.slice(6));
  });
});

describe("Entry point: tsx local/adapters/http-receiver.ts (npm run receiver)", () => {
  function startScript(env: Record<string, string>): ChildProcessWithoutNullStreams {
    return spawn(path.join(BIN, "tsx"), ["local/adapters/http-receiver.ts"], {
      cwd: REPO,
      env: {
        PATH: `${BIN}:${process.env["PATH"] ?? ""}`,
        HOME: process.env["HOME"] ?? REPO,
        ...env,
      },
    });
  }

  function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
    return new Promise((resolve) => {
      if (child.exitCode !== null) {
        resolve(child.exitCode);
      } else {
        child.once("exit", (code) => resolve(code));
      }
    });
  }

  it("exits 1 with an error naming the variable when no secret is configured", async () => {
    const child = startScript({ PORT: "0" });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    expect(await exitOf(child)).toBe(1);
    expect(stderr).toContain(
      "error: Set POLAR_WEBHOOK_SECRET (the endpoint's whsec_… secret) or WEBHOOK_SECRET_PARAMETER",
    );
  });

  it("serves signed deliveries, prints the embedded queue's messages, and exits 0 on SIGTERM", async () => {
    // Prepare
    const secret = standardSecret();
    const child = startScript({ PORT: "0", POLAR_WEBHOOK_SECRET: secret });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    const exited = exitOf(child);
    try {
      await vi.waitFor(() => expect(stdout).toMatch(/listening on http:\/\/localhost:\d+\//), {
        timeout: 30_000,
        interval: 100,
      });
      const port = /listening on http:\/\/localhost:(\d+)\//.exec(stdout)?.[1];
      const delivery = new TestDelivery({ secret });
      // Act
      const result = await post(`http://127.0.0.1:${port}/`, delivery);
      // Assess
      expect(result.status).toBe(202);
      await vi.waitFor(() => expect(stdout).toContain(`webhook-id=${delivery.webhookId}`), {
        timeout: 10_000,
      });
      expect(stdout).not.toContain(secret.slice(6));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stdout).toContain("SIGTERM: finishing in-flight requests, then exiting");
    } finally {
      if (child.exitCode === null) {
        child.kill("SIGKILL");
      }
    }
  });
});
