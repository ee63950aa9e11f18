import { randomUUID } from "node:crypto";
import { SSMClient, type GetParameterCommandOutput } from "@aws-sdk/client-ssm";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHandler,
  MAX_BODY_BYTES,
  SsmSecretProvider,
  StaticSecretProvider,
  type RequestLogEntry,
  type SecretProvider,
} from "../../lambda/index";
import {
  apiGatewayEvent,
  attributesOf,
  DUMMY_AWS,
  freePort,
  legacySecret,
  nowSeconds,
  receiveAll,
  SCHEME,
  standardSecret,
  startTestSqs,
  TestDelivery,
  type TestSqs,
} from "./support";

let sqs: TestSqs;

beforeAll(async () => {
  sqs = await startTestSqs();
});

afterAll(async () => {
  await sqs.stop();
});

/** A handler on a fresh queue with a fixed secret set, collecting its log lines. */
async function setUp(
  options: {
    fifo?: boolean;
    current?: string;
    previous?: string;
    secretProvider?: SecretProvider;
  } = {},
) {
  const queueUrl = await sqs.createQueue(options.fifo ?? false);
  const current = options.current ?? standardSecret();
  const logs: RequestLogEntry[] = [];
  const handler = createHandler({
    queueUrl,
    secretProvider:
      options.secretProvider ??
      new StaticSecretProvider({ current, previous: options.previous ?? null }),
    sqsClient: sqs.client,
    log: (entry) => logs.push(entry),
  });
  return { handler, queueUrl, current, logs, messages: () => receiveAll(sqs.client, queueUrl) };
}

function parseBody(body: string | undefined): unknown {
  return JSON.parse(body ?? "");
}

