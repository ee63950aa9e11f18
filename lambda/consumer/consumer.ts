/**
 * `createPolarEventConsumer`: a typed map of Polar event handlers → an SQS Lambda handler that
 * reports partial batch failures (`ReportBatchItemFailures` on the event source mapping).
 *
 * Built on Powertools: `processPartialResponse` with `BatchProcessor` (standard queues, records in
 * parallel) or `SqsFifoPartialProcessorAsync` (FIFO, in order, `skipGroupOnError` so only the
 * failed group stops), and `makeIdempotent` keyed on the `webhook-id` attribute.
 * `throwOnFullBatchFailure: false`: with Powertools 2.35.0 the default throws before the response is
 * filled (#5624); we never throw for record failures, so an all-failed batch reports each record.
 */
import {
  BatchProcessor,
  EventType,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
} from "@aws-lambda-powertools/batch";
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyUnknownError,
  makeIdempotent,
} from "@aws-lambda-powertools/idempotency";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { ConsumerConfigError, MalformedRecordError } from "./errors";
import { isPolarEventType, suggestPolarEventType, type PolarWebhookEvent } from "./events";
import type { PolarEventType } from "./events";
import {
  checkIdempotencyOptions,
  FALLBACK_LOCK_MILLISECONDS,
  resolveIdempotency,
  type Environment,
  type IdempotencyOptions,
  type ResolvedIdempotency,
} from "./idempotency";
import {
  describeHandlerError,
  errorName,
  RECORD_OUTCOME,
  writeRecordLogLine,
  type RecordLogEntry,
  type RecordLogger,
  type RecordOutcome,
} from "./log";
import {
  isFifoRecord,
  parseRecord,
  receiveCountOf,
  webhookIdOf,
  type PolarEventMeta,
} from "./record";

export type PolarEventHandler<K extends PolarEventType = PolarEventType> = (
  event: PolarWebhookEvent<K>,
  meta: PolarEventMeta<K>,
) => unknown;

/** One optional handler per Polar event type; `event.data` is typed from Polar's SDK. */
export type PolarEventHandlers = { readonly [K in PolarEventType]?: PolarEventHandler<K> };

/** Makes any key that is not a Polar event type a type error, even in a non-literal object. */
export type ExactHandlers<H> = H & { readonly [K in Exclude<keyof H, PolarEventType>]: never };

export interface PolarEventConsumerOptions<H extends PolarEventHandlers = PolarEventHandlers> {
  readonly handlers: ExactHandlers<H>;
  /** Default: DynamoDB, table from env IDEMPOTENCY_TABLE. `false`: every delivery runs. */
  readonly idempotency?: false | IdempotencyOptions;
  /** Default: one JSON line per record on stdout. */
  readonly log?: RecordLogger;
  /** Read on the first invocation (default `process.env`). */
  readonly env?: Environment;
}

export type PolarEventConsumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Validates the handler map now (a start-up error), the environment on the first invocation. */
export function createPolarEventConsumer<H extends PolarEventHandlers>(
  options: PolarEventConsumerOptions<H>,
): PolarEventConsumer {
  const handlers = checkHandlers(options.handlers);
  const log = options.log ?? writeRecordLogLine;
  const idempotencyOptions =
    options.idempotency === false ? undefined : (options.idempotency ?? {});
  if (idempotencyOptions) {
    checkIdempotencyOptions(idempotencyOptions);
  }
  let idempotency: IdempotentRunner | undefined;

  return async (event, context) => {
    if (idempotencyOptions && !idempotency) {
      idempotency = idempotentRunner(
        resolveIdempotency(idempotencyOptions, options.env ?? process.env),
      );
    }
    idempotency?.config.registerLambdaContext(lambdaContextOrFallback(context));
    // A processor per invocation, not per module as in Powertools' examples: its state lives on
    // the instance, and the local runner may call one handler concurrently. (The context
    // registered above is shared then; last writer wins, which only shifts a lock's lifetime.)
    const batch = new Batch(handlers, idempotency, log);
    const records = event.Records ?? [];
    const response =
      records[0] && isFifoRecord(records[0])
        ? await processPartialResponse(event, batch.handle, new SqsFifoPartialProcessorAsync(), {
            context,
            skipGroupOnError: true,
            throwOnFullBatchFailure: false,
          })
        : await processPartialResponse(event, batch.handle, new BatchProcessor(EventType.SQS), {
            context,
            throwOnFullBatchFailure: false,
          });
    batch.logSkipped(records, response);
    return response;
  };
}

