/**
 * What other parts use from lambda/. It must not import `handler.ts`, the Lambda's entry point:
 * the Pulumi program imports this file.
 */
export { buildReceiverBundle, type ReceiverBundle } from "./bundle";
export { Deadline } from "./deadline";
export {
  BodyNotEnqueueableError,
  ConfigError,
  DeadlineExceededError,
  ExpiredSecretError,
  InvalidSignatureError,
  MissingHeadersError,
  NoMatchingSignatureError,
  NotAPolarEventError,
  OUTCOME,
  SecretUnavailableError,
  StaleTimestampError,
  type Outcome,
} from "./errors";
export {
  startLocalReceiver,
  toApiGatewayEvent,
  type LocalReceiver,
  type LocalReceiverOptions,
} from "./local-server";
export type { RequestLogEntry } from "./log";
export { buildSendMessageInput, MESSAGE_ATTRIBUTES } from "./queue";
export { createHandler, type ReceiverOptions } from "./create-handler";
export { ENV, type ReceiverResult } from "./receiver";
export { SsmSecretProvider } from "./aws-sdk";
export {
  DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS,
  DEFAULT_SECRET_TTL_SECONDS,
  parseSecretParameterValue,
  StaticSecretProvider,
  type SecretProvider,
} from "./secrets";
export {
  candidateKeys,
  decodeBody,
  MAX_BODY_BYTES,
  normalizeHeaders,
  parsePolarEvent,
  SQS_MAX_MESSAGE_BYTES,
  verifyDelivery,
  WEBHOOK_TOLERANCE_IN_SECONDS,
  type CandidateKey,
  type WebhookSecrets,
} from "./verify";

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
  checkConsumerEntry,
  EXAMPLE_CONSUMER_ENTRY,
  type ConsumerBundle,
  type ConsumerBundleOptions,
} from "./consumer/bundle";
