/**
 * `npm run dev -- --demo`: a scripted sequence of what Polar sends for one customer: a one-time
 * purchase, then a subscription that is created, renews, is canceled and is revoked. Each event is
 * emitted and followed until the consumer has taken it off the queue, then the next one goes.
 */
import { randomUUID } from "node:crypto";
import type { WebhookEventType } from "../../providers/polar";
import type { WebhookDataOverrides } from "../polar-emulator";

export interface DemoStep {
  readonly type: WebhookEventType;
  readonly data: unknown;
}

export interface DemoChapter {
  readonly title: string;
  readonly steps: readonly DemoStep[];
}

function step<T extends WebhookEventType>(type: T, data: WebhookDataOverrides<T>): DemoStep {
  return { type, data };
}

/** The same customer, order and subscription across the events, as in Polar. */
export function demoChapters(now: Date = new Date()): DemoChapter[] {
  const customerId = randomUUID();
  const orderId = randomUUID();
  const checkoutId = randomUUID();
  const subscriptionId = randomUUID();
  const renewalId = randomUUID();
  const at = now.toISOString();
  const customer = { customer_id: customerId, customer: { id: customerId } };
  const subscription = { id: subscriptionId, ...customer };
  const periodEnd = new Date(now.getTime() + 30 * 24 * 3600 * 1000).toISOString();
  return [
    {
      title: "a one-time purchase: checkout, then the order is created and paid",
      steps: [
        step("checkout.created", { id: checkoutId }),
        step("checkout.updated", { id: checkoutId, status: "succeeded", ...customer }),
        step("order.created", { id: orderId, billing_reason: "purchase", ...customer }),
        step("order.paid", { id: orderId, billing_reason: "purchase", ...customer }),
      ],
    },
    {
      title: "a subscription is created",
      steps: [step("subscription.created", subscription)],
    },
    {
      title: "it renews: a subscription_cycle order and the subscription's new period",
      steps: [
        step("order.created", {
          id: renewalId,
          billing_reason: "subscription_cycle",
          subscription_id: subscriptionId,
          subscription: { id: subscriptionId, customer_id: customerId },
          ...customer,
        }),
        step("subscription.updated", { ...subscription, current_period_end: periodEnd }),
      ],
    },
    {
      title: "the customer cancels: access until the end of the period",
      steps: [
        step("subscription.canceled", subscription),
        step("subscription.updated", {
          ...subscription,
          cancel_at_period_end: true,
          canceled_at: at,
          ends_at: periodEnd,
        }),
      ],
    },
    {
      title: "the subscription is revoked: access ends now",
      steps: [
        step("subscription.revoked", subscription),
        step("subscription.updated", {
          ...subscription,
          status: "canceled",
          canceled_at: at,
          ends_at: at,
          ended_at: at,
        }),
      ],
    },
  ];
}

/** The types the demo emits: the local endpoint subscribes to them besides the stack's. */
export function demoEventTypes(): WebhookEventType[] {
  return [...new Set(demoChapters().flatMap((chapter) => chapter.steps.map((s) => s.type)))];
}

export interface DemoRun {
  /** Emits one event; resolves to the ids created (empty if no endpoint subscribes). */
  readonly emit: (type: WebhookEventType, data: unknown) => Promise<string[]>;
  readonly waitForConsumed: (ids: readonly string[], timeoutMs: number) => Promise<void>;
  readonly print: (line: string) => void;
  readonly timeoutMs: number;
}

/** Runs the chapters in order; rejects on the first event that is not consumed in time. */
export async function runDemo(run: DemoRun, chapters = demoChapters()): Promise<string[]> {
  const all: string[] = [];
  for (const [index, chapter] of chapters.entries()) {
    run.print(`— ${index + 1}/${chapters.length}: ${chapter.title}`);
    for (const { type, data } of chapter.steps) {
      const ids = await run.emit(type, data);
      if (ids.length === 0) {
        throw new Error(`no endpoint subscribes to ${type}, so the emulator sent nothing`);
      }
      all.push(...ids);
      await run.waitForConsumed(ids, run.timeoutMs);
    }
  }
  return all;
}
