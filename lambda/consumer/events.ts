/**
 * Polar's webhook event types, typed by Polar's own SDK. The SDK import is type-only (it erases to
 * nothing in the bundle); the run-time list below is checked against it by the compiler.
 *
 * Payload shapes follow the endpoint's `api_version`; these types are those of API version
 * 2026-10 (`@polar-sh/sdk/2026-10`), the version the endpoints in this project are created with.
 */
// The leaf module itself, not providers/polar's index: that would put the provider (and the Pulumi SDK) into the
// consumer's bundle.
import {
  isWebhookEventType,
  suggestEventType,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from "../../providers/polar/events";
import type { WebhookPayload } from "./polar-sdk";

/** Every payload Polar sends (a union of 42 `{ type, timestamp, api_version, data }` shapes). */
export type PolarWebhookPayload = WebhookPayload;

/** `"order.paid" | "subscription.updated" | …` */
export type PolarEventType = PolarWebhookPayload["type"];

/**
 * The payload of one event type: `PolarWebhookEvent<"order.paid">["data"]` is Polar's `Order`.
 * (Not `PolarEvent`: lambda/index.ts already exports the receiver's envelope under that name.)
 */
export type PolarWebhookEvent<K extends PolarEventType = PolarEventType> = Extract<
  PolarWebhookPayload,
  { type: K }
>;

type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** The one list of event types (providers/polar/events.ts) is exactly the SDK's: a difference fails to compile. */
export type EventTypesMatchSdk = Assert<SameSet<WebhookEventType, PolarEventType>>;

/** The event types of `@polar-sh/sdk/2026-10`, sorted. */
export const POLAR_EVENT_TYPES: readonly PolarEventType[] = Object.freeze(
  [...WEBHOOK_EVENT_TYPES].sort(),
);

export function isPolarEventType(value: string): value is PolarEventType {
  return isWebhookEventType(value);
}

/** The known type nearest to `value` when it is a plausible typo ("order.payed" → "order.paid"), else undefined. */
export function suggestPolarEventType(value: string): PolarEventType | undefined {
  return suggestEventType(value);
}
