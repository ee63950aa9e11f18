/**
 * What a consumer entry file imports (it stays small in the bundle: no esbuild, no receiver):
 *
 *   import { createPolarEventConsumer, isRenewal } from "<repo>/lambda/consumer";
 *   export const handler = createPolarEventConsumer({
 *     handlers: { "order.paid": async (event, meta) => { … event.data is Polar's Order … } },
 *   });
 *
 * `lambda/index.ts` re-exports all of this, plus the build-time `buildConsumerBundle`.
 */
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
