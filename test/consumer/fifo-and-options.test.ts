/**
 * FIFO queues (per-group order) and the consumer's options and environment, against moto.
 */
import { createHash, randomUUID } from "node:crypto";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { describe, expect, it } from "vitest";
import { ConsumerConfigError, createPolarEventConsumer } from "../../lambda";
import { SqsEventSource } from "../../local/adapters";
import { harness, queueDepth } from "./harness";
import {
  createIdempotencyTable,
  createQueuePair,
  DUMMY_AWS,
  enqueuePolarEvent,
  REFUSED_ENDPOINT,
  scanTable,
  useMoto,
} from "./support";

const moto = useMoto();

async function dynamoDbIdempotency(
  extra: { keyPrefix?: string; expiresAfterSeconds?: number } = {},
) {
  const tableName = await createIdempotencyTable(moto.dynamodb);
  return {
    tableName,
    options: { tableName, clientConfig: { ...DUMMY_AWS, endpoint: moto.endpoint }, ...extra },
  };
}

describe("FIFO queue", () => {
  it("handles records in order and holds back only the group of a failed record", async () => {
    // Prepare: groups A and B interleaved; a2 fails on its first attempt.
    const queue = await createQueuePair(moto.sqs, { fifo: true });
    const { options } = await dynamoDbIdempotency();
    const sent = new Map<string, string>();
    for (const name of ["a1", "b1", "a2", "b2", "a3"]) {
      const { webhookId } = await enqueuePolarEvent(moto.sqs, queue.queueUrl, {
        type: "order.paid",
        groupId: name.slice(0, 1),
      });
      sent.set(webhookId, name);
    }
    let a2Attempts = 0;
    const h = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: options,
      behaviour: (call) => {
        if (sent.get(call.webhookId) === "a2" && (a2Attempts += 1) === 1) {
          throw new Error("a2 not yet");
        }
      },
    });
    // Act
    const first = await h.source.pollOnce();
    await h.settle();
    // Assess
    const name = (webhookId?: string) => sent.get(webhookId ?? "");
    expect(first.received).toBe(5);
    expect(h.logs.slice(0, 5).map((e) => [name(e.webhookId), e.outcome])).toEqual([
      ["a1", "handled"],
      ["b1", "handled"],
      ["a2", "handler_failed"],
      ["b2", "handled"],
      ["a3", "group_skipped"],
    ]);
    expect(first.failed).toHaveLength(2);
    // Redelivery order within a group is SQS's job, and moto 5.2.1 gets it wrong: its
    // receive_message keeps a group "pending" until it has visited the group's last in-flight
    // message, so it hands out a3 before a2. Here only completion is checked.
    const handledLater = h.logs.slice(5).filter((e) => e.outcome === "handled");
    expect(handledLater.map((e) => name(e.webhookId)).sort()).toEqual(["a2", "a3"]);
    expect(await queueDepth(moto.sqs, queue.queueUrl)).toBe(0);
  });

  it("runs a webhook-id once when it is sent again after the deduplication window", async () => {
    // The receiver's MessageDeduplicationId covers 5 minutes; a later Polar redelivery is a new
    // message (simulated with another group, as SQS would see it after the window).
    const queue = await createQueuePair(moto.sqs, { fifo: true });
    const { options } = await dynamoDbIdempotency();
    const h = harness({ sqs: moto.sqs, queueUrl: queue.queueUrl, idempotency: options });
    const first = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" });
    await h.settle();
    const again = await enqueuePolarEvent(moto.sqs, queue.queueUrl, {
      type: "order.paid",
      webhookId: first.webhookId,
      groupId: randomUUID(),
    });
    await h.settle();
    expect(h.calls).toHaveLength(1);
    expect(h.outcomesOf(again.messageId)).toEqual(["duplicate"]);
  });
});

