/**
 * Polar payloads typed by Polar's SDK (2026-10): the compiler checks every field name and value
 * here, so the fixtures cannot drift from what the handlers are typed with. Each test starts from
 * one of these and changes only what it needs.
 */
import type { Order, PolarWebhookEvent, Subscription } from "../../lambda/index";

const CUSTOMER = {
  id: "992fae2a-2a17-4b7a-8d9d-e3e8b8a8b2a0",
  created_at: "2026-09-01T10:00:00Z",
  modified_at: null,
  metadata: {},
  external_id: "user_42",
  email: "zoe@example.com",
  email_verified: true,
  type: "individual",
  name: "Zoë Ågren",
  billing_name: null,
  billing_address: null,
  tax_id: null,
  organization_id: "1dbfc517-0bbf-4301-9ba8-555ca42b9737",
  deleted_at: null,
  first_user_event_at: null,
  avatar_url: null,
} as const satisfies Subscription["customer"];

const SUBSCRIPTION_FIELDS = {
  created_at: "2026-09-01T10:00:00Z",
  modified_at: "2026-11-01T10:00:00Z",
  id: "e7a3b1c4-5d6e-4f70-8a91-b2c3d4e5f601",
  amount: 1900,
  currency: "usd",
  recurring_interval: "month",
  recurring_interval_count: 1,
  status: "active",
  current_period_start: "2026-11-01T10:00:00Z",
  current_period_end: "2026-12-01T10:00:00Z",
  current_meter_period_start: null,
  current_meter_period_end: null,
  trial_start: null,
  trial_end: null,
  cancel_at_period_end: false,
  canceled_at: null,
  started_at: "2026-09-01T10:00:00Z",
  ends_at: null,
  ended_at: null,
  pause_at_period_end: false,
  paused_at: null,
  resumes_at: null,
  customer_id: CUSTOMER.id,
  product_id: "5f0c2d4e-9a8b-4c7d-8e6f-a1b2c3d4e5f6",
  discount_id: null,
  checkout_id: null,
  units: null,
  customer_cancellation_reason: null,
  customer_cancellation_comment: null,
  metadata: {},
} as const satisfies Partial<Subscription>;

export function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    ...SUBSCRIPTION_FIELDS,
    customer: CUSTOMER,
    product: {
      id: SUBSCRIPTION_FIELDS.product_id,
      created_at: "2026-08-01T10:00:00Z",
      modified_at: null,
      trial_interval: null,
      trial_interval_count: null,
      name: "Pro",
      description: null,
      visibility: "public",
      recurring_interval: "month",
      recurring_interval_count: 1,
      meter_interval: null,
      meter_interval_count: null,
      is_recurring: true,
      is_archived: false,
      organization_id: CUSTOMER.organization_id,
      metadata: {},
      is_deletable: false,
      prices: [],
      benefits: [],
      medias: [],
      attached_custom_fields: [],
    },
    discount: null,
    prices: [],
    meters: [],
    pending_update: null,
    ...overrides,
  };
}

export function order(overrides: Partial<Order> = {}): Order {
  return {
    id: "0b6f5a7e-1c2d-4e3f-9a8b-7c6d5e4f3a21",
    created_at: "2026-11-01T10:00:05Z",
    modified_at: null,
    status: "paid",
    paid: true,
    subtotal_amount: 1900,
    discount_amount: 0,
    net_amount: 1900,
    tax_amount: 0,
    total_amount: 1900,
    applied_balance_amount: 0,
    due_amount: 0,
    refunded_amount: 0,
    refunded_tax_amount: 0,
    currency: "usd",
    billing_reason: "subscription_cycle",
    billing_name: null,
    billing_address: null,
    invoice_number: null,
    is_invoice_generated: false,
    receipt_number: null,
    units: null,
    customer_id: CUSTOMER.id,
    product_id: SUBSCRIPTION_FIELDS.product_id,
    discount_id: null,
    subscription_id: SUBSCRIPTION_FIELDS.id,
    checkout_id: null,
    metadata: {},
    platform_fee_amount: 0,
    platform_fee_currency: null,
    customer: CUSTOMER,
    product: null,
    discount: null,
    subscription: SUBSCRIPTION_FIELDS,
    items: [],
    description: "Pro",
    refundable_amount: 1900,
    refundable_tax_amount: 0,
    ...overrides,
  };
}

export function payload<K extends "order.paid" | "order.created">(
  type: K,
  data: Order,
): PolarWebhookEvent<K>;
export function payload(
  type: "subscription.updated",
  data: Subscription,
): PolarWebhookEvent<"subscription.updated">;
export function payload(type: string, data: object): object {
  return { type, timestamp: "2026-11-01T10:00:06Z", api_version: "2026-10", data };
}
