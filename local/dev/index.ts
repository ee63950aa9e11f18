/**
 * `npm run dev`: the whole pipeline on one machine (Polar emulator → local receiver → embedded
 * queue → consumer), declared by the real Pulumi engine in a local stack. What other parts use:
 * the local stack's contract (stack.ts), e.g. for `npm run polar -- … --stack local`.
 */
export {
  CONTROL_EMIT_PATH,
  ensureLocalPassphrase,
  LOCAL_SQS_REGION,
  LOCAL_STACK,
  LOCAL_STACK_CONFIG,
  LOCAL_STACK_OUTPUTS,
  localCacheDirectory,
  localSqsClientConfig,
  localStackSettings,
  LocalStackNotFoundError,
  localWorkspaceOptions,
  openLocalStack,
  withoutPassphraseVariable,
  type LocalStackSettings,
} from "./stack";
export { startLocalPipeline, DEV_DELIVERY_BACKOFF_SCALE, type LocalPipeline } from "./pipeline";
export {
  startLocalQueues,
  LOCAL_QUEUE_NAME,
  LOCAL_DEAD_LETTER_QUEUE_NAME,
  type LocalQueues,
  type QueuedMessage,
} from "./queues";
export { SwitchableSecretProvider, type LocalSecrets } from "./secrets";
export { JourneyTracker, formatJourneyStep, STAGE, type JourneyStep } from "./journey";
