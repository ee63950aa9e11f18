/**
 * One error class per way a delivery can fail, and the single place where a failure becomes an HTTP
 * status.
 *
 * Messages are short and fixed (like standard-webhooks' "No matching signature found") because they
 * end up in logs: they must never carry the secret, a computed signature or any part of the body.
 * When wrapping a lower-level error, keep it as `cause`; the logger only records the cause's
 * `name`/code, never its message (a JSON `SyntaxError` message quotes the body).
 */

/** Outcome of one request, as logged and as returned in an error body. Closed set. */
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
  MISCONFIGURED: "misconfigured",
  INTERNAL_ERROR: "internal_error",
} as const;
export type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

/**
 * The status of each outcome. Polar retries every non-2xx, so the split between 4xx and 5xx is for
 * humans (delivery log, alarms): 4xx = "this request will never be accepted", 5xx = "we could not
 * take it right now". Only `enqueued` is 2xx, and it is returned only after SQS acknowledged the
 * SendMessage.
 */
export const STATUS_BY_OUTCOME = {
  enqueued: 202,
  method_not_allowed: 405,
  payload_too_large: 413,
  missing_headers: 403,
  invalid_signature: 403,
  stale_timestamp: 403,
  not_a_polar_event: 400,
  // Signed, JSON, has a type, but contains characters SQS refuses (U+FFFE/U+FFFF). Retrying cannot
  // help.
  body_not_enqueueable: 400,
  secret_unavailable: 503,
  enqueue_failed: 503,
  // A deployment mistake (e.g. QUEUE_URL unset). 500 rather than 503 so it is not mistaken for an
  // AWS outage; Polar retries it all the same, so fixing the configuration within ~30 min loses
  // nothing.
  misconfigured: 500,
  internal_error: 500,
} as const satisfies Record<Outcome, number>;

export abstract class ReceiverError extends Error {
  abstract readonly outcome: Outcome;
}

/** The request is not a POST. */
export class MethodNotAllowedError extends ReceiverError {
  readonly outcome = OUTCOME.METHOD_NOT_ALLOWED;
  constructor(message = "Method not allowed", options?: ErrorOptions) {
    super(message, options);
    this.name = "MethodNotAllowedError";
  }
}

/** The decoded body exceeds what one SQS message can hold. */
export class PayloadTooLargeError extends ReceiverError {
  readonly outcome = OUTCOME.PAYLOAD_TOO_LARGE;
  constructor(message = "Payload too large", options?: ErrorOptions) {
    super(message, options);
    this.name = "PayloadTooLargeError";
  }
}

/** `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent or empty. */
export class MissingHeadersError extends ReceiverError {
  readonly outcome = OUTCOME.MISSING_HEADERS;
  constructor(message = "Missing required headers", options?: ErrorOptions) {
    super(message, options);
    this.name = "MissingHeadersError";
  }
}

/**
 * The signature headers or the body cannot be verified at all (garbled timestamp, oversized id,
 * non-UTF-8).
 */
export class InvalidSignatureError extends ReceiverError {
  readonly outcome = OUTCOME.INVALID_SIGNATURE;
  constructor(message = "Invalid signature", options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidSignatureError";
  }
}

/**
 * Well-formed, fresh delivery, but none of the candidate keys produced any of its `v1` signatures.
 */
export class NoMatchingSignatureError extends InvalidSignatureError {
  constructor(message = "No matching signature found", options?: ErrorOptions) {
    super(message, options);
    this.name = "NoMatchingSignatureError";
  }
}

/** `webhook-timestamp` is more than the tolerance away from now, in either direction. */
export class StaleTimestampError extends ReceiverError {
  readonly outcome = OUTCOME.STALE_TIMESTAMP;
  constructor(message = "Message timestamp outside tolerance", options?: ErrorOptions) {
    super(message, options);
    this.name = "StaleTimestampError";
  }
}

/** Correctly signed, but not a Polar event envelope (not JSON, not an object, no string `type`). */
export class NotAPolarEventError extends ReceiverError {
  readonly outcome = OUTCOME.NOT_A_POLAR_EVENT;
  constructor(message = "Body is not a Polar event", options?: ErrorOptions) {
    super(message, options);
    this.name = "NotAPolarEventError";
  }
}

/**
 * Correctly signed Polar event whose body SQS would reject (characters outside SQS's allowed set).
 */
export class BodyNotEnqueueableError extends ReceiverError {
  readonly outcome = OUTCOME.BODY_NOT_ENQUEUEABLE;
  constructor(message = "Body contains characters SQS does not accept", options?: ErrorOptions) {
    super(message, options);
    this.name = "BodyNotEnqueueableError";
  }
}

/** The signing secrets could not be loaded (SSM error, missing parameter, malformed value). */
export class SecretUnavailableError extends ReceiverError {
  readonly outcome = OUTCOME.SECRET_UNAVAILABLE;
  constructor(message = "Webhook secret unavailable", options?: ErrorOptions) {
    super(message, options);
    this.name = "SecretUnavailableError";
  }
}

/** SendMessage failed or returned no MessageId: the message is not known to be durably stored. */
export class EnqueueError extends ReceiverError {
  readonly outcome = OUTCOME.ENQUEUE_FAILED;
  constructor(message = "Could not enqueue the webhook", options?: ErrorOptions) {
    super(message, options);
    this.name = "EnqueueError";
  }
}

/**
 * Required environment is missing or contradictory. The message names the variables (never their
 * values).
 */
export class ConfigError extends ReceiverError {
  readonly outcome = OUTCOME.MISCONFIGURED;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/**
 * Maps any thrown value to its outcome; unknown errors are internal errors (500, Polar retries).
 */
export function outcomeOf(error: unknown): Outcome {
  return error instanceof ReceiverError ? error.outcome : OUTCOME.INTERNAL_ERROR;
}

export function statusOf(outcome: Outcome): number {
  return STATUS_BY_OUTCOME[outcome];
}
