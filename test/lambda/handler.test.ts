// The handler in-process: accepted deliveries, configuration and its log lines.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createHandler, MAX_BODY_BYTES, type RequestLogEntry } from "../../lambda/index";
import {
  apiGatewayEvent,
  attributesOf,
  legacySecret,
  nowSeconds,
  receiveAll,
  SCHEME,
  standardSecret,
  TestDelivery,
} from "./support";
import { sqs, setUp, parseBody } from "./handler-support";

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
