/**
 * Public API of the receiver. Other parts of the project import lambda only through this file.
 *
 * - `handler` / `createHandler`: the Lambda (API Gateway HTTP API payload 2.0 → verify → SQS).
 * - `buildReceiverBundle`: the esbuild bundle the infra component deploys (`index.js`, handler
 *   `index.handler`).
 * - `startLocalReceiver`: the same handler over HTTP (`npm run receiver`), for tunnels and pipeline
 *   tests.
 * - verification helpers, pure: `candidateKeys`, `verifyDelivery`, `parsePolarEvent`, …
 */
export {
  createHandler,
  ENV,
  handler,
  secretSourceFromEnv,
  writeJsonLine,
  type Environment,
  type ReceiverHandler,
  type ReceiverOptions,
  type ReceiverResult,
  type RequestLogEntry,
  type RequestLogger,
  type SecretSource,
} from "./handler";
export {
  buildReceiverBundle,
  RECEIVER_ENTRY_POINT,
  type ReceiverBundle,
  type ReceiverBundleOptions,
} from "./bundle";
export {
  startLocalReceiver,
  toApiGatewayEvent,
  type LocalReceiver,
  type LocalReceiverOptions,
} from "./local-server";
export {
  candidateKeys,
  decodeBody,
  MAX_BODY_BYTES,
  normalizeHeaders,
  parsePolarEvent,
  requireWebhookHeaders,
  SECRET_SLOT,
  SIGNING_SCHEME,
  SQS_MAX_MESSAGE_BYTES,
  verifyDelivery,
  WEBHOOK_HEADERS,
  WEBHOOK_TOLERANCE_IN_SECONDS,
  type CandidateKey,
  type PolarEvent,
  type SecretSlot,
  type SigningScheme,
  type VerifiedDelivery,
  type WebhookSecrets,
} from "./verify";
export {
  DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS,
  DEFAULT_SECRET_TTL_SECONDS,
  parseSecretParameterValue,
  SsmSecretProvider,
  StaticSecretProvider,
  type SecretProvider,
  type SsmSecretProviderOptions,
} from "./secrets";
export {
  buildSendMessageInput,
  isFifoQueueUrl,
  MESSAGE_ATTRIBUTES,
  SqsEnqueuer,
  type EnqueueRequest,
  type SqsEnqueuerOptions,
} from "./queue";
export {
  BodyNotEnqueueableError,
  ConfigError,
  EnqueueError,
  InvalidSignatureError,
  MethodNotAllowedError,
  MissingHeadersError,
  NoMatchingSignatureError,
  NotAPolarEventError,
  OUTCOME,
  PayloadTooLargeError,
  ReceiverError,
  SecretUnavailableError,
  StaleTimestampError,
  STATUS_BY_OUTCOME,
  type Outcome,
} from "./errors";

// The consumer (after the queue): createPolarEventConsumer and its helpers, the in-memory
// idempotency store, the event source for running it off Lambda, and its bundle builder.
export * from "./consumer/index";
export {
  SqsEventSource,
  toSqsRecord,
  type PollResult,
  type SqsBatchHandler,
  type SqsEventSourceOptions,
} from "./consumer/event-source";
export {
  buildConsumerBundle,
  EXAMPLE_CONSUMER_ENTRY,
  type ConsumerBundle,
  type ConsumerBundleOptions,
} from "./consumer/bundle";
