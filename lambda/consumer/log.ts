/**
 * One JSON line per SQS record. Never the body (not even for a malformed record), never a secret:
 * ids, the event type, the outcome and, for failures, a fixed reason or an error's name.
 */

/** What happened to one record (closed set). Only the last four fail the record. */
export const RECORD_OUTCOME = {
  /** The handler ran to completion. */
  HANDLED: "handled",
  /** This webhook-id was already handled to completion; acknowledged without running. */
  DUPLICATE: "duplicate",
  /** A known Polar event type with no handler in the map; acknowledged. */
  NO_HANDLER: "no_handler",
  /** A type this SDK does not know (Polar adds types); acknowledged, as Polar advises. */
  UNKNOWN_TYPE: "unknown_type",
  /** Not a Polar event as the receiver enqueues it; failed, so it reaches the DLQ. */
  MALFORMED: "malformed",
  /** Another consumer holds this webhook-id's lock; failed, so SQS hands it out again later. */
  IN_PROGRESS: "in_progress",
  /** The handler threw; the idempotency key was released, so the retry runs it. */
  HANDLER_FAILED: "handler_failed",
  /** The idempotency store could not be read or written. */
  IDEMPOTENCY_FAILED: "idempotency_failed",
  /** FIFO: an earlier record of the same message group failed in this batch; not attempted. */
  GROUP_SKIPPED: "group_skipped",
} as const;
export type RecordOutcome = (typeof RECORD_OUTCOME)[keyof typeof RECORD_OUTCOME];

export interface RecordLogEntry {
  level: "info" | "warn" | "error";
  msg: "polar-event";
  time: string;
  messageId: string;
  webhookId?: string;
  eventType?: string;
  receiveCount: number;
  outcome: RecordOutcome;
  durationMs: number;
  /** Fixed text for malformed records and lock conflicts. */
  reason?: string;
  /**
   * The error: its name only for errors of AWS and Powertools (their messages can quote keys or
   * requests); `name: message` (cut at 300 characters) for errors thrown by your handler.
   */
  error?: string;
  /** For a duplicate: the SQS message whose handling completed first. */
  firstMessageId?: string;
}

export type RecordLogger = (entry: RecordLogEntry) => void;

/**
 * stdout directly rather than console.log: the Lambda runtime prefixes console output with a
 * timestamp and request id in text format, which breaks one-JSON-object-per-line parsing in
 * CloudWatch Logs Insights (the receiver does the same).
 */
export const writeRecordLogLine: RecordLogger = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};

export const MAX_LOGGED_TEXT = 300;

/** `name: message` of an error thrown by user code, shortened. */
export function describeHandlerError(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name}: ${error.message}` : `thrown ${typeof error}`;
  return text.length > MAX_LOGGED_TEXT ? `${text.slice(0, MAX_LOGGED_TEXT - 1)}…` : text;
}

/** The error's name and those of its causes, never a message (which can quote keys or bodies). */
export function errorName(error: unknown, depth = 0): string {
  if (typeof error !== "object" || error === null) {
    return typeof error;
  }
  const { name, cause } = error as { name?: unknown; cause?: unknown };
  const own = typeof name === "string" ? name : "Error";
  return cause !== undefined && depth < 3 ? `${own} (cause: ${errorName(cause, depth + 1)})` : own;
}
