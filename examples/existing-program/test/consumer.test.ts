// The consumer as Lambda runs it, in plain Node: an SQS batch in, partial failures out, each webhook-id handled once.
import * as assert from "node:assert/strict";
import { mock, test } from "node:test";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import {
  createPolarEventConsumer,
  InMemoryPersistenceLayer,
} from "polar-webhooks-as-code/consumer";
import { handlers } from "../consumer/handler";

function record(webhookId: string, type: string, data: object): SQSRecord {
  const now = String(Date.now());
  return {
    messageId: `${webhookId}-${Math.random()}`,
    receiptHandle: "receipt",
    body: JSON.stringify({ type, timestamp: new Date().toISOString(), data }),
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: now,
      SenderId: "receiver",
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {
      "webhook-id": { dataType: "String", stringValue: webhookId },
      "event-type": { dataType: "String", stringValue: type },
    },
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:eu-west-1:123456789012:billing-queue",
    awsRegion: "eu-west-1",
  };
}

test("handles each webhook-id once, with no Pulumi and no esbuild loaded", async () => {
  // Prepare: the stack's handlers, with idempotency in memory instead of the stack's DynamoDB table.
  const consumer = createPolarEventConsumer({
    handlers,
    idempotency: { persistenceStore: new InMemoryPersistenceLayer() },
    log: () => undefined,
  });
  const lines = mock.method(console, "log", () => undefined);
  const order = { id: "o1", customer_id: "c1", product_id: "p1", billing_reason: "purchase" };
  const event: SQSEvent = {
    Records: [
      record("evt_1", "order.paid", order),
      record("evt_2", "subscription.revoked", { id: "s1", customer_id: "c1" }),
    ],
  };

  // Act: the batch, then Polar's retry of the first event.
  const first = await consumer(event, {} as never);
  const retry = await consumer({ Records: [record("evt_1", "order.paid", order)] }, {} as never);

  // Assess
  assert.deepEqual(first, { batchItemFailures: [] });
  assert.deepEqual(retry, { batchItemFailures: [] });
  assert.deepEqual(
    lines.mock.calls.map((call) => JSON.parse(String(call.arguments[0]))),
    [
      { grant: "c1", product: "p1", renewal: false },
      { revoke: "c1", subscription: "s1" },
    ],
  );
  const loaded = Object.keys(require.cache);
  assert.deepEqual(
    loaded.filter((file) => /node_modules[\\/](@pulumi|esbuild)[\\/]/.test(file)),
    [],
  );
});