describe("Function: handler (in-process, SQS = fauxqs)", () => {
  describe("accepted deliveries", () => {
    it.each([SCHEME.STANDARD, SCHEME.LEGACY])(
      "enqueues a %s-signed delivery byte-for-byte with its attributes and answers 202",
      async (scheme) => {
        // Prepare
        const { handler, current, messages, logs } = await setUp();
        const delivery = new TestDelivery({ secret: current, scheme });
        // Act
        const result = await handler(delivery.event());
        // Assess
        const [message, ...others] = await messages();
        expect(others).toEqual([]);
        expect(result).toEqual({
          statusCode: 202,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            status: "enqueued",
            webhookId: delivery.webhookId,
            messageId: message?.MessageId,
          }),
        });
        expect(Buffer.from(message?.Body ?? "", "utf8").equals(delivery.body)).toBe(true);
        expect(attributesOf(message!)).toEqual({
          "webhook-id": delivery.webhookId,
          "webhook-timestamp": delivery.timestamp,
          "event-type": "order.paid",
        });
        expect(logs).toHaveLength(1);
        expect(logs[0]).toMatchObject({
          level: "info",
          msg: "webhook",
          webhookId: delivery.webhookId,
          type: "order.paid",
          outcome: "enqueued",
          status: 202,
          key: `current/${scheme}`,
          messageId: message?.MessageId,
          bodyBytes: delivery.body.length,
        });
        expect(typeof logs[0]?.latencyMs).toBe("number");
      },
    );

    it.each([SCHEME.STANDARD, SCHEME.LEGACY])(
      "accepts the previous secret (%s key) during a rotation",
      async (scheme) => {
        const previous = legacySecret();
        const { handler, messages, logs } = await setUp({ previous });
        const delivery = new TestDelivery({ secret: previous, scheme });
        expect((await handler(delivery.event())).statusCode).toBe(202);
        expect(await messages()).toHaveLength(1);
        expect(logs[0]?.key).toBe(`previous/${scheme}`);
      },
    );

    it("accepts a base64-encoded body (API Gateway's binary path) and enqueues the decoded bytes", async () => {
      const { handler, current, messages } = await setUp();
      const delivery = new TestDelivery({ secret: current });
      expect((await handler(delivery.event({ base64: true }))).statusCode).toBe(202);
      const [message] = await messages();
      expect(Buffer.from(message?.Body ?? "", "utf8").equals(delivery.body)).toBe(true);
    });

    it("reads mixed-case header names and a multi-signature header", async () => {
      const { handler, current, messages } = await setUp();
      const delivery = new TestDelivery({ secret: current });
      const event = apiGatewayEvent({
        body: delivery.body,
        headers: {
          "Webhook-Id": delivery.webhookId,
          "Webhook-Timestamp": delivery.timestamp,
          "Webhook-Signature": `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ${delivery.signature}`,
        },
      });
      expect((await handler(event)).statusCode).toBe(202);
      expect(await messages()).toHaveLength(1);
    });

    it("accepts a body of exactly the size limit", async () => {
      const { handler, current, messages } = await setUp();
      const prefix = '{"type":"order.paid","data":"';
      const body = `${prefix}${"a".repeat(MAX_BODY_BYTES - prefix.length - 2)}"}`;
      expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
      const delivery = new TestDelivery({ secret: current, body });
      expect((await handler(delivery.event())).statusCode).toBe(202);
      expect((await messages())[0]?.Body).toBe(body);
    });

    it("on a FIFO queue deduplicates Polar's retries by webhook-id and groups by webhook-id", async () => {
      // Prepare: two attempts of one event (same id and body, fresh timestamp and signature).
      const { handler, current, messages } = await setUp({ fifo: true });
      const first = new TestDelivery({ secret: current, timestamp: nowSeconds() - 8 });
      const retry = new TestDelivery({
        secret: current,
        body: first.body,
        webhookId: first.webhookId,
        timestamp: nowSeconds(),
      });
      // Act
      const results = [await handler(first.event()), await handler(retry.event())];
      // Assess
      expect(results.map((result) => result.statusCode)).toEqual([202, 202]);
      const received = await messages();
      expect(received).toHaveLength(1);
      expect(received[0]?.Attributes?.["MessageDeduplicationId"]).toBe(first.webhookId);
      expect(received[0]?.Attributes?.["MessageGroupId"]).toBe(first.webhookId);
      expect(attributesOf(received[0]!)["webhook-timestamp"]).toBe(first.timestamp);
    });
  });

  describe("rejected requests: status, and nothing enqueued", () => {
    const secretA = standardSecret();
    type Case = {
      name: string;
      event: (secret: string) => APIGatewayProxyEventV2;
      status: number;
      outcome: string;
    };
    const signed = (
      secret: string,
      options: Partial<ConstructorParameters<typeof TestDelivery>[0]> = {},
    ) => new TestDelivery({ ...options, secret });
    const cases: Case[] = [
      {
        name: "missing webhook-signature",
        event: (s) => signed(s).event({ headers: { "webhook-signature": "" } }),
        status: 403,
        outcome: "missing_headers",
      },
      {
        name: "missing webhook-id",
        event: (s) => {
          const d = signed(s);
          return apiGatewayEvent({
            body: d.body,
            headers: { ...d.headers(), "webhook-id": undefined },
          });
        },
        status: 403,
        outcome: "missing_headers",
      },
      {
        name: "missing webhook-timestamp",
        event: (s) => {
          const d = signed(s);
          return apiGatewayEvent({
            body: d.body,
            headers: { ...d.headers(), "webhook-timestamp": undefined },
          });
        },
        status: 403,
        outcome: "missing_headers",
      },
      {
        name: "garbled signature",
        event: (s) => signed(s).event({ headers: { "webhook-signature": "v1,not-base64!!" } }),
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "garbled timestamp",
        event: (s) => signed(s).event({ headers: { "webhook-timestamp": "yesterday" } }),
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "wrong secret",
        event: () => signed(standardSecret()).event(),
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "wrong secret, legacy scheme",
        event: () => signed(legacySecret(), { scheme: SCHEME.LEGACY }).event(),
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "stale timestamp (now − 330 s)",
        // 30 s past the tolerance: the case is built before an awaited set-up, and a loaded machine
        // must not move it back inside the window.
        event: (s) => signed(s, { timestamp: nowSeconds() - 330 }).event(),
        status: 403,
        outcome: "stale_timestamp",
      },
      {
        name: "future timestamp (now + 330 s)",
        event: (s) => signed(s, { timestamp: nowSeconds() + 330 }).event(),
        status: 403,
        outcome: "stale_timestamp",
      },
      {
        name: "tampered body",
        event: (s) => {
          const d = signed(s);
          return apiGatewayEvent({
            body: d.body.toString("utf8").replace("order.paid", "order.refunded"),
            headers: d.headers(),
          });
        },
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "oversized body (limit + 1 byte, correctly signed)",
        event: (s) => {
          const prefix = '{"type":"order.paid","data":"';
          return signed(s, {
            body: `${prefix}${"a".repeat(MAX_BODY_BYTES - prefix.length - 1)}"}`,
          }).event();
        },
        status: 413,
        outcome: "payload_too_large",
      },
      {
        name: "isBase64Encoded true on a plain body",
        event: (s) => {
          const d = signed(s);
          const event = d.event();
          event.isBase64Encoded = true;
          return event;
        },
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "isBase64Encoded false on a base64 body",
        event: (s) => {
          const event = signed(s).event({ base64: true });
          event.isBase64Encoded = false;
          return event;
        },
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "signed body that is not valid UTF-8",
        event: (s) => signed(s, { body: Buffer.from([0x7b, 0xff, 0x7d]) }).event({ base64: true }),
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "signed non-JSON body",
        event: (s) => signed(s, { body: "type=order.paid" }).event(),
        status: 400,
        outcome: "not_a_polar_event",
      },
      {
        name: "signed JSON without a string type (Slack format)",
        event: (s) => signed(s, { body: '{"text":"order.paid"}' }).event(),
        status: 400,
        outcome: "not_a_polar_event",
      },
      {
        name: "signed empty body",
        event: (s) => signed(s, { body: "" }).event(),
        status: 400,
        outcome: "not_a_polar_event",
      },
      {
        name: "signed event containing U+FFFF (SQS would refuse it)",
        event: (s) => signed(s, { body: '{"type":"order.paid","data":"\uffff"}' }).event(),
        status: 400,
        outcome: "body_not_enqueueable",
      },
      {
        name: "GET",
        event: (s) => signed(s).event({ method: "GET" }),
        status: 405,
        outcome: "method_not_allowed",
      },
      {
        name: "PUT",
        event: (s) => signed(s).event({ method: "PUT" }),
        status: 405,
        outcome: "method_not_allowed",
      },
    ];

    it.each(cases)("$name → $status", async ({ event, status, outcome }) => {
      // Prepare
      const { handler, messages, logs } = await setUp({ current: secretA });
      // Act
      const result = await handler(event(secretA));
      // Assess
      expect(result).toEqual({
        statusCode: status,
        headers: {
          "content-type": "application/json",
          ...(status === 405 ? { allow: "POST" } : {}),
        },
        body: JSON.stringify({ error: outcome }),
      });
      expect(await messages()).toEqual([]);
      expect(logs.map((entry) => [entry.outcome, entry.status, entry.level])).toEqual([
        [outcome, status, status >= 500 ? "error" : "warn"],
      ]);
    });

    it("never consults the secret store for unsigned requests", async () => {
      let lookups = 0;
      const keys = new StaticSecretProvider(secretA);
      const counting: SecretProvider = {
        getKeys: () => {
          lookups += 1;
          return keys.getKeys();
        },
        refreshAfterMiss: () => keys.refreshAfterMiss(),
      };
      const { handler } = await setUp({ secretProvider: counting });
      const result = await handler(apiGatewayEvent({ body: '{"type":"order.paid"}' }));
      expect([result.statusCode, lookups]).toEqual([403, 0]);
    });
  });

  describe("dependencies failing", () => {
    it("answers 503 and acknowledges nothing when SQS is unreachable", async () => {
      // Prepare: a client pointing at a port nobody listens on; the real queue exists and must stay
      // empty.
      const queueUrl = await sqs.createQueue();
      const deadClient = new SQSClient({
        ...DUMMY_AWS,
        endpoint: `http://127.0.0.1:${await freePort()}`,
        useQueueUrlAsEndpoint: false,
        maxAttempts: 2,
      });
      const secret = standardSecret();
      const logs: RequestLogEntry[] = [];
      const handler = createHandler({
        queueUrl,
        secretProvider: new StaticSecretProvider(secret),
        sqsClient: deadClient,
        log: (entry) => logs.push(entry),
      });
      const delivery = new TestDelivery({ secret });
      // Act
      const result = await handler(delivery.event());
      // Assess
      expect(result).toEqual({
        statusCode: 503,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: "enqueue_failed" }),
      });
      expect(await receiveAll(sqs.client, queueUrl)).toEqual([]);
      expect(logs[0]).toMatchObject({
        outcome: "enqueue_failed",
        status: 503,
        level: "error",
        reason: "SendMessage failed",
        webhookId: delivery.webhookId,
        type: "order.paid",
      });
      expect(logs[0]?.cause).toMatch(/ECONNREFUSED/);
    });

    it("answers 503 when the queue does not exist", async () => {
      const secret = standardSecret();
      const logs: RequestLogEntry[] = [];
      const handler = createHandler({
        queueUrl: `${sqs.endpoint}/000000000000/missing-${randomUUID()}`,
        secretProvider: new StaticSecretProvider(secret),
        sqsClient: sqs.client,
        log: (entry) => logs.push(entry),
      });
      expect((await handler(new TestDelivery({ secret }).event())).statusCode).toBe(503);
      expect(logs[0]?.outcome).toBe("enqueue_failed");
    });

    it("answers 503 and enqueues nothing when SSM is unreachable", async () => {
      const { handler, messages, logs } = await setUp({
        secretProvider: new SsmSecretProvider({
          parameterName: "/polar/webhook-secret",
          clientConfig: {
            ...DUMMY_AWS,
            endpoint: `http://127.0.0.1:${await freePort()}`,
            maxAttempts: 1,
          },
        }),
      });
      const result = await handler(new TestDelivery({ secret: standardSecret() }).event());
      expect(result).toEqual({
        statusCode: 503,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: "secret_unavailable" }),
      });
      expect(await messages()).toEqual([]);
      expect(logs[0]).toMatchObject({
        outcome: "secret_unavailable",
        reason: "Could not read the secret parameter",
      });
    });
  });

  describe("secret rotation through SSM (forced refresh on a miss)", () => {
    it("picks up a new secret without a redeploy, at most one GetParameter per 60 s under a flood", async () => {
      // Prepare: SSM holds secret A; the container caches it at t0.
      const oldSecret = standardSecret();
      let parameter = JSON.stringify({ current: oldSecret, previous: null });
      let getParameterCalls = 0;
      const ssm = new SSMClient(DUMMY_AWS);
      ssm.middlewareStack.add(
        () => async () => {
          getParameterCalls += 1;
          const output: GetParameterCommandOutput = {
            $metadata: {},
            Parameter: { Value: parameter },
          };
          return { output, response: {} };
        },
        { step: "initialize", name: "stubGetParameter" },
      );
      let now = 1_000_000;
      const provider = new SsmSecretProvider({
        parameterName: "p",
        ssmClient: ssm,
        now: () => now,
      });
      const { handler, messages, logs } = await setUp({ secretProvider: provider });
      expect((await handler(new TestDelivery({ secret: oldSecret }).event())).statusCode).toBe(202);

      // Act 1: Polar's secret is reset (standard scheme); the parameter now holds {new, previous:
      // old}.
      const newSecret = standardSecret();
      parameter = JSON.stringify({ current: newSecret, previous: oldSecret });
      now += 10_000;
      const tooSoon = await handler(new TestDelivery({ secret: newSecret }).event());
      // …and an attacker floods forged requests meanwhile.
      for (let i = 0; i < 20; i += 1) {
        await handler(new TestDelivery({ secret: standardSecret() }).event());
      }
      // Assess 1: rate-limited, no extra GetParameter.
      expect(tooSoon.statusCode).toBe(403);
      expect(getParameterCalls).toBe(1);
      expect(logs[1]?.secretRefresh).toBe("rate_limited");

      // Act 2: Polar retries after the interval.
      now += 60_000;
      const retried = await handler(new TestDelivery({ secret: newSecret }).event());
      const forgedAfter = await handler(new TestDelivery({ secret: standardSecret() }).event());
      // Assess 2
      expect(retried.statusCode).toBe(202);
      expect(logs.at(-2)).toMatchObject({
        secretRefresh: "forced",
        key: "current/standard",
        outcome: "enqueued",
      });
      expect(forgedAfter.statusCode).toBe(403);
      expect(getParameterCalls).toBe(2);
      // The old secret still verifies as "previous" until the parameter drops it.
      expect(
        (await handler(new TestDelivery({ secret: oldSecret, scheme: SCHEME.LEGACY }).event()))
          .statusCode,
      ).toBe(202);
      expect(logs.at(-1)?.key).toBe("previous/legacy");
      expect(await messages()).toHaveLength(3);
    });
  });

  describe("configuration", () => {
    it.each([
      ["QUEUE_URL missing", { POLAR_WEBHOOK_SECRET: "whsec_x" }, "QUEUE_URL is required"],
      [
        "no secret variable",
        { QUEUE_URL: "http://127.0.0.1:1/000000000000/q" },
        'Set POLAR_WEBHOOK_SECRET (the endpoint\'s whsec_… secret) or WEBHOOK_SECRET_PARAMETER (name of an SSM SecureString holding {"current": "whsec_…", "previous": null, "previousExpiresAt": null})',
      ],
      [
        "both secret variables",
        {
          QUEUE_URL: "http://127.0.0.1:1/000000000000/q",
          POLAR_WEBHOOK_SECRET: "whsec_x",
          WEBHOOK_SECRET_PARAMETER: "/p",
        },
        "Set only one of WEBHOOK_SECRET_PARAMETER (SSM parameter name) and POLAR_WEBHOOK_SECRET (local use)",
      ],
    ])("answers 500 misconfigured when %s, naming the variable", async (_name, env, reason) => {
      const logs: RequestLogEntry[] = [];
      const handler = createHandler({
        env,
        sqsClient: sqs.client,
        log: (entry) => logs.push(entry),
      });
      const result = await handler(new TestDelivery({ secret: standardSecret() }).event());
      expect(result.statusCode).toBe(500);
      expect(parseBody(result.body)).toEqual({ error: "misconfigured" });
      expect(logs[0]?.reason).toBe(reason);
    });

    it("reads QUEUE_URL and POLAR_WEBHOOK_SECRET from the environment", async () => {
      const queueUrl = await sqs.createQueue();
      const secret = standardSecret();
      const handler = createHandler({
        env: { QUEUE_URL: queueUrl, POLAR_WEBHOOK_SECRET: secret },
        sqsClient: sqs.client,
        log: () => undefined,
      });
      expect((await handler(new TestDelivery({ secret }).event())).statusCode).toBe(202);
      expect(await receiveAll(sqs.client, queueUrl)).toHaveLength(1);
    });
  });

  describe("logs", () => {
    it("writes one line per request and never the secret, a signature or the body", async () => {
      // Prepare
      const { handler, current, logs } = await setUp();
      const marker = `marker-${randomUUID()}`;
      const body = JSON.stringify({ type: "order.paid", data: { note: marker } });
      const good = new TestDelivery({ secret: current, body });
      const forged = new TestDelivery({ secret: standardSecret(), body });
      const nonJson = new TestDelivery({ secret: current, body: `${marker} not json` });
      // Act
      await handler(good.event());
      await handler(forged.event());
      await handler(nonJson.event());
      // Assess
      expect(logs.map((entry) => entry.status)).toEqual([202, 403, 400]);
      const text = logs.map((entry) => JSON.stringify(entry)).join("\n");
      for (const secretish of [
        current,
        current.slice(6),
        good.signature.slice(3),
        forged.signature.slice(3),
        marker,
      ]) {
        expect(text).not.toContain(secretish);
      }
      expect(logs[2]).toMatchObject({ reason: "Body is not JSON", cause: "SyntaxError" });
    });
  });
});
