/**
 * Which events a redelivery run sends, and which it leaves out and why. Pure: built from the
 * deliveries Polar lists, since Polar has no route that reads one event.
 */
import type { WebhookDelivery } from "../providers/polar";
import { instantMicros } from "./deliveries-view";

export const SKIP_REASONS = {
  /** Older than 90 days: Polar dropped the payload and silently ignores a redelivery (202). */
  archived: "archived (older than 90 days): Polar would accept the request and send nothing",
  /** Polar has attempts left for it; a redelivery now would be a duplicate. */
  retrying: "Polar is still retrying it",
  /** A later attempt succeeded; bulk redelivery of failures leaves it alone. */
  succeeded: "a later attempt succeeded",
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

export interface PlannedEvent {
  readonly id: string;
  /** Unknown when Polar lists no delivery for the event. */
  readonly type: string | null;
}

export interface SkippedEvent extends PlannedEvent {
  readonly reason: SkipReason;
}

export interface RedeliveryPlan {
  readonly send: readonly PlannedEvent[];
  readonly skipped: readonly SkippedEvent[];
  /** Ids named that have no delivery to the endpoint in scope: not sent. */
  readonly unknown: readonly string[];
}

/** Each id once, in the order given. */
export function dedupeIds(ids: readonly string[]): { unique: string[]; duplicates: number } {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  return { unique, duplicates: ids.length - unique.length };
}

/**
 * `redeliver --failed`: every event with a failed attempt in the listing, once, oldest event
 * first (the order Polar first sent them), unless archived, still retrying, or since succeeded.
 */
export function planFailed(deliveries: readonly WebhookDelivery[]): RedeliveryPlan {
  const events = new Map<string, WebhookDelivery["webhook_event"]>();
  for (const delivery of deliveries) {
    if (!delivery.succeeded) events.set(delivery.webhook_event.id, delivery.webhook_event);
  }
  const ordered = [...events.values()].sort(
    (a, b) => instantMicros(a.created_at) - instantMicros(b.created_at) || a.id.localeCompare(b.id),
  );
  const send: PlannedEvent[] = [];
  const skipped: SkippedEvent[] = [];
  for (const event of ordered) {
    const reason: SkipReason | undefined = event.is_archived
      ? "archived"
      : event.succeeded === null
        ? "retrying"
        : event.succeeded
          ? "succeeded"
          : undefined;
    if (reason) skipped.push({ id: event.id, type: event.type, reason });
    else send.push({ id: event.id, type: event.type });
  }
  return { send, skipped, unknown: [] };
}

/**
 * `redeliver <id>…`: what the user named is sent whatever its outcome so far, except an archived
 * event, and an id with no delivery to the endpoint in scope (it may be another endpoint's).
 * `found` holds the event of each id Polar lists a delivery for.
 */
export function planExplicit(
  ids: readonly string[],
  found: ReadonlyMap<string, WebhookDelivery["webhook_event"]>,
): RedeliveryPlan {
  const send: PlannedEvent[] = [];
  const skipped: SkippedEvent[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const event = found.get(id);
    if (event === undefined) unknown.push(id);
    else if (event.is_archived) skipped.push({ id, type: event.type, reason: "archived" });
    else send.push({ id, type: event.type });
  }
  return { send, skipped, unknown };
}
