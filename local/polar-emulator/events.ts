/**
 * Closed sets of the webhook API: event types, payload formats and API versions.
 *
 * Kept inside the emulator on purpose (not imported from providers/): the emulator stands in for
 * Polar, so it must not share a definition with the client it is used to test.
 */

/**
 * The 42 `WebhookEventType` values, in Polar's enum order (polar-api.md §3): the 41 values of the
 * server enum plus `subscription.migrated`, inserted after `subscription.resumed`.
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

/** `WebhookFormat`: the API never infers it from the URL; it is a required field on create. */
export const WEBHOOK_FORMATS = ["raw", "discord", "slack"] as const;

export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Values accepted in the `Polar-Version` header and in an endpoint's `api_version`. */
export const API_VERSIONS = ["2026-04", "2026-10", "2027-01"] as const;

export type ApiVersion = (typeof API_VERSIONS)[number];

/** Used when the `Polar-Version` header is absent and as the default `api_version` on create. */
export const DEFAULT_API_VERSION: ApiVersion = "2026-04";

/** `http_code_class` filter of the deliveries list. */
export const HTTP_CODE_CLASSES = ["2xx", "3xx", "4xx", "5xx"] as const;

export type HttpCodeClass = (typeof HTTP_CODE_CLASSES)[number];

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly unknown[]).includes(value);
}

export function isApiVersion(value: unknown): value is ApiVersion {
  return (API_VERSIONS as readonly unknown[]).includes(value);
}
