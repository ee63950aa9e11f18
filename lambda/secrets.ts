/**
 * SSM secrets, per container: cached for 300 s (clearing `previous` revokes it within 5 minutes;
 * `previousExpiresAt` travels with the cached keys and ends it on time, with no re-read); a
 * failed re-read keeps the cache. Besides TTL re-reads, a miss may re-read, and no read starts
 * within 60 s of the last attempt, also on a cold container that could not read at all: a forged
 * flood costs at most one GetParameter a minute, a rotation is picked up on one of Polar's retries.
 */
import { Deadline } from "./deadline";
import { SecretUnavailableError } from "./errors";
import { candidateKeys, type CandidateKey, type WebhookSecrets } from "./verify";

export const DEFAULT_SECRET_TTL_SECONDS = 300;
export const DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS = 60;

/**
 * One GetParameter (decrypted), stopped when `signal` aborts: the value, or undefined when the
 * parameter has none. Which client reads it (aws-lite in the Lambda, an SDK v3 client a caller
 * brings) is the function given.
 */
export type GetParameter = (name: string, signal: AbortSignal) => Promise<string | undefined>;

export interface SecretProvider {
  /** Keys to verify with. Throws SecretUnavailableError (or DeadlineExceededError). */
  getKeys(deadline?: Deadline): Promise<readonly CandidateKey[]>;
  /** After a miss: fresh keys, or `undefined` when no re-read is allowed. Throws like getKeys. */
  refreshAfterMiss(deadline?: Deadline): Promise<readonly CandidateKey[] | undefined>;
}

export class StaticSecretProvider implements SecretProvider {
  private readonly keys: readonly CandidateKey[];

  constructor(secrets: WebhookSecrets | string) {
    const value = typeof secrets === "string" ? { current: secrets, previous: null } : secrets;
    this.keys = candidateKeys(value);
  }

  async getKeys(): Promise<readonly CandidateKey[]> {
    return this.keys;
  }

  async refreshAfterMiss(): Promise<undefined> {
    return undefined;
  }
}

export interface SecretCacheOptions {
  parameterName: string;
  ttlSeconds?: number;
  minForcedRefreshIntervalSeconds?: number;
  /** Milliseconds clock, for tests. */
  now?: () => number;
}

export interface ParameterSecretProviderOptions extends SecretCacheOptions {
  readonly getParameter: GetParameter;
}

/**
 * An RFC 3339 instant as zod's `iso.datetime({ offset: true })` accepts it: seconds required, any
 * fraction, `Z` or an offset; the day checked against the calendar below. Plain checks rather than
 * a schema library here and in parsePolarEvent: the Lambda's cold start loads only what it needs.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** The secrets of an SSM parameter, read with `getParameter` and cached as described above. */
export class ParameterSecretProvider implements SecretProvider {
  private readonly parameterName: string;
  private readonly getParameter: GetParameter;
  private readonly ttlMs: number;
  private readonly minForcedIntervalMs: number;
  private readonly now: () => number;
  private cached: { keys: readonly CandidateKey[]; fetchedAt: number } | undefined;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<readonly CandidateKey[]> | undefined;

  constructor(options: ParameterSecretProviderOptions) {
    this.parameterName = options.parameterName;
    this.getParameter = options.getParameter;
    this.ttlMs = (options.ttlSeconds ?? DEFAULT_SECRET_TTL_SECONDS) * 1000;
    this.minForcedIntervalMs =
      (options.minForcedRefreshIntervalSeconds ?? DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS) *
      1000;
    this.now = options.now ?? Date.now;
  }

  async getKeys(deadline = Deadline.none()): Promise<readonly CandidateKey[]> {
    if (!this.cached) {
      if (!this.inFlight && !this.mayRead()) {
        throw new SecretUnavailableError("Secret parameter read failed recently; not retried yet");
      }
      return this.fetch(deadline);
    }
    if (this.now() - this.cached.fetchedAt >= this.ttlMs && this.mayRead()) {
      try {
        // Half the time left at most, so a slow SSM still leaves time to enqueue.
        return await this.fetch(deadline.within(deadline.remainingMs() / 2));
      } catch {
        return this.cached.keys;
      }
    }
    return this.cached.keys;
  }

  async refreshAfterMiss(deadline = Deadline.none()): Promise<readonly CandidateKey[] | undefined> {
    if (!this.inFlight && !this.mayRead()) {
      return undefined;
    }
    return this.fetch(deadline);
  }

  private mayRead(): boolean {
    return this.now() - this.lastAttemptAt >= this.minForcedIntervalMs;
  }

  /** Concurrent requests (local server) share one read; each waits only until its own deadline. */
  private fetch(deadline: Deadline): Promise<readonly CandidateKey[]> {
    this.inFlight ??= this.load(deadline.signal).finally(() => {
      this.inFlight = undefined;
    });
    const shared = this.inFlight;
    return deadline.run("GetParameter", () => shared);
  }

  private async load(abortSignal: AbortSignal): Promise<readonly CandidateKey[]> {
    this.lastAttemptAt = this.now();
    let value: string | undefined;
    try {
      value = await this.getParameter(this.parameterName, abortSignal);
    } catch (error) {
      throw new SecretUnavailableError("Could not read the secret parameter", { cause: error });
    }
    const keys = candidateKeys(parseSecretParameterValue(value));
    this.cached = { keys, fetchedAt: this.now() };
    return keys;
  }
}

/**
 * Errors never include the value (it is the secret). A missing or null `previousExpiresAt` leaves
 * `previous` without expiry, as values written before rotations expired.
 */
export function parseSecretParameterValue(value: string | undefined): WebhookSecrets {
  if (value === undefined) {
    throw new SecretUnavailableError("Secret parameter has no value");
  }
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    // No cause: a SyntaxError message quotes the text.
    throw new SecretUnavailableError("Secret parameter is not JSON");
  }
  const { current, previous, previousExpiresAt } = (
    typeof json === "object" && json !== null && !Array.isArray(json) ? json : {}
  ) as { current?: unknown; previous?: unknown; previousExpiresAt?: unknown };
  if (!nonEmptyString(current) || !(previous == null || nonEmptyString(previous))) {
    throw new SecretUnavailableError(
      'Secret parameter is not {"current", "previous", "previousExpiresAt"}',
    );
  }
  return {
    current,
    previous: previous ?? null,
    previousExpiresAt: previousExpiresAt == null ? null : instantMs(previousExpiresAt),
  };
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function instantMs(value: unknown): number {
  const parts = typeof value === "string" ? ISO_INSTANT.exec(value) : null;
  const millis =
    parts && isCalendarDay(Number(parts[1]), Number(parts[2]), Number(parts[3]))
      ? Date.parse(value as string)
      : NaN;
  if (!Number.isFinite(millis)) {
    throw new SecretUnavailableError(
      "Secret parameter's previousExpiresAt is not an ISO 8601 instant (e.g. 2026-11-25T09:30:00.000Z)",
    );
  }
  return millis;
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
}
