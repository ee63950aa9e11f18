/**
 * The consumer's public surface, and the package's `polar-webhooks-as-code/consumer`: what a consumer entry file
 * imports. No Pulumi, no esbuild, no receiver, so its bundle stays small.
 *
 *   import { createPolarEventConsumer } from "polar-webhooks-as-code/consumer";
 *   export const handler = createPolarEventConsumer({
 *     handlers: { "order.paid": async (event) => { … event.data is Polar's Order … } },
 *   });
 */
// Powertools' declarations (and ours) name ErrorOptions, from ES2022's library: a program on Pulumi's template
// tsconfig (target es2020) gets it through this reference.
/// <reference lib="es2022.error" preserve="true" />
export {
  checkHandlers,
  createPolarEventConsumer,
  type ExactHandlers,
  type PolarEventConsumer,
  type PolarEventConsumerOptions,
  type PolarEventHandler,
  type PolarEventHandlers,
} from "./consumer";
export {
  isPolarEventType,
  POLAR_EVENT_TYPES,
  suggestPolarEventType,
  type PolarWebhookEvent,
  type PolarEventType,
  type PolarWebhookPayload,
} from "./events";
export {
  isFirstPurchase,
  isPlanChange,
  isRenewal,
  SUBSCRIPTION_ACCESS,
  subscriptionAccess,
  type Order,
  type OrderBillingReason,
  type Subscription,
  type SubscriptionAccess,
  type SubscriptionSnapshot,
} from "./advice";
export {
  CONSUMER_ENV,
  DEFAULT_DYNAMODB_CLIENT_CONFIG,
  DEFAULT_EXPIRES_AFTER_SECONDS,
  DEFAULT_KEY_PREFIX,
  FALLBACK_LOCK_MILLISECONDS,
  IDEMPOTENCY_TABLE_ATTRIBUTES,
  WEBHOOK_ID_KEY_PATH,
  type IdempotencyOptions,
} from "./idempotency";
export { InMemoryPersistenceLayer, type InMemoryPersistenceLayerOptions } from "./memory-store";
export {
  RECORD_OUTCOME,
  writeRecordLogLine,
  type RecordLogEntry,
  type RecordLogger,
  type RecordOutcome,
} from "./log";
export {
  isFifoRecord,
  MALFORMED,
  parseRecord,
  RECORD_ATTRIBUTES,
  receiveCountOf,
  webhookIdOf,
  type ParsedRecord,
  type PolarEventMeta,
} from "./record";
export { ConsumerConfigError, ConsumerEntryError, MalformedRecordError } from "./errors";
