/**
 * The example consumer the example stacks deploy: Polar's advice for subscriptions as a handler map.
 *
 * - `order.paid`: money received, so grant access to the order's product (first purchase, renewal
 *   or plan change alike).
 * - `order.created` with `billing_reason` "subscription_cycle": a renewal has started; extend
 *   access to the new period's end (the payment follows as `order.paid`).
 * - `subscription.updated`: fires on every change; its state says whether the customer canceled
 *   (access until `ends_at`), un-canceled (active again, no end), or lost access (revoked).
 *
 * The decisions are pure (`accessChangeFor…`, unit-tested); `applyAccessChange` is the one side
 * effect, a JSON log line. Replace it with writes to your own database, keyed on Polar's ids so a
 * replay is harmless. Each webhook-id runs at most once to completion anyway (idempotency).
 */
import {
  createPolarEventConsumer,
  isFirstPurchase,
  isPlanChange,
  isRenewal,
  SUBSCRIPTION_ACCESS,
  subscriptionAccess,
  type Order,
  type Subscription,
} from "./index";

export type AccessChange =
  | {
      readonly action: "grant";
      readonly customerId: string;
      readonly productId: string | null;
      readonly orderId: string;
      readonly reason: "first_purchase" | "renewal" | "plan_change" | "other";
    }
  | {
      readonly action: "extend";
      readonly customerId: string;
      readonly subscriptionId: string | null;
      readonly until: string | null;
    }
  | {
      readonly action: "schedule_end";
      readonly customerId: string;
      readonly subscriptionId: string;
      readonly endsAt: string | null;
    }
  | { readonly action: "restore"; readonly customerId: string; readonly subscriptionId: string }
  | { readonly action: "revoke"; readonly customerId: string; readonly subscriptionId: string }
  | {
      readonly action: "suspend";
      readonly customerId: string;
      readonly subscriptionId: string;
      readonly reason: "past_due" | "paused";
    };

export function accessChangeForPaidOrder(order: Order): AccessChange {
  const reason = isFirstPurchase(order)
    ? "first_purchase"
    : isRenewal(order)
      ? "renewal"
      : isPlanChange(order)
        ? "plan_change"
        : "other";
  return {
    action: "grant",
    customerId: order.customer_id,
    productId: order.product_id,
    orderId: order.id,
    reason,
  };
}

/** Only renewals matter on `order.created`; the rest is handled once paid. */
export function accessChangeForCreatedOrder(order: Order): AccessChange | undefined {
  if (!isRenewal(order)) {
    return undefined;
  }
  return {
    action: "extend",
    customerId: order.customer_id,
    subscriptionId: order.subscription_id,
    until: order.subscription?.current_period_end ?? null,
  };
}

export function accessChangeForSubscription(subscription: Subscription): AccessChange | undefined {
  const ids = { customerId: subscription.customer_id, subscriptionId: subscription.id };
  switch (subscriptionAccess(subscription)) {
    case SUBSCRIPTION_ACCESS.ACTIVE:
      return { action: "restore", ...ids };
    case SUBSCRIPTION_ACCESS.CANCELING:
      return { action: "schedule_end", ...ids, endsAt: subscription.ends_at };
    case SUBSCRIPTION_ACCESS.REVOKED:
      return { action: "revoke", ...ids };
    case SUBSCRIPTION_ACCESS.PAST_DUE:
      return { action: "suspend", ...ids, reason: "past_due" };
    case SUBSCRIPTION_ACCESS.PAUSED:
      return { action: "suspend", ...ids, reason: "paused" };
    case SUBSCRIPTION_ACCESS.INCOMPLETE:
      return undefined;
  }
}

/** The example's only side effect. Yours writes to your database. */
export function applyAccessChange(change: AccessChange, webhookId: string): void {
  process.stdout.write(`${JSON.stringify({ msg: "access", webhookId, ...change })}\n`);
}

export const handler = createPolarEventConsumer({
  handlers: {
    "order.paid": async (event, meta) => {
      applyAccessChange(accessChangeForPaidOrder(event.data), meta.webhookId);
    },
    "order.created": async (event, meta) => {
      const change = accessChangeForCreatedOrder(event.data);
      if (change) {
        applyAccessChange(change, meta.webhookId);
      }
    },
    "subscription.updated": async (event, meta) => {
      const change = accessChangeForSubscription(event.data);
      if (change) {
        applyAccessChange(change, meta.webhookId);
      }
    },
  },
  idempotency: { expiresAfterSeconds: 7 * 24 * 3600 },
});
