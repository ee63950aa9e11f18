/**
 * Drives a consumer the way Lambda would, against moto's SQS: `SqsEventSource` receives, invokes
 * and deletes; the queue's own visibility timeout and redrive policy do the rest. Records every
 * handler call, response and log line for the assertions.
 */
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse } from "aws-lambda";
import {
  createPolarEventConsumer,
  type IdempotencyOptions,
  type PolarEventHandlers,
  type RecordLogEntry,
} from "../../lambda";
import { SqsEventSource, type PollResult } from "../../local/adapters";

export interface Call {
  readonly type: string;
  readonly webhookId: string;
  readonly messageId: string;
  readonly receiveCount: number;
  readonly dataId: unknown;
}

export interface Harness {
  readonly calls: Call[];
  readonly logs: RecordLogEntry[];
  readonly responses: SQSBatchResponse[];
  readonly source: SqsEventSource;
  /** Polls until the queue holds no message, visible or in flight. */
  settle(timeoutMs?: number): Promise<PollResult[]>;
  outcomesOf(messageId: string): string[];
}

/**
 * `behaviour(call)` runs inside every handler (throw to fail). Every event type in `types` gets a
 * handler that records the call first.
 */
export function harness(options: {
  sqs: SQSClient;
  queueUrl: string;
  idempotency: false | IdempotencyOptions;
  types?: readonly (keyof PolarEventHandlers)[];
  behaviour?: (call: Call) => unknown;
  batchSize?: number;
  /** What the Lambda context's remaining time counts down from (the lock's lifetime). */
  functionTimeoutSeconds?: number;
  calls?: Call[];
}): Harness {
  const calls = options.calls ?? [];
  const logs: RecordLogEntry[] = [];
  const responses: SQSBatchResponse[] = [];
  const handlers: Record<
    string,
    (
      event: { type: string; data: { id?: unknown } },
      meta: Omit<Call, "type" | "dataId">,
    ) => unknown
  > = {};
  for (const type of options.types ?? ["order.paid"]) {
    handlers[type] = async (event, meta) => {
      const call: Call = { type: event.type, dataId: event.data.id, ...meta };
      calls.push(call);
      await options.behaviour?.(call);
    };
  }
  const consumer = createPolarEventConsumer({
    handlers: handlers as PolarEventHandlers,
    idempotency: options.idempotency,
    log: (entry) => logs.push(entry),
  });
  const source = new SqsEventSource({
    sqsClient: options.sqs,
    queueUrl: options.queueUrl,
    batchSize: options.batchSize ?? 10,
    functionTimeoutSeconds: options.functionTimeoutSeconds ?? 30,
    handler: async (event, context) => {
      const response = await consumer(event, context);
      responses.push(response);
      return response;
    },
  });
  return {
    calls,
    logs,
    responses,
    source,
    settle: (timeoutMs = 30_000) => settle(options.sqs, options.queueUrl, source, timeoutMs),
    outcomesOf: (messageId) =>
      logs.filter((entry) => entry.messageId === messageId).map((entry) => entry.outcome),
  };
}

async function settle(
  sqs: SQSClient,
  queueUrl: string,
  source: SqsEventSource,
  timeoutMs: number,
): Promise<PollResult[]> {
  const results: PollResult[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await source.pollOnce();
    if (result.received > 0) {
      results.push(result);
      continue;
    }
    if ((await queueDepth(sqs, queueUrl)) === 0) {
      return results;
    }
    if (Date.now() > deadline) {
      throw new Error(`queue ${queueUrl} did not drain within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const output = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(output.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(output.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/** A promise with its resolver, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
