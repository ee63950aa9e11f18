/**
 * Where the signing secrets come from: a fixed secret (POLAR_WEBHOOK_SECRET, local use) or an SSM
 * SecureString (WEBHOOK_SECRET_PARAMETER, deployed) holding `{"current": "whsec_…", "previous":
 * "whsec_…" | null}`.
 *
 * ## SSM caching rule (per warm Lambda container / local process)
 * - **Cold:** the first request fetches the parameter (GetParameter, WithDecryption). If that fails
 *   there is nothing to verify with → 503, so Polar retries.
 * - **TTL (default 300 s):** after that the next request re-fetches, so clearing `previous` (ending
 *   a rotation) revokes the old secret within 5 minutes. If that re-fetch fails, the cached secrets
 *   keep being used (an SSM blip must not reject valid deliveries) and the next attempt waits for
 *   the forced-refresh interval below.
 * - **Forced refresh on a miss (at most once per 60 s):** when a well-formed, fresh delivery
 *   matches no key, the parameter is re-fetched immediately — but only if the last fetch *attempt*
 *   is ≥ 60 s old. That picks up a new secret without a redeploy (the first delivery after a
 *   rotation is accepted at once if the cache is older than 60 s, otherwise on one of Polar's
 *   retries, which continue for ~17–34 minutes), while a flood of forged requests causes at most
 *   one GetParameter per minute per container — never one per request. A forced refresh that fails
 *   → 503 (the delivery may be valid under a secret we could not load); one that the interval
 *   forbids → 403. Stale or malformed requests never trigger a refresh: a new secret could not make
 *   them valid.
 * Total worst case: ≈ 1/60 + 1/300 GetParameter per second per container, independent of traffic.
 * Concurrent requests (the local server) share one in-flight fetch.
 */
import { GetParameterCommand, SSMClient, type SSMClientConfig } from "@aws-sdk/client-ssm";
import * as z from "zod/mini"; // tree-shakeable build, see verify.ts
import { SecretUnavailableError } from "./errors";
import { candidateKeys, type CandidateKey, type WebhookSecrets } from "./verify";

export const DEFAULT_SECRET_TTL_SECONDS = 300;
export const DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS = 60;

/** Bounded so a slow SSM answers 503 well within Polar's 10 s request timeout. */
export const DEFAULT_SSM_CLIENT_CONFIG: SSMClientConfig = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
};

export interface SecretProvider {
  /**
   * Candidate keys to verify with (cached). Throws SecretUnavailableError when none can be loaded.
   */
  getKeys(): Promise<readonly CandidateKey[]>;
  /**
   * Called after no key matched. Returns fresh keys when a refresh was allowed and succeeded,
   * `undefined` when the rate limit (or a fixed secret) forbids one. Throws SecretUnavailableError
   * when the allowed refresh failed.
   */
  refreshAfterMiss(): Promise<readonly CandidateKey[] | undefined>;
}

/** A fixed secret (POLAR_WEBHOOK_SECRET): nothing to refresh. */
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

/** Options take either a client or a client config, never both (the Powertools convention). */
export type SsmSecretProviderOptions = {
  parameterName: string;
  ttlSeconds?: number;
  minForcedRefreshIntervalSeconds?: number;
  /** Milliseconds clock; injectable so tests can step time without fake timers. */
  now?: () => number;
} & (
  | { ssmClient: SSMClient; clientConfig?: never }
  | { ssmClient?: never; clientConfig?: SSMClientConfig }
);

const SecretParameterValue = z.object({
  current: z.string().check(z.minLength(1)),
  previous: z.optional(z.nullable(z.string().check(z.minLength(1)))),
});

export class SsmSecretProvider implements SecretProvider {
  private readonly parameterName: string;
  private readonly client: SSMClient;
  private readonly ttlMs: number;
  private readonly minForcedIntervalMs: number;
  private readonly now: () => number;
  private cached: { keys: readonly CandidateKey[]; fetchedAt: number } | undefined;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<readonly CandidateKey[]> | undefined;
  /** Number of GetParameter calls made; exposed for tests and the log line. */
  fetchCount = 0;

  constructor(options: SsmSecretProviderOptions) {
    this.parameterName = options.parameterName;
    this.client =
      options.ssmClient ?? new SSMClient({ ...DEFAULT_SSM_CLIENT_CONFIG, ...options.clientConfig });
    this.ttlMs = (options.ttlSeconds ?? DEFAULT_SECRET_TTL_SECONDS) * 1000;
    this.minForcedIntervalMs =
      (options.minForcedRefreshIntervalSeconds ?? DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS) *
      1000;
    this.now = options.now ?? Date.now;
  }

  async getKeys(): Promise<readonly CandidateKey[]> {
    const now = this.now();
    if (!this.cached) {
      return this.fetch();
    }
    const expired = now - this.cached.fetchedAt >= this.ttlMs;
    if (expired && now - this.lastAttemptAt >= this.minForcedIntervalMs) {
      try {
        return await this.fetch();
      } catch {
        // Stale-while-error: keep verifying with what we have; the next attempt waits for the
        // interval.
        return this.cached.keys;
      }
    }
    return this.cached.keys;
  }

  async refreshAfterMiss(): Promise<readonly CandidateKey[] | undefined> {
    if (this.inFlight) {
      return this.inFlight;
    }
    if (this.now() - this.lastAttemptAt < this.minForcedIntervalMs) {
      return undefined;
    }
    return this.fetch();
  }

  private fetch(): Promise<readonly CandidateKey[]> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async load(): Promise<readonly CandidateKey[]> {
    this.lastAttemptAt = this.now();
    this.fetchCount += 1;
    let value: string | undefined;
    try {
      const output = await this.client.send(
        new GetParameterCommand({ Name: this.parameterName, WithDecryption: true }),
      );
      value = output.Parameter?.Value;
    } catch (error) {
      throw new SecretUnavailableError("Could not read the secret parameter", { cause: error });
    }
    const secrets = parseSecretParameterValue(value);
    const keys = candidateKeys(secrets);
    this.cached = { keys, fetchedAt: this.now() };
    return keys;
  }
}

/**
 * Parses the parameter's JSON value. Errors never include the value (it is the secret); the zod
 * error kept as `cause` only reports paths and expected types.
 */
export function parseSecretParameterValue(value: string | undefined): WebhookSecrets {
  if (value === undefined) {
    throw new SecretUnavailableError("Secret parameter has no value");
  }
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    // No cause: a SyntaxError message quotes the (secret) text.
    throw new SecretUnavailableError("Secret parameter is not JSON");
  }
  const result = SecretParameterValue.safeParse(json);
  if (!result.success) {
    throw new SecretUnavailableError('Secret parameter is not {"current", "previous"}');
  }
  return { current: result.data.current, previous: result.data.previous ?? null };
}
