/** How long the client keeps retrying a request before it reports the failure. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Wall-clock budget for one call including all retries and waits. */
  readonly totalBudgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 8,
  minDelayMs: 500,
  // Polar's sandbox allows 100 requests a minute; a Retry-After up to a minute is honoured.
  maxDelayMs: 60_000,
  totalBudgetMs: 180_000,
};

/** Statuses that say "not processed, try again": rate limit and gateway/availability errors. */
export const RETRYABLE_STATUSES = [429, 502, 503, 504] as const;

/**
 * Polar's answer to an unhandled exception: the request may have been carried out in part, so it
 * is repeated only when a repeat cannot change the outcome. Not retrying it failed whole
 * deployments on one transient error, and, on the list that looks for a create whose answer was
 * lost, left the created endpoint behind (a duplicate after the next `up`).
 */
export const RETRYABLE_IF_IDEMPOTENT_STATUSES = [500] as const;

export const RETRYABLE_ERROR_CODES = [
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
] as const;

export interface RetryAttempt {
  /**
   * Whether sending the request again cannot change the outcome. Declared per call by the client
   * (see PolarClient): a GET, a PATCH of absolute field values or a DELETE is; a create or a
   * secret reset is not.
   */
  readonly idempotent: boolean;
  /** 1 for the first retry. */
  readonly retry: number;
  readonly statusCode?: number;
  readonly errorCode?: string;
  /** Raw `Retry-After` header, seconds or an HTTP date. */
  readonly retryAfter?: string;
  readonly elapsedMs: number;
  /** Uniform in [0, 1): injected so tests are deterministic. */
  readonly random: number;
  readonly now?: number;
}

/**
 * The wait before retrying, or `undefined` to give up. A non-idempotent call (a create, a secret
 * reset) is retried only on a 429, which says "not processed": Polar has no idempotency keys, so
 * after a connection failure or a 5xx it may have taken effect and the caller must look first.
 */
export function retryDelayMs(attempt: RetryAttempt, policy: RetryPolicy): number | undefined {
  if (attempt.retry > policy.maxRetries) return undefined;
  const byStatus = attempt.statusCode !== undefined;
  const retryableStatuses: readonly number[] = attempt.idempotent
    ? [...RETRYABLE_STATUSES, ...RETRYABLE_IF_IDEMPOTENT_STATUSES]
    : RETRYABLE_STATUSES;
  if (byStatus && !retryableStatuses.includes(attempt.statusCode as number)) {
    return undefined;
  }
  if (
    !byStatus &&
    !(RETRYABLE_ERROR_CODES as readonly string[]).includes(attempt.errorCode ?? "")
  ) {
    return undefined;
  }
  if (!attempt.idempotent && attempt.statusCode !== 429) return undefined;

  const fromHeader = parseRetryAfterMs(attempt.retryAfter, attempt.now ?? Date.now());
  const exponential = Math.min(policy.minDelayMs * 2 ** (attempt.retry - 1), policy.maxDelayMs);
  // Full jitter between half and all of the backoff spreads concurrent resources' retries apart.
  const delay = fromHeader ?? Math.round(exponential / 2 + (exponential / 2) * attempt.random);
  if (delay > policy.maxDelayMs) return undefined;
  if (attempt.elapsedMs + delay > policy.totalBudgetMs) return undefined;
  return delay;
}

export function parseRetryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
