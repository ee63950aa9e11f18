/**
 * The consumer's settings: AWS's limits, our defaults, and the rules that tie them to the queue. Shared by the
 * component's argument checks and the stack config, which name the settings differently.
 */
import { FOURTEEN_DAYS_SECONDS } from "./constants";

/** The consumer Lambda's longest timeout. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** Lambda's limits for an SQS event source: FIFO sources take at most 10 records and no batching window. */
export const FIFO_MAX_BATCH_SIZE = 10;
/** Above this many records, Lambda requires a batching window of at least 1 s. */
export const UNWINDOWED_MAX_BATCH_SIZE = 10;

export const CONSUMER_SETTINGS = {
  // 512 MB, as the receiver: CPU scales with memory, and a cold start parses a ~600 KB bundle.
  memorySize: { min: 128, max: 10_240, default: 512 },
  batchSize: { min: 1, max: 10_000, default: 10 },
  // Default 0: records are handed over as soon as they arrive.
  batchingWindowSeconds: { min: 0, max: 300, default: 0 },
  // A ceiling that protects whatever the handlers write to; Lambda's own minimum is 2.
  maxConcurrency: { min: 2, max: 1000, default: 10 },
  // 15 min: a healthy consumer drains the queue in seconds, so a message this old means it is down,
  // throttled, or failing it again and again.
  lagAlarmSeconds: { min: 60, max: FOURTEEN_DAYS_SECONDS, default: 900 },
} as const;
export type ConsumerSetting = keyof typeof CONSUMER_SETTINGS;

export interface ConsumerSettingsInQueue {
  readonly fifo: boolean;
  /** The consumer's timeout (= the component's `consumerTimeoutSeconds`). */
  readonly timeoutSeconds: number;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
}

/** A setting that is in range on its own but not with the others; `detail` continues "must be …". */
export interface ConsumerConflict {
  readonly setting: "timeoutSeconds" | "batchSize" | "batchingWindowSeconds";
  readonly detail: string;
}

/** How the caller spells each setting, e.g. `[consumer.batchSize]` or `polar-webhooks:consumerBatchSize`. */
export type SettingNamer = (
  setting: "timeoutSeconds" | "queueKind" | "batchSize" | "batchingWindowSeconds",
) => string;

/** Lambda's rules for an SQS event source, checked before AWS would refuse the mapping at deploy time. */
export function consumerConflicts(
  settings: ConsumerSettingsInQueue,
  nameOf: SettingNamer,
): ConsumerConflict[] {
  const conflicts: ConsumerConflict[] = [];
  if (settings.timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
    conflicts.push({
      setting: "timeoutSeconds",
      detail: `at most ${LAMBDA_MAX_TIMEOUT_SECONDS} with a Lambda consumer (Lambda's longest timeout)`,
    });
  }
  if (settings.fifo && settings.batchSize > FIFO_MAX_BATCH_SIZE) {
    conflicts.push({
      setting: "batchSize",
      detail: `at most ${FIFO_MAX_BATCH_SIZE} with a FIFO queue (${nameOf("queueKind")} "fifo")`,
    });
  }
  if (settings.fifo && settings.batchingWindowSeconds > 0) {
    conflicts.push({
      setting: "batchingWindowSeconds",
      detail: `0 with a FIFO queue (${nameOf("queueKind")} "fifo"): Lambda has no batching window for FIFO sources`,
    });
  }
  if (
    !settings.fifo &&
    settings.batchSize > UNWINDOWED_MAX_BATCH_SIZE &&
    settings.batchingWindowSeconds < 1
  ) {
    conflicts.push({
      setting: "batchingWindowSeconds",
      detail: `at least 1 when ${nameOf("batchSize")} is above ${UNWINDOWED_MAX_BATCH_SIZE} (Lambda's rule)`,
    });
  }
  return conflicts;
}