describe("Options and environment", () => {
  it("stores one DynamoDB item per webhook-id: key from the attribute, TTL in seconds, lock from the context", async () => {
    // Prepare
    const queue = await createQueuePair(moto.sqs);
    const { tableName, options } = await dynamoDbIdempotency({ keyPrefix: "billing" });
    const sent = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" });
    let duringRun: Record<string, unknown>[] = [];
    let sawLockAt = 0;
    const h = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: options,
      behaviour: async () => {
        duringRun = (await scanTable(moto.dynamodb, tableName)).map((item) => unmarshall(item));
        sawLockAt = Date.now();
      },
    });
    // Act: the bounds below come from clock readings around each write, so a loaded machine cannot break them.
    const before = Date.now();
    await h.settle();
    const after = Date.now();
    // Assess
    const key = `billing#${createHash("md5").update(JSON.stringify(sent.webhookId)).digest("base64")}`;
    expect(duringRun).toHaveLength(1);
    expect(duringRun[0]).toMatchObject({ id: key, status: "INPROGRESS" });
    // The lock lasts as long as the invocation may (the event source's 30 s), not the whole TTL.
    const lockUntil = Number(duringRun[0]?.["in_progress_expiration"]);
    expect(lockUntil).toBeGreaterThanOrEqual(before + 25_000);
    expect(lockUntil).toBeLessThanOrEqual(sawLockAt + 30_000);
    const [item] = (await scanTable(moto.dynamodb, tableName)).map((i) => unmarshall(i));
    expect(item).toMatchObject({
      id: key,
      status: "COMPLETED",
      data: { messageId: sent.messageId },
    });
    // docs/consumer.md: a webhook-id is remembered for 7 days after its event was handled.
    const sevenDays = 7 * 24 * 60 * 60;
    const expiration = Number(item?.["expiration"]);
    expect(expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + sevenDays);
    expect(expiration).toBeLessThanOrEqual(Math.ceil(after / 1000) + sevenDays);
  });

  it("runs every delivery with idempotency: false", async () => {
    const queue = await createQueuePair(moto.sqs);
    const webhookId = randomUUID();
    await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid", webhookId });
    await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid", webhookId });
    const h = harness({ sqs: moto.sqs, queueUrl: queue.queueUrl, idempotency: false });
    await h.settle();
    expect(h.calls.map((c) => c.webhookId)).toEqual([webhookId, webhookId]);
    expect(h.logs.map((e) => e.outcome)).toEqual(["handled", "handled"]);
  });

  it("fails the invocation, naming the variable, when IDEMPOTENCY_TABLE is missing; deletes nothing", async () => {
    const queue = await createQueuePair(moto.sqs);
    await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" });
    const consumer = createPolarEventConsumer({
      handlers: { "order.paid": async () => undefined },
      env: {},
      log: () => undefined,
    });
    const source = new SqsEventSource({
      sqsClient: moto.sqs,
      queueUrl: queue.queueUrl,
      handler: consumer,
    });
    const result = await source.pollOnce();
    expect(result.error).toBeInstanceOf(ConsumerConfigError);
    expect((result.error as Error).message).toMatch(/^IDEMPOTENCY_TABLE is not set: /);
    expect(result.deleted).toEqual([]);
  });

  it("uses the in-memory store with IDEMPOTENCY_STORE=memory (the local runner), and rejects other values", async () => {
    const queue = await createQueuePair(moto.sqs);
    const webhookId = randomUUID();
    await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid", webhookId });
    await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid", webhookId });
    let runs = 0;
    const consumer = createPolarEventConsumer({
      handlers: { "order.paid": async () => void (runs += 1) },
      env: { IDEMPOTENCY_STORE: "memory" },
      log: () => undefined,
    });
    const source = new SqsEventSource({
      sqsClient: moto.sqs,
      queueUrl: queue.queueUrl,
      handler: consumer,
    });
    expect((await source.pollOnce()).deleted).toHaveLength(2);
    expect(runs).toBe(1);

    const misconfigured = createPolarEventConsumer({
      handlers: { "order.paid": async () => undefined },
      env: { IDEMPOTENCY_STORE: "redis" },
    });
    await expect(misconfigured({ Records: [] }, undefined as never)).rejects.toThrow(
      'IDEMPOTENCY_STORE must be "dynamodb" or "memory", got "redis"',
    );
  });

  it("fails the record, not the batch, and never runs the handler when the store is unreachable", async () => {
    const queue = await createQueuePair(moto.sqs);
    const sent = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" });
    const h = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: {
        tableName: "unreachable",
        clientConfig: {
          ...DUMMY_AWS,
          endpoint: REFUSED_ENDPOINT,
          maxAttempts: 1,
        },
      },
    });
    const result = await h.source.pollOnce();
    expect(result.error).toBeUndefined();
    expect(result.failed).toEqual([sent.messageId]);
    expect(h.calls).toEqual([]);
    expect(h.logs[0]).toMatchObject({ outcome: "idempotency_failed", level: "warn" });
    expect(h.logs[0]?.error).toMatch(/^IdempotencyPersistenceLayerError \(cause: /);
  });
});
