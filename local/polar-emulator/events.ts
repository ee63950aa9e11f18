/**
 * Closed sets of the webhook API: event types, payload formats and API versions. The formats and versions are the
 * emulator's own statement of Polar's (test/unit/polar-url-emulator-parity.test.ts holds them to the provider's).
 */

// Polar's event types: the one list, shared with the provider and the consumer (a leaf module).
export {
  isWebhookEventType,
  suggestEventType,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from "../../providers/polar/events";

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

export function isApiVersion(value: unknown): value is ApiVersion {
  return (API_VERSIONS as readonly unknown[]).includes(value);
}
