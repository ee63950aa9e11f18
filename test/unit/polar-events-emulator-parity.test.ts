// Polar's event types are one list (providers/polar/events.ts), used by the provider, the consumer and the emulator.
// It must hold the 42 types Polar documents (consumer-and-ops.md §1, polar-api.md §3); the payload formats are
// still stated twice (the provider's and the emulator's) and must agree.
import { describe, expect, it } from "vitest";
import { POLAR_EVENT_TYPES } from "../../lambda/consumer";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS } from "../../providers/polar";
import {
  WEBHOOK_EVENT_TYPES as EMULATOR_EVENT_TYPES,
  WEBHOOK_FORMATS as EMULATOR_FORMATS,
} from "../emulators/polar";

const DOCUMENTED = [
  "benefit.created",
  "benefit.updated",
  "benefit_grant.created",
  "benefit_grant.cycled",
  "benefit_grant.revoked",
  "benefit_grant.updated",
  "checkout.created",
  "checkout.expired",
  "checkout.updated",
  "customer.created",
  "customer.deleted",
  "customer.state_changed",
  "customer.updated",
  "customer_seat.assigned",
  "customer_seat.claimed",
  "customer_seat.revoked",
  "discount.created",
  "discount.deleted",
  "discount.updated",
  "member.created",
  "member.deleted",
  "member.updated",
  "order.created",
  "order.paid",
  "order.refunded",
  "order.updated",
  "organization.updated",
  "product.created",
  "product.updated",
  "refund.created",
  "refund.updated",
  "subscription.active",
  "subscription.canceled",
  "subscription.created",
  "subscription.cycled",
  "subscription.migrated",
  "subscription.past_due",
  "subscription.paused",
  "subscription.resumed",
  "subscription.revoked",
  "subscription.uncanceled",
  "subscription.updated",
];

describe("WEBHOOK_EVENT_TYPES", () => {
  it("holds the 42 types Polar documents, and is the list the consumer and the emulator use", () => {
    expect([...WEBHOOK_EVENT_TYPES].sort()).toEqual(DOCUMENTED);
    expect(POLAR_EVENT_TYPES).toEqual(DOCUMENTED);
    expect(EMULATOR_EVENT_TYPES).toBe(WEBHOOK_EVENT_TYPES);
  });

  it("lists the same payload formats as the emulator", () => {
    expect([...WEBHOOK_FORMATS].sort()).toEqual([...EMULATOR_FORMATS].sort());
  });
});
