/**
 * Spaces out requests to Polar so a bulk operation stays under the rate limit (100 requests a
 * minute per organization in sandbox, 500 in production: polar-api.md §4) instead of bouncing off
 * it. After a 429 it waits as long as `Retry-After` says and slows down; successes bring it back
 * to its base pace gradually. Pure: the caller passes the clock.
 */

/** Polar's documented limits, per organization token and minute. */
export const POLAR_RATE_LIMITS = { sandbox: 100, production: 500 } as const;

/** The share of the limit a bulk operation takes by default, leaving room for other clients. */
export const DEFAULT_RATE_SHARE = 0.8;

export interface PacerOptions {
  /** Requests per minute at the base pace. */
  readonly perMinute: number;
  /** The slowest pace after repeated 429s, as a multiple of the base interval. Default 8. */
  readonly maxSlowdown?: number;
}

export class Pacer {
  readonly baseIntervalMs: number;
  private intervalMs: number;
  private readonly maxIntervalMs: number;
  /** Earliest time the next request may start. */
  private notBefore = 0;

  constructor(options: PacerOptions) {
    if (!(options.perMinute > 0) || !Number.isFinite(options.perMinute)) {
      throw new RangeError(
        `requests per minute must be a positive number, got ${options.perMinute}`,
      );
    }
    this.baseIntervalMs = 60_000 / options.perMinute;
    this.intervalMs = this.baseIntervalMs;
    this.maxIntervalMs = this.baseIntervalMs * (options.maxSlowdown ?? 8);
  }

  /** The current spacing between request starts. */
  get currentIntervalMs(): number {
    return this.intervalMs;
  }

  /** How long to wait before the next request may start. */
  delayBefore(now: number): number {
    return Math.max(0, this.notBefore - now);
  }

  /** A request starts now. */
  started(now: number): void {
    this.notBefore = Math.max(this.notBefore, now) + this.intervalMs;
  }

  /** The last request was answered (not rate limited): drift back towards the base pace. */
  succeeded(): void {
    this.intervalMs = Math.max(this.baseIntervalMs, this.intervalMs * 0.9);
  }

  /**
   * Polar answered 429. Nothing may start before `Retry-After` has passed (or one slowed-down
   * interval, without the header), and the pace halves. Returns the wait before the retry.
   */
  rateLimited(now: number, retryAfterMs: number | undefined): number {
    this.intervalMs = Math.min(this.maxIntervalMs, this.intervalMs * 2);
    const wait = retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : this.intervalMs;
    this.notBefore = Math.max(this.notBefore, now + wait);
    return this.delayBefore(now);
  }
}

/** The default pace for a server: a share of its documented limit. */
export function defaultPerMinute(server: keyof typeof POLAR_RATE_LIMITS): number {
  return Math.floor(POLAR_RATE_LIMITS[server] * DEFAULT_RATE_SHARE);
}
