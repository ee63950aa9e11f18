// 1,000 deliveries from the Polar emulator to the real receiver (createHandler behind the local
// HTTP server), whose SendMessage calls cross a seeded fault proxy that fails 20 % of them before
// they reach the local SQS server (fauxqs): 500s, connection resets, throttling, and sends that
// SQS committed but whose answer was lost. What the receiver's SQS retries cannot absorb it must
// answer with 503, and Polar's retries (scaled backoff) must carry every event into the queue:
// nothing lost, nothing unsigned enqueued. Twice: with the receiver's shipped SQS settings
// (3 attempts), and with one attempt per send, so that every fault is Polar's to retry.
import { setTimeout } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy, type FaultRule } from "../support/fault-proxy";
import { sendForgeries, startPipeline, type Pipeline } from "./harness";

const EVENTS = 1_000;
const FAULT_RATE = 0.2;
/**
 * A steady 200 events a second. (A burst of 1,000 at once overloads this one process, which runs
 * Polar, the receiver, SQS and the consumer on shared cores: deliveries pass Polar's timeout even
 * without faults.)
 */
const PACE = { events: 10, everyMs: 50 };
const TYPES = [
  "order.created",
  "order.paid",
  "subscription.updated",
  "checkout.updated",
  "customer.state_changed",
] as const;

const json = { "content-type": "application/x-amz-json-1.0" };
/** SQS's answers in its JSON protocol (what @aws-sdk/client-sqs speaks). */
const SQS_FAULTS: FaultRule[] = [
  {
    name: "internal error (500)",
    weight: 1,
    action: {
      kind: "respond",
      status: 500,
      headers: { ...json, "x-amzn-query-error": "InternalFailure;Receiver" },
      body: JSON.stringify({ __type: "com.amazon.coral.service#InternalFailure" }),
    },
  },
  {
    name: "throttled (400 RequestThrottled)",
    weight: 1,
    action: {
      kind: "respond",
      status: 400,
      headers: { ...json, "x-amzn-query-error": "RequestThrottled;Sender" },
      body: JSON.stringify({
        __type: "com.amazonaws.sqs#RequestThrottled",
        message: "Request is throttled.",
      }),
    },
  },
  { name: "connection reset", weight: 1, action: { kind: "reset" } },
  { name: "commit then drop", weight: 1, action: { kind: "commitThenDrop" } },
];

interface Run {
  readonly p: Pipeline;
  readonly proxy: FaultProxy;
  readonly forged: { statuses: number[]; webhookIds: string[] };
  /** Faults injected in all. */
  readonly injected: number;
}

/** Starts the pipeline behind the fault proxy, emits the events at a steady pace, waits for all. */
async function run(seed: string, sqsMaxAttempts?: number): Promise<Run> {
  // webhook-id → emission order, so that a request's fate does not depend on arrival order.
  const ordinals = new Map<string, number>();
  let proxy: FaultProxy | undefined;
  const p = await startPipeline({
    // Polar's own: above the receiver's 8 s budget, so every attempt gets the receiver's answer.
    deliveryTimeoutMs: 10_000,
    ...(sqsMaxAttempts !== undefined ? { sqsMaxAttempts } : {}),
    sqsFront: async (gateUrl) => {
      proxy = await startFaultProxy({
        target: gateUrl,
        seed,
        rate: FAULT_RATE,
        faults: SQS_FAULTS,
        keyOf: (request) => {
          const webhookId = sentWebhookId(request.body);
          const ordinal = webhookId === undefined ? undefined : ordinals.get(webhookId);
          return ordinal === undefined ? `unknown:${webhookId}` : `event#${ordinal}`;
        },
      });
      return proxy;
    },
  });
  let forged: Run["forged"] | undefined;
  for (let i = 0; i < EVENTS; i++) {
    ordinals.set(await p.emit(TYPES[i % TYPES.length]!), i);
    if (i % PACE.events === PACE.events - 1) await setTimeout(PACE.everyMs);
    if (i === EVENTS / 2) {
      // Requests Polar did not sign, in the middle of the storm.
      const sample = p.polar.getEvent(p.emitted[0]!)!.payload!;
      forged = await sendForgeries(`${p.receiverUrl()}polar/webhooks`, p.endpoint.secret, sample);
    }
  }
  await p.until("every event handled", () => p.handled.length >= EVENTS, 50_000);
  await p.polar.settled();
  await p.until("the queue drained", () => p.queues.messages().length === 0, 20_000);
  const stats = proxy!.stats();
  const injected = Object.values(stats.injected).reduce((a, b) => a + b, 0);
  const failed = p.requests.filter((r) => r.outcome === "enqueue_failed").length;
  const sends = sendsOf(p);
  console.info(
    `[sqs-faults ${seed}] receiver SQS attempts ${sqsMaxAttempts ?? "shipped (3)"}: ` +
      `${stats.requests} SendMessage requests, ${injected} faults injected ` +
      `(${((100 * injected) / stats.requests).toFixed(1)} %) ${JSON.stringify(stats.injected)}; ` +
      `${stats.requests - sends} SDK retries; ${failed} answered 503; slowest answer ` +
      `${Math.round(Math.max(...p.requests.map((r) => r.latencyMs)))} ms; ` +
      `${p.deliveries.length} Polar deliveries for ${EVENTS} events; ` +
      `${p.received.length} messages received (${p.received.length - EVENTS} duplicates)`,
  );
  return { p, proxy: proxy!, forged: forged!, injected };
}

