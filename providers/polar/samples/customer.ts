/**
 * Payloads about people: the customer, its state snapshot (`customer.state_changed`), the
 * customer's team members and the seats of a seat-based subscription.
 */
import { randomUUID } from "node:crypto";

import type { models } from "@polar-sh/sdk/2026-10";

import { subscriptionData } from "./subscription";
import { at, type Sample } from "./sample";

export function customerData(
  sample: Sample,
  stage: "created" | "updated" | "deleted",
): models.Customer {
  const { customer, now } = sample;
  if (stage === "created") {
    return { ...customer, created_at: at(now) } satisfies models.Customer;
  }
  return {
    ...customer,
    modified_at: at(now),
    deleted_at: stage === "deleted" ? at(now) : null,
  } satisfies models.Customer;
}

/**
 * Polar's schema is `Literal["active", "trialing"]` (server `customer/schemas/state.py`);
 * `@polar-sh/sdk` 1.0.1 types it as `"granted" | "disabled"`, another enum of the same generated
 * name. The emulator sends what Polar sends.
 */
const ACTIVE = "active" as unknown as models.CustomerStateSubscription["status"];

/**
 * What the customer has right now: the monthly subscription, the benefit it grants, no meters.
 * Polar sends it whenever any of these change.
 */
export function customerStateData(sample: Sample): models.CustomerState {
  const subscription = subscriptionData(sample, "active");
  const activeSubscription: models.CustomerStateSubscription = {
    id: subscription.id,
    created_at: subscription.created_at,
    modified_at: subscription.modified_at,
    custom_field_data: {},
    metadata: {},
    status: ACTIVE,
    amount: subscription.amount,
    currency: subscription.currency,
    recurring_interval: subscription.recurring_interval,
    current_period_start: subscription.current_period_start,
    current_period_end: subscription.current_period_end,
    trial_start: null,
    trial_end: null,
    cancel_at_period_end: false,
    canceled_at: null,
    started_at: subscription.started_at,
    ends_at: null,
    product_id: subscription.product_id,
    discount_id: null,
    seats: null,
    units: null,
    meters: [],
  };
  return {
    ...sample.customer,
    active_subscriptions: [activeSubscription],
    granted_benefits: [
      {
        id: randomUUID(),
        created_at: at(sample.now),
        modified_at: null,
        granted_at: at(sample.now),
        benefit_id: sample.benefit.id,
        benefit_type: "custom",
        benefit_metadata: {},
        properties: {},
      },
    ],
    active_meters: [],
  } satisfies models.CustomerState;
}

export function memberData(
  sample: Sample,
  stage: "created" | "updated" | "deleted",
): models.Member {
  return {
    id: sample.ids.member,
    created_at: stage === "created" ? at(sample.now) : at(sample.now, { days: -7 }),
    modified_at: stage === "created" ? null : at(sample.now),
    customer_id: sample.customer.id,
    email: "sam.lee@example.com",
    name: "Sam Lee",
    external_id: null,
    role: "member",
  } satisfies models.Member;
}

/** A seat of the subscription, from invitation (`assigned`) to `claimed` or `revoked`. */
export function customerSeatData(
  sample: Sample,
  stage: "assigned" | "claimed" | "revoked",
): models.CustomerSeat {
  const { now } = sample;
  const member = stage === "assigned" ? null : memberData(sample, "updated");
  return {
    created_at: stage === "assigned" ? at(now) : at(now, { days: -1 }),
    modified_at: stage === "assigned" ? null : at(now),
    id: randomUUID(),
    subscription_id: sample.ids.subscription,
    order_id: null,
    status: stage === "assigned" ? "pending" : stage,
    customer_id: sample.customer.id,
    member_id: member?.id ?? null,
    member,
    email: "sam.lee@example.com",
    customer_email: sample.customer.email,
    invitation_token_expires_at: stage === "assigned" ? at(now, { days: 7 }) : null,
    claimed_at: stage === "assigned" ? null : at(now, { days: stage === "claimed" ? 0 : -1 }),
    revoked_at: stage === "revoked" ? at(now) : null,
    seat_metadata: null,
  } satisfies models.CustomerSeat;
}
