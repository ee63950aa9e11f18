/**
 * The consumer's behaviour table, against moto's SQS (real visibility timeouts and redrive) and
 * run once with each idempotency store: DynamoDB (moto) and the in-memory store. Same tests, same
 * expectations: the in-memory store must behave like DynamoDB.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InMemoryPersistenceLayer, MALFORMED, type IdempotencyOptions } from "../../lambda/index";
import { gate, harness, queueDepth, type Call } from "./harness";
import {
  createIdempotencyTable,
  createQueuePair,
  enqueuePolarEvent,
  enqueueRaw,
  DUMMY_AWS,
  receiveAll,
  useMoto,
} from "./support";

const moto = useMoto();

const STORES = [
  {
    store: "DynamoDB (moto)",
    /** One table per test; each consumer gets its own client, like separate Lambda instances. */
    async idempotency(): Promise<() => IdempotencyOptions> {
      const tableName = await createIdempotencyTable(moto.dynamodb);
      return () => ({
        tableName,
        clientConfig: { ...DUMMY_AWS, endpoint: moto.endpoint },
      });
    },
  },
  {
    store: "in-memory",
    /** One store per test, shared by the consumers of that test (one process). */
    async idempotency(): Promise<() => IdempotencyOptions> {
      const persistenceStore = new InMemoryPersistenceLayer();
      return () => ({ persistenceStore });
    },
  },
];

