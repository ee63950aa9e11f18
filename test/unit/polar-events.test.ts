import { describe, expect, it } from "vitest";
import { isWebhookEventType, suggestEventType, WEBHOOK_EVENT_TYPES } from "../../providers/polar";

describe("WEBHOOK_EVENT_TYPES", () => {
  it("has Polar's 42 event types, without duplicates", () => {
    expect(WEBHOOK_EVENT_TYPES).toHaveLength(42);
    expect(new Set(WEBHOOK_EVENT_TYPES).size).toBe(42);
    expect(WEBHOOK_EVENT_TYPES.indexOf("subscription.migrated")).toBe(
      WEBHOOK_EVENT_TYPES.indexOf("subscription.resumed") + 1,
    );
  });

  it("recognizes exactly the listed types", () => {
    expect(isWebhookEventType("order.paid")).toBe(true);
    expect(isWebhookEventType("Order.Paid")).toBe(false);
    expect(isWebhookEventType("order.*")).toBe(false);
  });
});

describe("suggestEventType", () => {
  it.each([
    ["order.payed", "order.paid"],
    ["subscription.cancelled", "subscription.canceled"],
    ["ORDER.PAID", "order.paid"],
    ["checkout.create", "checkout.created"],
    ["benefit_grants.created", "benefit_grant.created"],
  ])("%s → %s", (typo, suggestion) => {
    expect(suggestEventType(typo)).toBe(suggestion);
  });

  it("suggests nothing for unrelated words", () => {
    expect(suggestEventType("banana")).toBeUndefined();
  });
});
