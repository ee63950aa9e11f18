/**
 * An idempotency store in process memory with the semantics of Powertools'
 * DynamoDBPersistenceLayer, for running a consumer on one machine (`npm run dev`) and for tests. It
 * implements Powertools' own persistence interface (`BasePersistenceLayer`), so `makeIdempotent`
 * drives it exactly as it drives DynamoDB:
 *
 * - taking the lock is the same conditional put: it succeeds when no item exists, when the item has
 *   expired (`expiration`, epoch seconds), or when it is INPROGRESS past its
 *   `in_progress_expiration` (epoch ms); otherwise it throws IdempotencyItemAlreadyExistsError with
 *   the existing record (like `ReturnValuesOnConditionCheckFailure: ALL_OLD`);
 * - reads return expired items until they are swept (as DynamoDB's TTL deletes lazily), updates
 *   are upserts that keep other attributes, deletes are unconditional;
 * - stored data is a copy (DynamoDB serializes it), so later mutations by the caller do not leak in.
 *
 * Not shared between processes: two consumer processes each have their own. Use DynamoDB for that.
 */
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from "@aws-lambda-powertools/idempotency";
import {
  BasePersistenceLayer,
  IdempotencyRecord,
} from "@aws-lambda-powertools/idempotency/persistence";

type Status = ReturnType<IdempotencyRecord["getStatus"]>;

interface StoredItem {
  readonly status: Status;
  readonly expiration?: number;
  readonly inProgressExpiration?: number;
  readonly data?: IdempotencyRecord["responseData"];
  readonly payloadHash?: string;
}

export interface InMemoryPersistenceLayerOptions {
  /**
   * Expired items are swept when the store holds more than this many (default 10,000), so a
   * long-running local process does not grow without bound.
   */
  readonly sweepAbove?: number;
}

export class InMemoryPersistenceLayer extends BasePersistenceLayer {
  readonly #items = new Map<string, StoredItem>();
  readonly #sweepAbove: number;

  constructor(options: InMemoryPersistenceLayerOptions = {}) {
    super();
    this.#sweepAbove = options.sweepAbove ?? 10_000;
  }

  /** Number of items held (expired ones included until swept). */
  get size(): number {
    return this.#items.size;
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const now = Date.now();
    const key = record.idempotencyKey;
    const existing = this.#items.get(key);
    const lockable =
      existing === undefined ||
      (existing.expiration !== undefined && existing.expiration < now / 1000) ||
      (existing.status === IdempotencyRecordStatus.INPROGRESS &&
        existing.inProgressExpiration !== undefined &&
        existing.inProgressExpiration < now);
    if (!lockable) {
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${key}`,
        toRecord(key, existing),
      );
    }
    if (this.#items.size >= this.#sweepAbove) {
      this.#sweepExpired(now);
    }
    this.#items.set(key, {
      status: record.getStatus(),
      expiration: record.expiryTimestamp,
      inProgressExpiration: record.inProgressExpiryTimestamp,
      payloadHash: this.isPayloadValidationEnabled() ? record.payloadHash : undefined,
    });
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const item = this.#items.get(idempotencyKey);
    if (item === undefined) {
      throw new IdempotencyItemNotFoundError();
    }
    return toRecord(idempotencyKey, item);
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const existing = this.#items.get(record.idempotencyKey);
    this.#items.set(record.idempotencyKey, {
      ...existing,
      status: record.getStatus(),
      expiration: record.expiryTimestamp,
      ...(record.responseData !== undefined ? { data: structuredClone(record.responseData) } : {}),
      ...(this.isPayloadValidationEnabled() ? { payloadHash: record.payloadHash } : {}),
    });
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.#items.delete(record.idempotencyKey);
  }

  #sweepExpired(now: number): void {
    for (const [key, item] of this.#items) {
      if (item.expiration !== undefined && item.expiration < now / 1000) {
        this.#items.delete(key);
      }
    }
  }
}

function toRecord(idempotencyKey: string, item: StoredItem): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey,
    status: item.status,
    expiryTimestamp: item.expiration,
    inProgressExpiryTimestamp: item.inProgressExpiration,
    responseData: item.data === undefined ? undefined : structuredClone(item.data),
    payloadHash: item.payloadHash,
  });
}
