/**
 * SSM secrets, per container: cached for 300 s (clearing `previous` revokes it within 5 minutes;
 * `previousExpiresAt` travels with the cached keys and ends it on time, with no re-read); a
 * failed re-read keeps the cache. Besides TTL re-reads, a miss may re-read, and no read starts
 * within 60 s of the last attempt, also on a cold container that could not read at all: a forged
 * flood costs at most one GetParameter a minute, a rotation is picked up on one of Polar's retries.
 */
import * as z from "zod/mini";
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

const SecretParameterValue = z.object({
  current: z.string().check(z.minLength(1)),
  previous: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  // Checked on its own below, for a message that names it.
  previousExpiresAt: z.optional(z.unknown()),
});

const IsoInstant = z.iso.datetime({ offset: true });

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
  const result = SecretParameterValue.safeParse(json);
  if (!result.success) {
    throw new SecretUnavailableError(
      'Secret parameter is not {"current", "previous", "previousExpiresAt"}',
    );
  }
  const { current, previous, previousExpiresAt } = result.data;
  return {
    current,
    previous: previous ?? null,
    previousExpiresAt: previousExpiresAt == null ? null : instantMs(previousExpiresAt),
  };
}

function instantMs(value: unknown): number {
  const millis = IsoInstant.safeParse(value).success ? Date.parse(value as string) : NaN;
  if (!Number.isFinite(millis)) {
    throw new SecretUnavailableError(
      "Secret parameter's previousExpiresAt is not an ISO 8601 instant (e.g. 2026-11-25T09:30:00.000Z)",
    );
  }
  return millis;
}