describe.each(STORES)("Consumer semantics, idempotency in $store", ({ idempotency }) => {
  it("handles records independently: one failure is reported alone, the rest are deleted", async () => {
    // Prepare
    const queue = await createQueuePair(moto.sqs);
    const sent = [];
    for (let i = 0; i < 3; i += 1) {
      sent.push(await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" }));
    }
    const failing = sent[1]!;
    const h = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: (await idempotency())(),
      behaviour: (call) => {
        if (call.webhookId === failing.webhookId) throw new Error("boom");
      },
    });
    // Act
    const result = await h.source.pollOnce();
    // Assess
    expect(result.received).toBe(3);
    expect(h.responses[0]).toEqual({ batchItemFailures: [{ itemIdentifier: failing.messageId }] });
    expect([...result.deleted].sort()).toEqual([sent[0]!.messageId, sent[2]!.messageId].sort());
    expect(h.outcomesOf(failing.messageId)).toEqual(["handler_failed"]);
    expect(h.logs.find((e) => e.messageId === failing.messageId)).toMatchObject({
      level: "error",
      webhookId: failing.webhookId,
      eventType: "order.paid",
      receiveCount: 1,
      error: "Error: boom",
    });
  });

  it("reports every record of a batch in which all fail (Powertools #5624)", async () => {
    const queue = await createQueuePair(moto.sqs);
    const sent = [];
    for (let i = 0; i < 3; i += 1) {
      sent.push(await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" }));
    }
    const h = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: (await idempotency())(),
      behaviour: () => {
        throw new Error("down");
      },
    });
    const result = await h.source.pollOnce();
    expect(result.error).toBeUndefined();
    expect(h.responses[0]?.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      sent.map((s) => s.messageId).sort(),
    );
    expect(result.deleted).toEqual([]);
    expect(await queueDepth(moto.sqs, queue.queueUrl)).toBe(3);
  });

  it("releases the key when the handler throws: the retry runs it, a later redelivery does not", async () => {
    // Prepare: the handler fails on its first call for an event, then succeeds.
    const queue = await createQueuePair(moto.sqs);
    const first = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" });
    const attempts = new Map<string, number>();
    const h = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: (await idempotency())(),
      behaviour: (call) => {
        const n = (attempts.get(call.webhookId) ?? 0) + 1;
        attempts.set(call.webhookId, n);
        if (n === 1) throw new Error("transient");
      },
    });
    // Act: the failed message comes back after the visibility timeout.
    await h.settle();
    // Polar redelivers the same event later: a new SQS message, the same webhook-id.
    const redelivery = await enqueuePolarEvent(moto.sqs, queue.queueUrl, {
      type: "order.paid",
      webhookId: first.webhookId,
    });
    await h.settle();
    // Assess
    expect(h.calls.map((c) => [c.messageId, c.receiveCount])).toEqual([
      [first.messageId, 1],
      [first.messageId, 2],
    ]);
    expect(h.outcomesOf(first.messageId)).toEqual(["handler_failed", "handled"]);
    expect(h.outcomesOf(redelivery.messageId)).toEqual(["duplicate"]);
    expect(h.logs.at(-1)?.firstMessageId).toBe(first.messageId);
    expect(await receiveAll(moto.sqs, queue.dlqUrl)).toEqual([]);
  });

  it("runs a webhook-id once, for duplicates in one batch and across batches", async () => {
    const queue = await createQueuePair(moto.sqs);
    const webhookId = randomUUID();
    const copies = [];
    for (let i = 0; i < 3; i += 1) {
      copies.push(
        await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid", webhookId }),
      );
    }
    const other = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" });
    const h = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: (await idempotency())(),
    });

    const firstBatch = await h.source.pollOnce();
    const later = await enqueuePolarEvent(moto.sqs, queue.queueUrl, {
      type: "order.paid",
      webhookId,
    });
    await h.settle();

    expect(firstBatch.received).toBe(4);
    expect(firstBatch.failed).toEqual([]);
    expect(h.calls.map((c) => c.webhookId).sort()).toEqual([webhookId, other.webhookId].sort());
    const outcomes = [...copies, later].flatMap((copy) => h.outcomesOf(copy.messageId));
    expect(outcomes.sort()).toEqual(["duplicate", "duplicate", "duplicate", "handled"]);
    expect(await queueDepth(moto.sqs, queue.queueUrl)).toBe(0);
  });

  it("runs a webhook-id once when two consumers race on it (the second waits for a redelivery)", async () => {
    // Prepare: two deliveries of one event, two consumers sharing the store, one batch each.
    const queue = await createQueuePair(moto.sqs);
    const webhookId = randomUUID();
    await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid", webhookId });
    await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid", webhookId });
    const options = await idempotency();
    const calls: Call[] = [];
    const started = gate();
    const release = gate();
    const a = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: options(),
      batchSize: 1,
      calls,
      behaviour: async () => {
        started.open();
        await release.promise;
      },
    });
    const b = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: options(),
      batchSize: 1,
      calls,
    });
    // Act: A holds the lock while B receives the other copy.
    const aDone = a.source.pollOnce();
    await started.promise;
    const bFirst = await b.source.pollOnce();
    release.open();
    await aDone;
    await b.settle();
    // Assess
    expect(calls).toHaveLength(1);
    expect(bFirst.failed).toHaveLength(1);
    expect(a.logs.map((e) => e.outcome)).toEqual(["handled"]);
    expect(b.logs.map((e) => e.outcome)).toEqual(["in_progress", "duplicate"]);
    expect(b.logs[0]).toMatchObject({ level: "warn", receiveCount: 1 });
    expect(b.logs[1]).toMatchObject({ receiveCount: 2, firstMessageId: a.logs[0]?.messageId });
  });

  it("acknowledges and logs an unknown type and a known type without a handler", async () => {
    const queue = await createQueuePair(moto.sqs);
    const paid = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" });
    const noHandler = await enqueuePolarEvent(moto.sqs, queue.queueUrl, {
      type: "checkout.created",
    });
    const unknown = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "invoice.minted" });
    const h = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: (await idempotency())(),
    });

    const result = await h.source.pollOnce();

    expect(result.received).toBe(3);
    expect(result.failed).toEqual([]);
    expect(h.calls.map((c) => c.messageId)).toEqual([paid.messageId]);
    expect(h.outcomesOf(noHandler.messageId)).toEqual(["no_handler"]);
    expect(h.outcomesOf(unknown.messageId)).toEqual(["unknown_type"]);
    expect(h.logs.find((e) => e.messageId === unknown.messageId)).toMatchObject({
      level: "info",
      eventType: "invoice.minted",
      webhookId: unknown.webhookId,
    });
    expect(await queueDepth(moto.sqs, queue.queueUrl)).toBe(0);
  });

  it("fails what is not a Polar event, logs it without the body, and the redrive moves it to the DLQ", async () => {
    // Prepare: maxReceiveCount 2, three kinds of garbage carrying a marker that must not be logged.
    const queue = await createQueuePair(moto.sqs, { maxReceiveCount: 2 });
    const marker = "whsec_DO_NOT_LOG café";
    const attributes = (id: string) => ({
      "webhook-id": { DataType: "String", StringValue: id },
    });
    const notJson = await enqueueRaw(
      moto.sqs,
      queue.queueUrl,
      `{${marker}`,
      attributes(randomUUID()),
    );
    const noData = await enqueueRaw(
      moto.sqs,
      queue.queueUrl,
      JSON.stringify({ type: "order.paid", timestamp: marker }),
      attributes(randomUUID()),
    );
    const noWebhookId = await enqueueRaw(
      moto.sqs,
      queue.queueUrl,
      JSON.stringify({ type: "order.paid", timestamp: "t", data: { note: marker } }),
    );
    const h = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: (await idempotency())(),
    });
    // Act
    await h.settle();
    // Assess: failed on each of its 2 receives, then moved by the redrive; never handled.
    expect(h.calls).toEqual([]);
    expect(h.outcomesOf(notJson)).toEqual(["malformed", "malformed"]);
    expect(h.logs.filter((e) => e.messageId === notJson).map((e) => e.reason)).toEqual([
      MALFORMED.NOT_JSON,
      MALFORMED.NOT_JSON,
    ]);
    expect(h.logs.find((e) => e.messageId === noData)?.reason).toBe(MALFORMED.NOT_AN_EVENT);
    expect(h.logs.find((e) => e.messageId === noWebhookId)?.reason).toBe(MALFORMED.NO_WEBHOOK_ID);
    expect(JSON.stringify(h.logs)).not.toContain("DO_NOT_LOG");
    const dead = await receiveAll(moto.sqs, queue.dlqUrl);
    expect(dead.map((m) => m.MessageId).sort()).toEqual([notJson, noData, noWebhookId].sort());
    expect(dead.find((m) => m.MessageId === notJson)?.Body).toBe(`{${marker}`);
  });

  it("sends a handler that keeps failing to the DLQ after maxReceiveCount receives", async () => {
    const queue = await createQueuePair(moto.sqs, { maxReceiveCount: 3 });
    const poison = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" });
    const fine = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" });
    const h = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: (await idempotency())(),
      behaviour: (call) => {
        if (call.webhookId === poison.webhookId) throw new TypeError("bad data");
      },
    });

    await h.settle();

    expect(
      h.calls.filter((c) => c.webhookId === poison.webhookId).map((c) => c.receiveCount),
    ).toEqual([1, 2, 3]);
    expect(h.outcomesOf(fine.messageId)).toEqual(["handled"]);
    const dead = await receiveAll(moto.sqs, queue.dlqUrl);
    expect(dead.map((m) => m.MessageAttributes?.["webhook-id"]?.StringValue)).toEqual([
      poison.webhookId,
    ]);
  });

  it("lets the lock of a consumer that died expire with its Lambda timeout, so the event still runs", async () => {
    // Prepare: A takes the lock with 1 s left on its clock, then hangs (as if the function had
    // timed out or crashed); B receives the redelivery.
    const queue = await createQueuePair(moto.sqs);
    const sent = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" });
    const options = await idempotency();
    const calls: Call[] = [];
    const started = gate();
    const hang = gate();
    const a = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: options(),
      functionTimeoutSeconds: 1,
      calls,
      behaviour: async () => {
        started.open();
        await hang.promise;
      },
    });
    const b = harness({ sqs: moto.sqs, queueUrl: queue.queueUrl, idempotency: options(), calls });
    // Act
    const aDone = a.source.pollOnce().catch(() => undefined);
    await started.promise;
    await b.settle();
    hang.open();
    await aDone;
    // Assess: B ran it once the lock had expired (attempts before that were "in_progress").
    expect(calls.map((c) => c.messageId)).toEqual([sent.messageId, sent.messageId]);
    expect(b.logs.at(-1)).toMatchObject({
      outcome: "handled",
      receiveCount: calls[1]?.receiveCount,
    });
    expect(b.logs.slice(0, -1).every((e) => e.outcome === "in_progress")).toBe(true);
  });
});
