/**
 * Small, pure helpers for Polar's advice on subscriptions: listen to `order.paid` to grant,
 * `order.created` with its `billing_reason` to tell a renewal from a first purchase or a plan
 * change, and `subscription.updated` for cancellations, un-cancellations and revocations (it fires
 * for each of them, next to the specific `subscription.canceled|uncanceled|revoked` events).
 *
 * They read only the fields named in their parameter types, so they accept Polar's `Order` and
 * `Subscription` as well as the `subscription` embedded in an order.
 */
import type { PolarWebhookEvent } from "./events";

export type Order = PolarWebhookEvent<"order.paid">["data"];
export type Subscription = PolarWebhookEvent<"subscription.updated">["data"];
export type OrderBillingReason = Order["billing_reason"];

/** A subscription renewed for a new period (`billing_reason` "subscription_cycle"). */
export function isRenewal(order: Pick<Order, "billing_reason">): boolean {
  return order.billing_reason === "subscription_cycle";
}

/** The customer's first payment for this product: a one-time purchase or a new subscription. */
export function isFirstPurchase(order: Pick<Order, "billing_reason">): boolean {
  return order.billing_reason === "purchase" || order.billing_reason === "subscription_create";
}

/** The customer switched plan (or seats) mid-period: `billing_reason` "subscription_update". */
export function isPlanChange(order: Pick<Order, "billing_reason">): boolean {
  return order.billing_reason === "subscription_update";
}

/** Where a subscription stands for access, from one snapshot (closed set). */
export const SUBSCRIPTION_ACCESS = {
  /** Active or trialing, with no end scheduled. After "canceling" this is an un-cancellation. */
  ACTIVE: "active",
  /** Canceled, but paid up: access continues until `ends_at` (the end of the current period). */
  CANCELING: "canceling",
  /** Access has ended: canceled at period end or immediately, or unpaid after failed retries. */
  REVOKED: "revoked",
  /** A renewal payment failed and Polar is retrying; whether access continues is your policy. */
  PAST_DUE: "past_due",
  /** Paused by the merchant; `resumes_at` says until when. */
  PAUSED: "paused",
  /** The first payment has not gone through (yet): no access was ever granted. */
  INCOMPLETE: "incomplete",
} as const;
export type SubscriptionAccess = (typeof SUBSCRIPTION_ACCESS)[keyof typeof SUBSCRIPTION_ACCESS];

export type SubscriptionSnapshot = Pick<
  Subscription,
  "status" | "cancel_at_period_end" | "ends_at" | "ended_at"
>;

/**
 * Classifies a `subscription.updated` payload (or any subscription snapshot). State, not
 * transition: Polar's delivery order is best effort, so act on the state an event carries (and
 * compare `modified_at` if you keep your own copy) rather than on which event came last.
 */
export function subscriptionAccess(subscription: SubscriptionSnapshot): SubscriptionAccess {
  switch (subscription.status) {
    case "canceled":
    case "unpaid":
    case "incomplete_expired":
      return SUBSCRIPTION_ACCESS.REVOKED;
    case "past_due":
      return SUBSCRIPTION_ACCESS.PAST_DUE;
    case "paused":
      return SUBSCRIPTION_ACCESS.PAUSED;
    case "incomplete":
      return SUBSCRIPTION_ACCESS.INCOMPLETE;
    case "active":
    case "trialing":
      if (subscription.ended_at !== null) {
        return SUBSCRIPTION_ACCESS.REVOKED;
      }
      return subscription.cancel_at_period_end || subscription.ends_at !== null
        ? SUBSCRIPTION_ACCESS.CANCELING
        : SUBSCRIPTION_ACCESS.ACTIVE;
    default:
      // A status newer than this SDK: failing (retry, then DLQ) beats guessing about access.
      throw new Error(`Unknown subscription status "${String(subscription.status)}"`);
  }
}
