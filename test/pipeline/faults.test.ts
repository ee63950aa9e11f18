// Emulator → receiver → queue → consumer with links broken on purpose: the queue server refuses
// connections (the receiver answers 503) and the receiver's port is closed. Polar's retries carry
// every event through once the link is back; forgeries sent in the middle never reach the queue.
import { afterEach, describe, expect, it } from "vitest";
import { sendForgeries, startPipeline, type Pipeline } from "./harness";

let pipeline: Pipeline | undefined;

afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

const TYPES = [
  "checkout.updated",
  "order.created",
  "order.paid",
  "subscription.updated",
  "customer.state_changed",
  "order.refunded",
] as const;

async function emitAll(p: Pipeline): Promise<string[]> {
  const ids: string[] = [];
  for (const type of TYPES) ids.push(await p.emit(type));
  return ids;
}

/** Each webhook-id was handled exactly once, and only emitted ids ever entered the queue. */
async function expectAccountedFor(p: Pipeline, forged: readonly string[]): Promise<void> {
  // Handled means the handler ran; the event source deletes the message just after.
  await p.until("the queue drained", () => p.queues.messages().length === 0);
  expect(p.handled.map((r) => r.webhookId).sort()).toEqual([...p.emitted].sort());
  const received = new Set(p.received.map((r) => r.webhookId));
  expect([...received].sort()).toEqual([...p.emitted].sort());
  for (const id of forged) expect(received.has(id)).toBe(false);
  expect(p.queues.messages()).toEqual([]);
  expect(p.queues.deadLetters()).toEqual([]);
}

/** Each body the consumer handled is the emulator's payload, byte for byte through the queue. */
function expectExactBodies(p: Pipeline): void {
  for (const { webhookId, body } of p.received) {
    expect(body).toBe(p.polar.getEvent(webhookId)?.payload);
  }
}

describe("pipeline faults (real sockets, scaled-down Polar retries)", () => {
  it("the queue is down: the receiver answers 503, Polar's retries deliver once it is back", async () => {
    // Prepare
    pipeline = await startPipeline();
    const p = pipeline;
    await p.queueGate.close();
    // Act
    const ids = await emitAll(p);
    await p.until("two failed attempts per event", () =>
      ids.every((id) => p.deliveriesOf(id).filter((d) => d.http_code === 503).length >= 2),
    );
    const forged = await sendForgeries(
      `${p.receiverUrl()}polar/webhooks`,
      p.endpoint.secret,
      p.polar.getEvent(ids[0]!)!.payload!,
    );
    await p.queueGate.open();
    await p.until("every event handled", () => p.handled.length === ids.length);
    await p.polar.settled();
    // Assess
    expect(forged.statuses).toEqual([403, 403, 403, 403, 403]);
    for (const id of ids) {
      const codes = p.deliveriesOf(id).map((d) => d.http_code);
      expect(codes.at(-1)).toBe(202);
      expect(codes.slice(0, -1).every((code) => code === 503)).toBe(true);
      expect(codes.length).toBeGreaterThanOrEqual(3);
    }
    // The receiver said why: the send failed, never the signature.
    const failures = p.requests.filter((r) => r.status === 503);
    expect(failures.length).toBeGreaterThanOrEqual(ids.length * 2);
    expect(new Set(failures.map((r) => r.outcome))).toEqual(new Set(["enqueue_failed"]));
    await expectAccountedFor(p, forged.webhookIds);
    expectExactBodies(p);
  });

  it("the receiver is unreachable for a while: retries deliver after it is back", async () => {
    // Prepare
    pipeline = await startPipeline();
    const p = pipeline;
    await p.stopReceiver();
    // Act
    const ids = await emitAll(p);
    await p.until("two refused attempts per event", () =>
      ids.every((id) => p.deliveriesOf(id).filter((d) => d.http_code === null).length >= 2),
    );
    await p.startReceiver();
    const forged = await sendForgeries(
      `${p.receiverUrl()}polar/webhooks`,
      p.endpoint.secret,
      p.polar.getEvent(ids[1]!)!.payload!,
    );
    await p.until("every event handled", () => p.handled.length === ids.length);
    await p.polar.settled();
    // Assess
    expect(forged.statuses).toEqual([403, 403, 403, 403, 403]);
    for (const id of ids) {
      const attempts = p.deliveriesOf(id);
      expect(attempts.at(-1)?.http_code).toBe(202);
      expect(attempts.at(-1)?.webhook_event.succeeded).toBe(true);
      for (const failed of attempts.slice(0, -1)) {
        expect(failed.http_code).toBeNull();
        expect(failed.response).toMatch(/ECONNREFUSED|connect/i);
      }
    }
    expect(p.requests.filter((r) => r.status === 202)).toHaveLength(ids.length);
    await expectAccountedFor(p, forged.webhookIds);
    expectExactBodies(p);
  });

  it("a redelivery of a handled event reaches the consumer again and is not handled twice", async () => {
    // Prepare
    pipeline = await startPipeline();
    const p = pipeline;
    const id = await p.emit("order.paid");
    await p.until("the event handled", () => p.handled.length === 1);
    // Act
    await p.client.redeliverWebhookEvent(id);
    await p.until("the redelivery received", () => p.received.length === 2);
    await p.until("the consumer acknowledged it", () =>
      p.consumerLog.some((entry) => entry.outcome === "duplicate"),
    );
    await p.polar.settled();
    // Assess
    expect(p.deliveriesOf(id).map((d) => d.http_code)).toEqual([202, 202]);
    expect(p.received.map((r) => r.webhookId)).toEqual([id, id]);
    expect(p.handled.map((r) => r.webhookId)).toEqual([id]);
    await expectAccountedFor(p, []);
  });
});