function expectFaultsInjected({ proxy, injected }: Run): void {
  // Every request's key was known: its fate was decided by the seed alone.
  expect(proxy.log.filter((entry) => entry.key.startsWith("unknown:"))).toEqual([]);
  for (const count of Object.values(proxy.stats().injected)) expect(count).toBeGreaterThan(0);
  expect(injected / proxy.stats().requests).toBeGreaterThan(0.15);
  expect(injected / proxy.stats().requests).toBeLessThan(0.25);
}

function expectNoneLost({ p }: Run): void {
  const received = new Set(p.received.map((r) => r.webhookId));
  expect([...received].sort()).toEqual([...p.emitted].sort());
  expect(received.size).toBe(EVENTS);
  // Handled once each, however often it entered the queue.
  expect(p.handled.map((r) => r.webhookId).sort()).toEqual([...p.emitted].sort());
  expect(p.queues.deadLetters()).toEqual([]);
  for (const id of p.emitted) {
    expect(p.deliveriesOf(id).at(-1)?.http_code).toBe(202);
    expect(p.polar.getEvent(id)?.succeeded).toBe(true);
  }
}

function expectNothingUnsigned({ p, forged }: Run): void {
  expect(forged.statuses).toEqual([403, 403, 403, 403, 403]);
  const emitted = new Set(p.emitted);
  for (const { webhookId, body } of p.received) {
    expect(emitted.has(webhookId)).toBe(true);
    expect(body).toBe(p.polar.getEvent(webhookId)?.payload);
  }
}

/** Each 503 is what Polar recorded and was retried; only an acknowledged send was answered 2xx. */
function expectPolarRetried503s({ p }: Run): number {
  const failed = p.requests.filter((r) => r.outcome === "enqueue_failed");
  expect(failed.length).toBeGreaterThan(0);
  expect(new Set(failed.map((r) => r.status))).toEqual(new Set([503]));
  const answered = p.requests.filter((r) => r.status >= 200 && r.status < 300);
  expect(new Set(answered.map((r) => r.outcome))).toEqual(new Set(["enqueued"]));
  expect(answered.every((r) => r.messageId !== undefined)).toBe(true);
  expect(answered).toHaveLength(EVENTS);
  const polarSaw503 = p.deliveries.filter((d) => d.http_code === 503);
  expect(polarSaw503).toHaveLength(failed.length);
  for (const delivery of polarSaw503) {
    const attempts = p.deliveriesOf(delivery.webhook_event.id);
    expect(attempts.indexOf(delivery)).toBeLessThan(attempts.length - 1);
  }
  // No other kind of failed attempt: the receiver answered each within Polar's timeout.
  expect(p.deliveries).toHaveLength(EVENTS + failed.length);
  return failed.length;
}

describe("SQS faults at 20 %, 1,000 deliveries, receiver with its shipped SQS retries", () => {
  let r: Run;
  beforeAll(async () => {
    r = await run("sqs-faults/shipped/1");
  });
  afterAll(async () => {
    await r?.p.close();
  });

  it("injects 20 % faults of every kind, decided by event and attempt", () => {
    expectFaultsInjected(r);
  });
  it("retries faulted sends in the SDK: most never reach Polar as a failure", () => {
    const retries = r.proxy.stats().requests - sendsOf(r.p);
    const failed = r.p.requests.filter((q) => q.outcome === "enqueue_failed").length;
    // Each faulted attempt was either retried or the last one of a failed send.
    expect(retries).toBe(r.injected - failed);
    expect(failed).toBeLessThan(r.injected / 10);
  });
  it("enqueues every event at least once and loses none", () => expectNoneLost(r));
  it("enqueues nothing Polar did not sign, every body byte for byte", () =>
    expectNothingUnsigned(r));
  it("answers 503 when the SDK's retries did not get the message in, and Polar retries", () => {
    expectPolarRetried503s(r);
  });
});

describe("SQS faults at 20 %, 1,000 deliveries, receiver with one SQS attempt per send", () => {
  let r: Run;
  beforeAll(async () => {
    r = await run("sqs-faults/single/1", 1);
  });
  afterAll(async () => {
    await r?.p.close();
  });

  it("injects 20 % faults of every kind, decided by event and attempt", () =>
    expectFaultsInjected(r));
  it("enqueues every event at least once and loses none", () => expectNoneLost(r));
  it("enqueues nothing Polar did not sign, every body byte for byte", () =>
    expectNothingUnsigned(r));
  it("answers 503 for every failed send, and Polar retries each", () => {
    // One request per attempt: every fault failed exactly one delivery, commit-then-drop included
    // (its message is in the queue, but the receiver cannot know, so Polar sends it again).
    expect(expectPolarRetried503s(r)).toBe(r.injected);
    const dropped = r.proxy.stats().injected["commit then drop"]!;
    expect(r.p.received.length).toBeGreaterThanOrEqual(EVENTS + dropped);
  });
});

/** Deliveries the receiver tried to enqueue (each is one SendMessage call, retries inside). */
function sendsOf(p: Pipeline): number {
  return p.requests.filter((r) => r.outcome === "enqueued" || r.outcome === "enqueue_failed")
    .length;
}

/** The webhook-id attribute of a SendMessage request (JSON protocol). */
function sentWebhookId(body: Buffer): string | undefined {
  try {
    const input = JSON.parse(body.toString("utf8")) as {
      MessageAttributes?: Record<string, { StringValue?: string }>;
    };
    return input.MessageAttributes?.["webhook-id"]?.StringValue;
  } catch {
    return undefined;
  }
}
