/**
 * What `recover` does with an endpoint's deliveries after an outage, and how it reads the outcome
 * of its redeliveries. Pure: built from the deliveries Polar lists (Polar has no route that lists
 * events; an event is seen through its delivery attempts).
 */
import type { WebhookDelivery } from "../providers/polar";
import { instantMicros } from "./deliveries-view";

type WebhookEvent = WebhookDelivery["webhook_event"];

/** Why an event of the window is redelivered. */
export type RecoverReason =
  /** Polar used up its 10 attempts. */
  | "failed"
  /** Pending when Polar disabled the endpoint (or when it was disabled): never sent since. */
  | "skipped"
  /** Polar still has attempts left; the next may be up to 20 minutes away. */
  | "retrying";

export interface RecoverCandidate {
  readonly id: string;
  readonly type: string;
  readonly reason: RecoverReason;
  /** The HTTP status of the last attempt (null: no answer). */
  readonly lastStatus: number | null;
  /** `created_at` of the event's newest delivery before recover, in microseconds. */
  readonly lastAttemptMicros: number;
}

export interface RecoveryPlan {
  /** Oldest event first, the order Polar first sent them. */
  readonly redeliver: readonly RecoverCandidate[];
  /** Archived (older than 90 days): Polar would accept a redelivery and send nothing. */
  readonly lost: readonly { readonly id: string; readonly type: string }[];
  /** Events of the window that were delivered already: left alone. */
  readonly delivered: number;
  /** The newest delivery listed (Polar's clock): where to look for the redeliveries' outcomes. */
  readonly newestDeliveryAt: string | undefined;
}

export function planRecovery(deliveries: readonly WebhookDelivery[]): RecoveryPlan {
  const events = new Map<string, { event: WebhookEvent; last: WebhookDelivery }>();
  let newest: WebhookDelivery | undefined;
  for (const delivery of deliveries) {
    const micros = instantMicros(delivery.created_at);
    if (newest === undefined || micros > instantMicros(newest.created_at)) newest = delivery;
    const known = events.get(delivery.webhook_event.id);
    if (known === undefined || micros > instantMicros(known.last.created_at)) {
      events.set(delivery.webhook_event.id, { event: delivery.webhook_event, last: delivery });
    }
  }
  const ordered = [...events.values()].sort(
    (a, b) =>
      instantMicros(a.event.created_at) - instantMicros(b.event.created_at) ||
      a.event.id.localeCompare(b.event.id),
  );
  const redeliver: RecoverCandidate[] = [];
  const lost: { id: string; type: string }[] = [];
  let delivered = 0;
  for (const { event, last } of ordered) {
    if (event.succeeded === true) delivered++;
    else if (event.is_archived) lost.push({ id: event.id, type: event.type });
    else {
      redeliver.push({
        id: event.id,
        type: event.type,
        reason: event.succeeded === false ? "failed" : event.skipped ? "skipped" : "retrying",
        lastStatus: last.http_code,
        lastAttemptMicros: instantMicros(last.created_at),
      });
    }
  }
  return { redeliver, lost, delivered, newestDeliveryAt: newest?.created_at };
}

export type RedeliveryOutcome =
  | { readonly kind: "recovered" }
  | { readonly kind: "still-failing"; readonly lastStatus: number | null }
  | { readonly kind: "pending" };

/**
 * The outcome of a redelivered event from the deliveries listed since: delivered once any later
 * attempt (or the event itself) succeeded; still failing after a later failed attempt; else
 * pending. Polar may retry a failed redelivery on its own; the first answer is what is reported.
 */
export function redeliveryOutcome(
  candidate: RecoverCandidate,
  since: readonly WebhookDelivery[],
): RedeliveryOutcome {
  const later = since
    .filter(
      (delivery) =>
        delivery.webhook_event.id === candidate.id &&
        instantMicros(delivery.created_at) > candidate.lastAttemptMicros,
    )
    .sort((a, b) => instantMicros(b.created_at) - instantMicros(a.created_at));
  if (later.some((delivery) => delivery.succeeded || delivery.webhook_event.succeeded === true)) {
    return { kind: "recovered" };
  }
  const [latest] = later;
  return latest === undefined
    ? { kind: "pending" }
    : { kind: "still-failing", lastStatus: latest.http_code };
}

export const RECOVER_REASONS: Record<RecoverReason, string> = {
  failed: "Polar gave up on it",
  skipped: "skipped when the endpoint was disabled",
  retrying: "Polar was still retrying it",
};
