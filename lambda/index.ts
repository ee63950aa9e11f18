/**
 * What other parts use from lambda/, the code that runs in the Lambdas: the receiver's building blocks (for the local
 * twin, the dashboard's log fields, the bench) and the consumer. It must not import `handler.ts`, the Lambda's entry
 * point: the Pulumi program imports this file. The bundlers are in infra/bundle, the local adapters in local/adapters.
 */
export {
  ConfigError,
  NoMatchingSignatureError,
  OUTCOME,
  SecretUnavailableError,
  type Outcome,
} from "./errors";
export type { RequestLogEntry, RequestLogger } from "./log";
export { MESSAGE_ATTRIBUTES } from "./queue";
export { createHandler, type ReceiverOptions } from "./create-handler";
export {
  ENV,
  secretSourceFromEnv,
  type Environment,
  type ReceiverHandler,
  type ReceiverResult,
} from "./receiver";
export { StaticSecretProvider, type SecretProvider } from "./secrets";
export {
  candidateKeys,
  MAX_BODY_BYTES,
  parsePolarEvent,
  SQS_MAX_MESSAGE_BYTES,
  verifyDelivery,
  type CandidateKey,
} from "./verify";

// The consumer (after the queue): createPolarEventConsumer and what a consumer's code uses (also the package's
// `polar-webhooks-as-code/consumer`).
export * from "./consumer/index";
