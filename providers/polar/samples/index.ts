/**
 * Webhook payloads as Polar sends them, typed by Polar's SDK: what the Polar emulator delivers and what the operations
 * CLI's `trigger` signs and sends. Product data in a leaf (Node's crypto and zlib, the SDK's types): no emulator, no
 * provider code.
 */
export {
  createEventContent,
  createSample,
  isPlainObject,
  ORDER_BILLING_REASONS,
  renderPayload,
  type DeepPartial,
  type EventContent,
  type Sample,
  type WebhookDataOverrides,
  type WebhookEventData,
  type WebhookPayloadOf,
} from "./payloads";
export {
  sampleWebhookPayload,
  UnknownWebhookEventTypeError,
  type SamplePayloadOptions,
} from "./sample-payload";
export { timestampFromDate, timestampFromMicros, type Timestamp } from "./time";
export { generatePolarToken } from "./token";
