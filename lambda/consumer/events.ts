/**
 * Polar's webhook event types, typed by Polar's own SDK. The SDK import is type-only (it erases to
 * nothing in the bundle); the run-time list below is checked against it by the compiler.
 *
 * Payload shapes follow the endpoint's `api_version`; these types are those of API version
 * 2026-10 (`@polar-sh/sdk/2026-10`), the version the endpoints in this project are created with.
 */
import type { WebhookPayload } from "./polar-sdk";

/** Every payload Polar sends (a union of 42 `{ type, timestamp, api_version, data }` shapes). */
export type PolarWebhookPayload = WebhookPayload;

/** `"order.paid" | "subscription.updated" | …` */
export type PolarEventType = PolarWebhookPayload["type"];

/**
 * The payload of one event type: `PolarWebhookEvent<"order.paid">["data"]` is Polar's `Order`.
 * (Not `PolarEvent`: lambda/index.ts already exports the receiver's envelope under that name.)
 */
export type PolarWebhookEvent<K extends PolarEventType = PolarEventType> = Extract<
  PolarWebhookPayload,
  { type: K }
>;

/**
 * A `Record` over the SDK's union: the compiler rejects a missing type and an extra one, so this
 * list cannot drift from the SDK the handlers are typed with.
 */
const KNOWN: Record<PolarEventType, true> = {
  "benefit.created": true,
  "benefit.updated": true,
  "benefit_grant.created": true,
  "benefit_grant.cycled": true,
  "benefit_grant.revoked": true,
  "benefit_grant.updated": true,
  "checkout.created": true,
  "checkout.expired": true,
  "checkout.updated": true,
  "customer.created": true,
  "customer.deleted": true,
  "customer.state_changed": true,
  "customer.updated": true,
  "customer_seat.assigned": true,
  "customer_seat.claimed": true,
  "customer_seat.revoked": true,
  "discount.created": true,
  "discount.deleted": true,
  "discount.updated": true,
  "member.created": true,
  "member.deleted": true,
  "member.updated": true,
  "order.created": true,
  "order.paid": true,
  "order.refunded": true,
  "order.updated": true,
  "organization.updated": true,
  "product.created": true,
  "product.updated": true,
  "refund.created": true,
  "refund.updated": true,
  "subscription.active": true,
  "subscription.canceled": true,
  "subscription.created": true,
  "subscription.cycled": true,
  "subscription.migrated": true,
  "subscription.past_due": true,
  "subscription.paused": true,
  "subscription.resumed": true,
  "subscription.revoked": true,
  "subscription.uncanceled": true,
  "subscription.updated": true,
};

/** The event types of `@polar-sh/sdk/2026-10`, sorted. */
export const POLAR_EVENT_TYPES = Object.freeze(
  Object.keys(KNOWN).sort(),
) as readonly PolarEventType[];

export function isPolarEventType(value: string): value is PolarEventType {
  return Object.hasOwn(KNOWN, value);
}

/**
 * The known type nearest to `value` when it is a plausible typo ("order.payed" → "order.paid"),
 * else undefined. A copy of providers/polar's rule: importing that part would put the Pulumi SDK
 * (7.7 MB) into the consumer's bundle.
 */
export function suggestPolarEventType(value: string): PolarEventType | undefined {
  let best: PolarEventType | undefined;
  let bestDistance = Infinity;
  for (const candidate of POLAR_EVENT_TYPES) {
    const distance = editDistance(value.toLowerCase(), candidate);
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
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