type HandlerMap = ReadonlyMap<PolarEventType, PolarEventHandler>;

/** A key that is not a Polar event type, or a value that is not a function, is a start-up error. */
export function checkHandlers(handlers: PolarEventHandlers): HandlerMap {
  if (typeof handlers !== "object" || handlers === null) {
    throw new ConsumerConfigError(
      "handlers must be an object mapping Polar event types to functions",
    );
  }
  const map = new Map<PolarEventType, PolarEventHandler>();
  for (const [key, value] of Object.entries(handlers)) {
    if (!isPolarEventType(key)) {
      const suggestion = suggestPolarEventType(key);
      throw new ConsumerConfigError(
        `handlers["${key}"]: "${key}" is not a Polar webhook event type` +
          (suggestion ? ` (did you mean "${suggestion}"?)` : "") +
          "; see POLAR_EVENT_TYPES",
      );
    }
    if (typeof value !== "function") {
      throw new ConsumerConfigError(`handlers["${key}"] must be a function, got ${typeof value}`);
    }
    map.set(key, value as PolarEventHandler);
  }
  return map;
}

/** Per-record state shared with the idempotent function (which Powertools calls at most once). */
interface Run {
  readonly handler: PolarEventHandler;
  readonly event: PolarWebhookEvent;
  readonly meta: PolarEventMeta;
  ran: boolean;
  handlerError?: unknown;
}

interface StoredResult {
  readonly messageId: string;
  readonly handledAt: string;
}

interface IdempotentRunner {
  readonly config: ResolvedIdempotency["config"];
  run(record: SQSRecord, run: Run): Promise<StoredResult | undefined>;
}

function idempotentRunner({ store, config, keyPrefix }: ResolvedIdempotency): IdempotentRunner {
  // The first argument (the SQS record) is what Powertools hashes, through eventKeyJmesPath.
  const run = makeIdempotent(
    async (record: SQSRecord, state: Run): Promise<StoredResult> => {
      state.ran = true;
      try {
        await state.handler(state.event, state.meta);
      } catch (error) {
        state.handlerError = error;
        throw error;
      }
      return { messageId: record.messageId, handledAt: new Date().toISOString() };
    },
    { persistenceStore: store, config, keyPrefix },
  );
  return { config, run: (record, state) => run(record, state) };
}

