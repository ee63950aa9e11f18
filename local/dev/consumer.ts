/**
 * The consumer side of `npm run dev`: what Lambda's SQS trigger does (`SqsEventSource`), calling the
 * user's consumer module unchanged (its `handler`, with the in-memory idempotency store) or, without
 * one, printing each event as it leaves the queue.
 */
import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { SQSBatchResponse, SQSRecord } from "aws-lambda";
import { CONSUMER_ENV, RECORD_ATTRIBUTES } from "../../lambda";
import { type SqsBatchHandler } from "../../local/adapters";
import type { JourneyTracker } from "./journey";

export interface ConsumerModule {
  /** As given (relative to the repository), for messages. */
  readonly entry: string;
  readonly handler: SqsBatchHandler;
}

export class ConsumerModuleError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConsumerModuleError";
  }
}

/**
 * Loads the module the way its bundle would run: `handler` is its export. The in-memory store
 * replaces DynamoDB (env IDEMPOTENCY_STORE=memory, read by the consumer on its first invocation),
 * with the same once-per-webhook-id semantics.
 */
export function loadConsumerModule(entry: string, root: string, source: string): ConsumerModule {
  const path = resolve(root, entry);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new ConsumerModuleError(
      `${source}: consumer module ${entry} does not exist (looked for ${path}); ` +
        "give the path of a file that exports `handler`, relative to the repository",
    );
  }
  process.env[CONSUMER_ENV.IDEMPOTENCY_STORE] = "memory";
  let loaded: { handler?: unknown; default?: { handler?: unknown } };
  try {
    // tsx (which runs npm run dev) loads TypeScript through require as well.
    loaded = require(path) as typeof loaded;
  } catch (error) {
    throw new ConsumerModuleError(
      `${source}: consumer module ${entry} failed to load: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const handler = loaded.handler ?? loaded.default?.handler;
  if (typeof handler !== "function") {
    throw new ConsumerModuleError(
      `${source}: consumer module ${entry} does not export a handler function ` +
        "(export const handler = createPolarEventConsumer({ handlers: { … } }))",
    );
  }
  const shown = relative(root, path);
  return { entry: shown.startsWith("..") ? path : shown, handler: handler as SqsBatchHandler };
}

/** The batch handler the event source calls: the user's, with each record's outcome reported. */
export function consumerBatchHandler(
  journey: JourneyTracker,
  consumer: ConsumerModule | undefined,
): SqsBatchHandler {
  return async (event, context) => {
    let response: SQSBatchResponse | void;
    try {
      response = consumer ? await consumer.handler(event, context) : { batchItemFailures: [] };
    } catch (error) {
      for (const record of event.Records) {
        journey.consumption({
          ...identify(record),
          ok: false,
          detail: `${consumer?.entry ?? "consumer"} threw ${(error as Error)?.name ?? "an error"}: the whole batch is retried`,
        });
      }
      throw error;
    }
    const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    for (const record of event.Records) {
      const ok = !failed.has(record.messageId);
      journey.consumption({
        ...identify(record),
        ok,
        detail: ok
          ? [summarizeEvent(record.body), consumer ? `${consumer.entry}: ok` : undefined]
              .filter(Boolean)
              .join(" · ")
          : `${consumer?.entry ?? "consumer"} reported a failure; SQS hands it out again after the visibility timeout`,
      });
    }
    return response ?? undefined;
  };
}

function identify(record: SQSRecord) {
  const attributes = record.messageAttributes ?? {};
  return {
    messageId: record.messageId,
    webhookId: attributes[RECORD_ATTRIBUTES.WEBHOOK_ID]?.stringValue,
    type: attributes[RECORD_ATTRIBUTES.EVENT_TYPE]?.stringValue,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? "1"),
  };
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;
const short = (id: unknown): string | undefined => text(id)?.slice(0, 8);

/** One line about a Polar event for the console: ids, states, amounts; never the whole body. */
export function summarizeEvent(body: string): string {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return "not JSON";
  }
  if (!isObject(event) || !isObject(event.data)) return "no data";
  const type = text(event.type) ?? "";
  const data = event.data;
  const customer = isObject(data.customer) ? text(data.customer.email) : text(data.email);
  const parts: (string | undefined)[] = [];
  if (type.startsWith("order.")) {
    parts.push(`order ${short(data.id)}`, text(data.billing_reason), money(data));
  } else if (type.startsWith("subscription.")) {
    parts.push(`subscription ${short(data.id)}`, `status ${text(data.status) ?? "?"}`);
    if (data.cancel_at_period_end === true) parts.push("cancels at period end");
    if (text(data.ended_at)) parts.push("ended");
  } else if (type.startsWith("checkout.")) {
    parts.push(`checkout ${short(data.id)}`, `status ${text(data.status) ?? "?"}`, money(data));
  } else if (type.startsWith("refund.")) {
    parts.push(`refund ${short(data.id)}`, money(data, "amount"));
  } else {
    parts.push(`${type.split(".")[0] || "object"} ${short(data.id) ?? "?"}`);
  }
  parts.push(customer);
  return parts.filter((part): part is string => part !== undefined).join(", ");
}

function money(data: Json, field = "total_amount"): string | undefined {
  const amount = data[field];
  const currency = text(data.currency);
  if (typeof amount !== "number" || !currency) return undefined;
  return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
}
