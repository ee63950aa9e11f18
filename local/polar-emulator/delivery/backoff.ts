/**
 * When Polar's worker tries a delivery again (polar-api.md §5 "Retries, backoff and ordering").
 * Pure: randomness is a parameter.
 */

/** `WEBHOOK_MAX_RETRIES`: attempts in all, counting the first. */
export const MAX_DELIVERY_ATTEMPTS = 10;

/** `WEBHOOK_FAILURE_THRESHOLD`: consecutive permanently failed events that disable an endpoint. */
export const FAILURE_THRESHOLD = 10;

/** `WORKER_MIN_BACKOFF_MILLISECONDS`, the `factor` of dramatiq's `compute_backoff`. */
const BACKOFF_FACTOR_MS = 2_000;
const MAX_BACKOFF_MS = 20 * 60_000;

/** The FIFO guard: `WEBHOOK_FIFO_GUARD_DELAY_MS` per earlier pending event, at most its max age. */
export const FIFO_GUARD_DELAY_MS = 300;
export const FIFO_GUARD_MAX_AGE_MS = 60_000;

/**
 * The delay before the next attempt, after `deliveryCount` failed ones: dramatiq's
 * `compute_backoff(n, factor=2000, max_backoff=20 min)` (base `min(factor·2ⁿ, max)`, then a
 * uniform jitter in [base/2, base]), rounded up to whole seconds by Polar's worker.
 * 1 → 2–4 s, 2 → 4–8 s, … 9 → 512–1024 s.
 */
export function retryDelayMs(deliveryCount: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_FACTOR_MS * 2 ** deliveryCount, MAX_BACKOFF_MS);
  const half = base / 2;
  const jittered = Math.trunc(half + random() * half);
  return Math.ceil(jittered / 1000) * 1000;
}

/** How long an event waits while `earlierPending` older events of its endpoint have no attempt. */
export function fifoGuardDelayMs(earlierPending: number): number {
  return Math.min(earlierPending * FIFO_GUARD_DELAY_MS, FIFO_GUARD_MAX_AGE_MS);
}
