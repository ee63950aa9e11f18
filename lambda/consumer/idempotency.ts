/**
 * The idempotency side of the consumer: options, defaults and the Powertools persistence store they
 * select. Keys are the `webhook-id` message attribute (Polar's event id, stable across retries and
 * redeliveries); records live in DynamoDB (partition key `id`, TTL attribute `expiration`) unless
 * told otherwise.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { IdempotencyConfig } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { ConsumerConfigError } from "./errors";
import { InMemoryPersistenceLayer } from "./memory-store";

export const CONSUMER_ENV = {
  /** Name of the DynamoDB idempotency table (the default store). */
  IDEMPOTENCY_TABLE: "IDEMPOTENCY_TABLE",
  /** `dynamodb` (default) or `memory`: the local runner selects the in-memory store with it. */
  IDEMPOTENCY_STORE: "IDEMPOTENCY_STORE",
} as const;

export type Environment = Readonly<Record<string, string | undefined>>;

/** The DynamoDB table's key schema and TTL attribute (both strings/epoch seconds, see infra). */
export const IDEMPOTENCY_TABLE_ATTRIBUTES = { PARTITION_KEY: "id", TTL: "expiration" } as const;

/** Manual redelivery works for 90 days; Polar's own retries end after ~34 minutes. */
export const DEFAULT_EXPIRES_AFTER_SECONDS = 7 * 24 * 3600;

/**
 * Explicit, so renaming or redeploying the function keeps its keys (Powertools defaults to the
 * function name).
 */
export const DEFAULT_KEY_PREFIX = "polar-webhooks";

/** Powertools' JMESPath into the SQS record: the key is the attribute, not the body. */
export const WEBHOOK_ID_KEY_PATH = 'messageAttributes."webhook-id".stringValue';

/**
 * Lock lifetime when the handler is called without a Lambda context (local use): Powertools sets
 * none then, and a crashed run would hold the key for the whole expiry.
 */
export const FALLBACK_LOCK_MILLISECONDS = 60_000;

/**
 * DynamoDB client defaults: bounded waits, so a hung connection fails the record (and SQS retries)
 * long before the function times out.
 */
export const DEFAULT_DYNAMODB_CLIENT_CONFIG: DynamoDBClientConfig = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
};

interface CommonIdempotencyOptions {
  /** Seconds a completed webhook-id is remembered (default 7 days). */
  readonly expiresAfterSeconds?: number;
  /** Prefix of every key (default "polar-webhooks"). */
  readonly keyPrefix?: string;
}

/** Options take a store, or a DynamoDB client, or a client config, never two of them. */
export type IdempotencyOptions = CommonIdempotencyOptions &
  (
    | {
        /** Any Powertools persistence layer, e.g. `new InMemoryPersistenceLayer()`. */
        readonly persistenceStore: BasePersistenceLayer;
        readonly tableName?: never;
        readonly dynamoDBClient?: never;
        readonly clientConfig?: never;
      }
    | ({
        readonly persistenceStore?: never;
        /** Default: env IDEMPOTENCY_TABLE. */
        readonly tableName?: string;
      } & (
        | { readonly dynamoDBClient?: DynamoDBClient; readonly clientConfig?: never }
        | { readonly dynamoDBClient?: never; readonly clientConfig?: DynamoDBClientConfig }
      ))
  );

export interface ResolvedIdempotency {
  readonly store: BasePersistenceLayer;
  readonly config: IdempotencyConfig;
  readonly keyPrefix: string;
}

/** Checks what can be checked without the environment; runs when the consumer is created. */
export function checkIdempotencyOptions(options: IdempotencyOptions): void {
  const { expiresAfterSeconds, keyPrefix, tableName } = options;
  if (
    expiresAfterSeconds !== undefined &&
    !(Number.isSafeInteger(expiresAfterSeconds) && expiresAfterSeconds > 0)
  ) {
    throw new ConsumerConfigError(
      `idempotency.expiresAfterSeconds must be a positive whole number of seconds, got ${String(expiresAfterSeconds)}`,
    );
  }
  if (keyPrefix !== undefined && keyPrefix.trim() === "") {
    throw new ConsumerConfigError("idempotency.keyPrefix must not be empty");
  }
  if (tableName !== undefined && tableName.trim() === "") {
    throw new ConsumerConfigError(
      `idempotency.tableName must not be empty (omit it to use env ${CONSUMER_ENV.IDEMPOTENCY_TABLE})`,
    );
  }
}

/** Builds the store on the first invocation: the environment is read then, not at import. */
export function resolveIdempotency(
  options: IdempotencyOptions,
  env: Environment,
): ResolvedIdempotency {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: WEBHOOK_ID_KEY_PATH,
    // The consumer checks the attribute first; if it were missing here, fail rather than hash the
    // whole record (which would make every delivery of the event a different key).
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds ?? DEFAULT_EXPIRES_AFTER_SECONDS,
  });
  return {
    store: options.persistenceStore ?? storeFromEnv(options, env),
    config,
    keyPrefix: options.keyPrefix?.trim() ?? DEFAULT_KEY_PREFIX,
  };
}

function storeFromEnv(options: IdempotencyOptions, env: Environment): BasePersistenceLayer {
  const kind = env[CONSUMER_ENV.IDEMPOTENCY_STORE] ?? "dynamodb";
  if (kind === "memory") {
    return new InMemoryPersistenceLayer();
  }
  if (kind !== "dynamodb") {
    throw new ConsumerConfigError(
      `${CONSUMER_ENV.IDEMPOTENCY_STORE} must be "dynamodb" or "memory", got "${kind.slice(0, 40)}"`,
    );
  }
  const tableName = options.tableName ?? env[CONSUMER_ENV.IDEMPOTENCY_TABLE];
  if (!tableName) {
    throw new ConsumerConfigError(
      `${CONSUMER_ENV.IDEMPOTENCY_TABLE} is not set: set it to the DynamoDB idempotency table's name, ` +
        "or pass idempotency: { tableName } (or idempotency: false to turn idempotency off)",
    );
  }
  const awsSdkV3Client =
    options.dynamoDBClient ??
    new DynamoDBClient({ ...DEFAULT_DYNAMODB_CLIENT_CONFIG, ...options.clientConfig });
  // The attribute names are the table's contract with the infra (partition key, TTL): pinned here
  // rather than inherited from Powertools' defaults.
  return new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client,
    keyAttr: IDEMPOTENCY_TABLE_ATTRIBUTES.PARTITION_KEY,
    expiryAttr: IDEMPOTENCY_TABLE_ATTRIBUTES.TTL,
  });
}