function lambdaContextOrFallback(context: Context | undefined): Context {
  if (typeof context?.getRemainingTimeInMillis === "function") {
    return context;
  }
  const deadline = Date.now() + FALLBACK_LOCK_MILLISECONDS;
  return { ...context, getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
}

interface Outcome {
  readonly outcome: RecordOutcome;
  readonly eventType?: string;
  readonly firstMessageId?: string;
}

class RecordFailure extends Error {
  constructor(
    readonly outcome: RecordOutcome,
    readonly eventType: string | undefined,
    readonly error: unknown,
  ) {
    super(outcome, { cause: error });
    this.name = "RecordFailure";
  }
}

const MAX_LOGGED_FIELD_LENGTH = 128;

/** One invocation's records. */
class Batch {
  readonly #logged = new Set<string>();
  /** Copies of one webhook-id in one batch run one after the other (see `handle`). */
  readonly #byWebhookId = new Map<string, Promise<unknown>>();

  constructor(
    private readonly handlers: HandlerMap,
    private readonly idempotency: IdempotentRunner | undefined,
    private readonly log: RecordLogger,
  ) {}

  /** Powertools' record handler: resolves to acknowledge, throws to report a failure. */
  readonly handle = async (record: SQSRecord): Promise<void> => {
    const started = performance.now();
    const base = {
      messageId: record.messageId,
      webhookId: webhookIdOf(record)?.slice(0, MAX_LOGGED_FIELD_LENGTH),
      receiveCount: receiveCountOf(record),
    };
    try {
      const result = await this.#process(record);
      this.#write(base, started, result.outcome, "info", {
        eventType: result.eventType,
        firstMessageId: result.firstMessageId,
      });
    } catch (error) {
      const failure = toFailure(error);
      const level = failure.outcome === RECORD_OUTCOME.HANDLER_FAILED ? "error" : "warn";
      this.#write(base, started, failure.outcome, level, {
        eventType: failure.eventType,
        ...describeFailure(failure),
      });
      throw failure;
    }
  };

  /** Records Powertools failed without calling `handle` (a FIFO group after its failure). */
  logSkipped(records: readonly SQSRecord[], response: SQSBatchResponse): void {
    const failed = new Set(response.batchItemFailures.map((item) => item.itemIdentifier));
    for (const record of records) {
      if (failed.has(record.messageId) && !this.#logged.has(record.messageId)) {
        this.#write(
          {
            messageId: record.messageId,
            webhookId: webhookIdOf(record)?.slice(0, MAX_LOGGED_FIELD_LENGTH),
            receiveCount: receiveCountOf(record),
          },
          performance.now(),
          RECORD_OUTCOME.GROUP_SKIPPED,
          "warn",
          { reason: "An earlier message of the same group failed in this batch" },
        );
      }
    }
  }

  async #process(record: SQSRecord): Promise<Outcome> {
    let parsed;
    try {
      parsed = parseRecord(record);
    } catch (error) {
      throw new RecordFailure(RECORD_OUTCOME.MALFORMED, undefined, error);
    }
    const eventType = parsed.event.type.slice(0, MAX_LOGGED_FIELD_LENGTH);
    if (!parsed.known) {
      return { outcome: RECORD_OUTCOME.UNKNOWN_TYPE, eventType };
    }
    const handler = this.handlers.get(parsed.event.type);
    if (!handler) {
      return { outcome: RECORD_OUTCOME.NO_HANDLER, eventType };
    }
    const state: Run = {
      handler,
      event: parsed.event,
      meta: {
        webhookId: parsed.webhookId,
        messageId: record.messageId,
        receiveCount: receiveCountOf(record),
        eventType: parsed.event.type,
      },
      ran: false,
    };
    // Parallel copies of one id would find each other's lock and fail (then wait for a
    // redelivery, which costs a receive toward maxReceiveCount); chained, the second finds the
    // first completed and is acknowledged now.
    const previous = this.#byWebhookId.get(parsed.webhookId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => this.#run(record, state));
    this.#byWebhookId.set(parsed.webhookId, current);
    try {
      const stored = await current;
      return state.ran
        ? { outcome: RECORD_OUTCOME.HANDLED, eventType }
        : { outcome: RECORD_OUTCOME.DUPLICATE, eventType, firstMessageId: stored?.messageId };
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new RecordFailure(RECORD_OUTCOME.IN_PROGRESS, eventType, error);
      }
      const handlerFailed = state.ran && state.handlerError === error;
      const outcome =
        handlerFailed || !(error instanceof IdempotencyUnknownError)
          ? RECORD_OUTCOME.HANDLER_FAILED
          : RECORD_OUTCOME.IDEMPOTENCY_FAILED;
      throw new RecordFailure(outcome, eventType, error);
    }
  }

  async #run(record: SQSRecord, state: Run): Promise<StoredResult | undefined> {
    if (!this.idempotency) {
      state.ran = true;
      await state.handler(state.event, state.meta);
      return undefined;
    }
    return this.idempotency.run(record, state);
  }

  #write(
    base: Pick<RecordLogEntry, "messageId" | "webhookId" | "receiveCount">,
    started: number,
    outcome: RecordOutcome,
    level: RecordLogEntry["level"],
    extra: Partial<Pick<RecordLogEntry, "eventType" | "reason" | "error" | "firstMessageId">>,
  ): void {
    this.#logged.add(base.messageId);
    const entry: RecordLogEntry = {
      level,
      msg: "polar-event",
      time: new Date().toISOString(),
      ...base,
      outcome,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    };
    for (const [key, value] of Object.entries(extra)) {
      if (value !== undefined) {
        Object.assign(entry, { [key]: value });
      }
    }
    this.log(entry);
  }
}

function toFailure(error: unknown): RecordFailure {
  return error instanceof RecordFailure
    ? error
    : new RecordFailure(RECORD_OUTCOME.HANDLER_FAILED, undefined, error);
}

function describeFailure(failure: RecordFailure): Pick<RecordLogEntry, "reason" | "error"> {
  switch (failure.outcome) {
    case RECORD_OUTCOME.MALFORMED:
      return {
        reason:
          failure.error instanceof MalformedRecordError
            ? failure.error.message
            : "Malformed record",
      };
    case RECORD_OUTCOME.IN_PROGRESS:
      return { reason: "Another consumer is handling this webhook-id" };
    case RECORD_OUTCOME.HANDLER_FAILED:
      return { error: describeHandlerError(failure.error) };
    default:
      return { error: errorName(failure.error) };
  }
}
