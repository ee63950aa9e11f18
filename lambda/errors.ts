/**
 * One error class per way a delivery can fail. Messages are fixed because they are logged: never
 * the secret, a signature or the body.
 */

export const OUTCOME = {
  ENQUEUED: "enqueued",
  METHOD_NOT_ALLOWED: "method_not_allowed",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  MISSING_HEADERS: "missing_headers",
  INVALID_SIGNATURE: "invalid_signature",
  STALE_TIMESTAMP: "stale_timestamp",
  NOT_A_POLAR_EVENT: "not_a_polar_event",
  BODY_NOT_ENQUEUEABLE: "body_not_enqueueable",
  SECRET_UNAVAILABLE: "secret_unavailable",
  ENQUEUE_FAILED: "enqueue_failed",
  DEADLINE_EXCEEDED: "deadline_exceeded",
  MISCONFIGURED: "misconfigured",
  INTERNAL_ERROR: "internal_error",
} as const;
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

/**
 * Polar retries every non-2xx, so 4xx vs 5xx is for humans: 4xx = never acceptable, 5xx = not
 * right now. Only `enqueued` is 2xx, after SQS acknowledged the message.
 */
export const STATUS_BY_OUTCOME = {
  enqueued: 202,
  method_not_allowed: 405,
  payload_too_large: 413,
  missing_headers: 403,
  invalid_signature: 403,
  stale_timestamp: 403,
  not_a_polar_event: 400,
  // U+FFFE/U+FFFF: SQS would refuse it on every retry.
  body_not_enqueueable: 400,
  secret_unavailable: 503,
  enqueue_failed: 503,
  deadline_exceeded: 503,
  // 500, not 503, so a deployment mistake is not mistaken for an AWS outage.
  misconfigured: 500,
  internal_error: 500,
} as const satisfies Record<Outcome, number>;

export abstract class ReceiverError extends Error {
  abstract readonly outcome: Outcome;
}

export class MethodNotAllowedError extends ReceiverError {
  readonly outcome = OUTCOME.METHOD_NOT_ALLOWED;
  constructor(message = "Method not allowed", options?: ErrorOptions) {
    super(message, options);
    this.name = "MethodNotAllowedError";
  }
}

export class PayloadTooLargeError extends ReceiverError {
  readonly outcome = OUTCOME.PAYLOAD_TOO_LARGE;
  constructor(message = "Payload too large", options?: ErrorOptions) {
    super(message, options);
    this.name = "PayloadTooLargeError";
  }
}

export class MissingHeadersError extends ReceiverError {
  readonly outcome = OUTCOME.MISSING_HEADERS;
  constructor(message = "Missing required headers", options?: ErrorOptions) {
    super(message, options);
    this.name = "MissingHeadersError";
  }
}

/** Headers or body that cannot be verified at all (garbled timestamp, non-UTF-8, …). */
export class InvalidSignatureError extends ReceiverError {
  readonly outcome = OUTCOME.INVALID_SIGNATURE;
  constructor(message = "Invalid signature", options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidSignatureError";
  }
}

/**
 * Well-formed and fresh, but no key matched: the only failure a newer secret could fix. Built
 * without a stack trace: it is what every forged request ends in, the stack is never logged, and
 * capturing it cost more than the 4 HMACs tried before [measured, bench/sections/verify.ts].
 */
export class NoMatchingSignatureError extends InvalidSignatureError {
  constructor(message = "No matching signature found", options?: ErrorOptions) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message, options);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.name = "NoMatchingSignatureError";
  }
}

/**
 * Signed with the previous secret at or after its `previousExpiresAt`: a bad signature like any
 * other (403), named so the log can say why. Not a miss: re-reading the secrets cannot help.
 */
export class ExpiredSecretError extends InvalidSignatureError {
  /** Which key matched, e.g. "previous/standard"; `expiredAt` is an ISO 8601 instant. */
  readonly key: string;
  readonly expiredAt: string;
  constructor(key: string, expiredAtMs: number, options?: ErrorOptions) {
    super("Signed with the previous secret, which has expired", options);
    this.name = "ExpiredSecretError";
    this.key = key;
    this.expiredAt = new Date(expiredAtMs).toISOString();
  }
}

export class StaleTimestampError extends ReceiverError {
  readonly outcome = OUTCOME.STALE_TIMESTAMP;
  constructor(message = "Message timestamp outside tolerance", options?: ErrorOptions) {
    super(message, options);
    this.name = "StaleTimestampError";
  }
}

export class NotAPolarEventError extends ReceiverError {
  readonly outcome = OUTCOME.NOT_A_POLAR_EVENT;
  constructor(message = "Body is not a Polar event", options?: ErrorOptions) {
    super(message, options);
    this.name = "NotAPolarEventError";
  }
}

export class BodyNotEnqueueableError extends ReceiverError {
  readonly outcome = OUTCOME.BODY_NOT_ENQUEUEABLE;
  constructor(message = "Body contains characters SQS does not accept", options?: ErrorOptions) {
    super(message, options);
    this.name = "BodyNotEnqueueableError";
  }
}

export class SecretUnavailableError extends ReceiverError {
  readonly outcome = OUTCOME.SECRET_UNAVAILABLE;
  constructor(message = "Webhook secret unavailable", options?: ErrorOptions) {
    super(message, options);
    this.name = "SecretUnavailableError";
  }
}

/** SendMessage failed or returned no MessageId: the message is not known to be stored. */
export class EnqueueError extends ReceiverError {
  readonly outcome = OUTCOME.ENQUEUE_FAILED;
  constructor(message = "Could not enqueue the webhook", options?: ErrorOptions) {
    super(message, options);
    this.name = "EnqueueError";
  }
}

/** The request's time budget ran out during `call` (an AWS operation name). */
export class DeadlineExceededError extends ReceiverError {
  readonly outcome = OUTCOME.DEADLINE_EXCEEDED;
  constructor(
    readonly call: string,
    options?: ErrorOptions,
  ) {
    super(`Deadline exceeded during ${call}`, options);
    this.name = "DeadlineExceededError";
  }
}

/** Missing or contradictory environment; the message names variables, never values. */
export class ConfigError extends ReceiverError {
  readonly outcome = OUTCOME.MISCONFIGURED;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

export function outcomeOf(error: unknown): Outcome {
  return error instanceof ReceiverError ? error.outcome : OUTCOME.INTERNAL_ERROR;
}

export function statusOf(outcome: Outcome): number {
  return STATUS_BY_OUTCOME[outcome];
}
