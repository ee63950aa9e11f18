/**
 * `Order` and `Refund` payloads. An order's shape follows its `billing_reason`: a `purchase` is
 * the one-time product without a subscription; the `subscription_*` reasons bill the monthly
 * product and embed its subscription (a proration for `subscription_update`).
 */
import { randomUUID } from "node:crypto";

import type { models } from "@polar-sh/sdk/2026-10";

import { subscriptionData, subscriptionSummary } from "./subscription";
import { at, CURRENCY, productSummary, type Sample, sampleAddress, taxOn } from "./sample";

export const ORDER_BILLING_REASONS = [
  "purchase",
  "subscription_create",
  "subscription_cycle",
  "subscription_update",
  "subscription_meter_cycle",
] as const satisfies readonly models.OrderBillingReason[];

/** The billing reason of an `order.*` event when the caller does not choose one. */
export const DEFAULT_BILLING_REASON: models.OrderBillingReason = "purchase";

/** Where the order is in its life: the part of the `order.*` event type after the dot. */
export type OrderStage = "created" | "updated" | "paid" | "refunded";

export function isOrderBillingReason(value: unknown): value is models.OrderBillingReason {
  return (ORDER_BILLING_REASONS as readonly unknown[]).includes(value);
}

export function orderData(
  sample: Sample,
  stage: OrderStage,
  billingReason: models.OrderBillingReason,
): models.Order {
  const { now, customer } = sample;
  const oneTime = billingReason === "purchase";
  const product = oneTime ? sample.oneTimeProduct : sample.monthlyProduct;
  const price = oneTime ? sample.oneTimePrice : sample.monthlyPrice;
  const subscription = oneTime
    ? null
    : subscriptionData(sample, billingReason === "subscription_create" ? "created" : "cycled");
  const proration = billingReason === "subscription_update";
  // An upgrade in the middle of a period bills the rest of it.
  const subtotal = proration ? Math.round(price.price_amount / 2) : price.price_amount;
  const tax = taxOn(subtotal);
  const total = subtotal + tax;
  const paid = stage !== "created";
  const refunded = stage === "refunded";
  const fromCheckout = oneTime || billingReason === "subscription_create";
  return {
    id: sample.ids.order,
    created_at: at(now, { minutes: paid ? -1 : 0 }),
    modified_at: paid ? at(now) : null,
    status: refunded ? "refunded" : paid ? "paid" : "pending",
    paid,
    subtotal_amount: subtotal,
    discount_amount: 0,
    net_amount: subtotal,
    tax_amount: tax,
    total_amount: total,
    applied_balance_amount: 0,
    due_amount: total,
    refunded_amount: refunded ? subtotal : 0,
    refunded_tax_amount: refunded ? tax : 0,
    currency: CURRENCY,
    billing_reason: billingReason,
    billing_name: customer.name,
    billing_address: sampleAddress(),
    invoice_number: "ACME-0001",
    is_invoice_generated: false,
    receipt_number: null,
    seats: null,
    units: null,
    customer_id: customer.id,
    product_id: product.id,
    discount_id: null,
    subscription_id: subscription?.id ?? null,
    checkout_id: fromCheckout ? sample.ids.checkout : null,
    next_payment_attempt_at: null,
    metadata: {},
    custom_field_data: {},
    // Polar's fee: 4 % + 40 cents of what was charged.
    platform_fee_amount: paid ? Math.round(total * 0.04) + 40 : 0,
    platform_fee_currency: paid ? CURRENCY : null,
    customer,
    product: productSummary(product),
    discount: null,
    subscription: subscription === null ? null : subscriptionSummary(subscription),
    items: [
      {
        created_at: at(now, { minutes: paid ? -1 : 0 }),
        modified_at: null,
        id: randomUUID(),
        label: proration ? `${product.name} (prorated)` : product.name,
        amount: subtotal,
        tax_amount: tax,
        proration,
        product_price_id: price.id,
        start_timestamp: subscription?.current_period_start ?? null,
        end_timestamp: subscription?.current_period_end ?? null,
      },
    ],
    description: product.name,
    refundable_amount: paid && !refunded ? subtotal : 0,
    refundable_tax_amount: paid && !refunded ? tax : 0,
  } satisfies models.Order;
}

/** A full refund of the sample purchase, on request of the customer. */
export function refundData(sample: Sample, stage: "created" | "updated"): models.Refund {
  const amount = sample.oneTimePrice.price_amount;
  return {
    created_at: at(sample.now, { minutes: stage === "created" ? 0 : -1 }),
    modified_at: stage === "created" ? null : at(sample.now),
    id: randomUUID(),
    metadata: {},
    status: stage === "created" ? "pending" : "succeeded",
    reason: "customer_request",
    amount,
    tax_amount: taxOn(amount),
    currency: CURRENCY,
    organization_id: sample.organizationId,
    order_id: sample.ids.order,
    subscription_id: null,
    customer_id: sample.customer.id,
    revoke_benefits: false,
    dispute: null,
  } satisfies models.Refund;
}
