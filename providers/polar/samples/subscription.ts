/**
 * `Subscription` payloads: the monthly product's subscription in the state each
 * `subscription.*` event reports.
 */
import type { models } from "@polar-sh/sdk/2026-10";

import { at, MONTHLY_AMOUNT, type Sample, CURRENCY } from "./sample";

export const SUBSCRIPTION_STATES = [
  "created",
  "active",
  "updated",
  "canceled",
  "uncanceled",
  "revoked",
  "cycled",
  "past_due",
  "paused",
  "resumed",
  "migrated",
] as const;

/** The part of a `subscription.*` event type after the dot. */
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

export function subscriptionData(sample: Sample, state: SubscriptionState): models.Subscription {
  const { now } = sample;
  const isNew = state === "created" || state === "active";
  // A new subscription starts now; the others are a month old and in their second period,
  // except a cycled one, whose new period starts now.
  const started = isNew ? at(now) : at(now, { months: -1, days: -5 });
  const periodStart = isNew || state === "cycled" ? at(now) : at(now, { days: -5 });
  const periodEnd =
    isNew || state === "cycled" ? at(now, { months: 1 }) : at(now, { months: 1, days: -5 });
  const base: models.Subscription = {
    created_at: started,
    modified_at: state === "created" ? null : at(now),
    id: sample.ids.subscription,
    amount: MONTHLY_AMOUNT,
    currency: CURRENCY,
    recurring_interval: "month",
    recurring_interval_count: 1,
    status: "active",
    current_period_start: periodStart,
    current_period_end: periodEnd,
    current_meter_period_start: null,
    current_meter_period_end: null,
    trial_start: null,
    trial_end: null,
    cancel_at_period_end: false,
    canceled_at: null,
    started_at: started,
    ends_at: null,
    ended_at: null,
    past_due_at: null,
    pause_at_period_end: false,
    paused_at: null,
    resumes_at: null,
    customer_id: sample.customer.id,
    product_id: sample.monthlyProduct.id,
    discount_id: null,
    checkout_id: sample.ids.checkout,
    seats: null,
    units: null,
    customer_cancellation_reason: null,
    customer_cancellation_comment: null,
    metadata: {},
    custom_field_data: {},
    customer: sample.customer,
    product: sample.monthlyProduct,
    discount: null,
    prices: [sample.monthlyPrice],
    meters: [],
    pending_update: null,
  };
  return { ...base, ...STATE_CHANGES[state](sample, base) } satisfies models.Subscription;
}

type StateChange = (sample: Sample, base: models.Subscription) => Partial<models.Subscription>;

const STATE_CHANGES: Readonly<Record<SubscriptionState, StateChange>> = {
  created: () => ({}),
  active: () => ({}),
  updated: () => ({}),
  uncanceled: () => ({}),
  cycled: () => ({}),
  migrated: () => ({}),
  resumed: () => ({}),
  // Canceled at period end: still active until `ends_at`.
  canceled: ({ now }, base) => ({
    cancel_at_period_end: true,
    canceled_at: at(now),
    ends_at: base.current_period_end,
    customer_cancellation_reason: "too_expensive",
  }),
  // Revoked: access ended now.
  revoked: ({ now }) => ({
    status: "canceled",
    canceled_at: at(now),
    ends_at: at(now),
    ended_at: at(now),
  }),
  past_due: ({ now }) => ({ status: "past_due", past_due_at: at(now) }),
  paused: ({ now }) => ({ status: "paused", paused_at: at(now) }),
};

/** `Subscription` without the embedded objects, as an order carries it. */
export function subscriptionSummary(subscription: models.Subscription): models.OrderSubscription {
  const {
    customer: _customer,
    product: _product,
    discount: _discount,
    prices: _prices,
    meters: _meters,
    pending_update: _pendingUpdate,
    custom_field_data: _customFieldData,
    ...summary
  } = subscription;
  return summary;
}
