/**
 * Polar's event types and the "did you mean" for them: the one list, a leaf module (no imports), used by the provider,
 * the consumer (lambda/consumer/events.ts imports this file itself, so its Lambda bundle gets the list and nothing
 * else of the provider), the Polar emulator, the stack config and the CLI.
 *
 * `WebhookEventType` in Polar's own order (42 values: the 41 of the 2026-08 server plus `subscription.migrated`,
 * present in every API version from 2026-04 on). lambda/consumer/events.ts checks it against the SDK's union.
 */
export const WEBHOOK_EVENT_TYPES = [
  "checkout.created",
  "checkout.updated",
  "checkout.expired",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "customer.state_changed",
  "customer_seat.assigned",
  "customer_seat.claimed",
  "customer_seat.revoked",
  "member.created",
  "member.updated",
  "member.deleted",
  "order.created",
  "order.updated",
  "order.paid",
  "order.refunded",
  "subscription.created",
  "subscription.updated",
  "subscription.active",
  "subscription.canceled",
  "subscription.uncanceled",
  "subscription.cycled",
  "subscription.revoked",
  "subscription.past_due",
  "subscription.paused",
  "subscription.resumed",
  "subscription.migrated",
  "refund.created",
  "refund.updated",
  "product.created",
  "product.updated",
  "discount.created",
  "discount.updated",
  "discount.deleted",
  "benefit.created",
  "benefit.updated",
  "benefit_grant.created",
  "benefit_grant.cycled",
  "benefit_grant.updated",
  "benefit_grant.revoked",
  "organization.updated",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(value);
}

/** The closest known event type, when it is close enough to be a plausible typo. */
export function suggestEventType(value: string): WebhookEventType | undefined {
  return closestMatch(value, WEBHOOK_EVENT_TYPES);
}

/**
 * The candidate nearest to `value` (case-insensitive edit distance), when it is close enough to be
 * a plausible typo: a third of the length tolerates "order.payed" or "subscription.cancelled" but
 * not unrelated words.
 */
export function closestMatch<T extends string>(
  value: string,
  candidates: readonly T[],
): T | undefined {
  let best: T | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}
