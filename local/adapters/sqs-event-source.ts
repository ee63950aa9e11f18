/**
 * What Lambda's SQS event source mapping does, for running a consumer where Lambda does not: the
 * local runner and the tests against an SQS-protocol server (moto, fauxqs). Receive up to
 * `batchSize` messages, hand them to the handler as an `SQSEvent` with a Lambda `Context`, then
 * delete the messages the response does not list in `batchItemFailures` (ReportBatchItemFailures).
 * Failed messages are left alone: they reappear after the queue's visibility timeout, and the
 * queue's redrive policy moves them to the DLQ after `maxReceiveCount` receives, exactly as in AWS.
 *
 * As in AWS: a handler that throws, or a response naming a message that is not in the batch,
 * fails the whole batch (nothing is deleted).
 */
import { randomUUID } from "node:crypto";
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type {
  Context,
  SQSBatchResponse,
  SQSEvent,
  SQSMessageAttributes,
  SQSRecord,
  SQSRecordAttributes,
} from "aws-lambda";

export type SqsBatchHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<SQSBatchResponse | void> | SQSBatchResponse | void;

export interface SqsEventSourceOptions {
  readonly sqsClient: SQSClient;
  readonly queueUrl: string;
  readonly handler: SqsBatchHandler;
  /** 1–10 (default 10). */
  readonly batchSize?: number;
  /** Long polling per receive (default 0: return at once when the queue is empty). */
  readonly waitTimeSeconds?: number;
  /** What `context.getRemainingTimeInMillis()` counts down from (default 30 s). */
  readonly functionTimeoutSeconds?: number;
  readonly functionName?: string;
  readonly region?: string;
}

export interface PollResult {
  readonly received: number;
  /** Message ids deleted (acknowledged). */
  readonly deleted: readonly string[];
  /** Message ids left on the queue (reported failures, or all of them after a thrown error). */
  readonly failed: readonly string[];
  /** The handler's error when it threw (the whole batch failed). */
  readonly error?: unknown;
}

const RECORD_ATTRIBUTE_NAMES = [
  "ApproximateReceiveCount",
  "SentTimestamp",
  "SenderId",
  "ApproximateFirstReceiveTimestamp",
  "SequenceNumber",
  "MessageGroupId",
  "MessageDeduplicationId",
  "AWSTraceHeader",
] as const;

export class SqsEventSource {
  readonly queueUrl: string;
  readonly #options: SqsEventSourceOptions;
  #queueArn: string | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;

  constructor(options: SqsEventSourceOptions) {
    const batchSize = options.batchSize ?? 10;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) {
      throw new Error(`batchSize must be a whole number from 1 to 10, got ${String(batchSize)}`);
    }
    this.queueUrl = options.queueUrl;
    this.#options = { ...options, batchSize };
  }

  /** One receive → invoke → delete cycle. */
  async pollOnce(): Promise<PollResult> {
    const { sqsClient, handler } = this.#options;
    const queueArn = await this.#arn();
    const output = await sqsClient.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: this.#options.batchSize,
        WaitTimeSeconds: this.#options.waitTimeSeconds ?? 0,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const messages = output.Messages ?? [];
    if (messages.length === 0) {
      return { received: 0, deleted: [], failed: [] };
    }
    const region = this.#options.region ?? regionOfArn(queueArn);
    const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, queueArn, region)) };
    const ids = event.Records.map((record) => record.messageId);
    let failedIds: Set<string>;
    try {
      const response = await handler(event, this.#context(region));
      failedIds = failuresOf(response, ids);
    } catch (error) {
      return { received: messages.length, deleted: [], failed: ids, error };
    }
    const toDelete = event.Records.filter((record) => !failedIds.has(record.messageId));
    if (toDelete.length > 0) {
      await sqsClient.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: toDelete.map((record, index) => ({
            Id: String(index),
            ReceiptHandle: record.receiptHandle,
          })),
        }),
      );
    }
    return {
      received: messages.length,
      deleted: toDelete.map((record) => record.messageId),
      failed: ids.filter((id) => failedIds.has(id)),
    };
  }

  /** Polls until `stop()`; `onError` hears about receive/delete errors (then waits a second). */
  start(onError: (error: unknown) => void = () => undefined): void {
    if (this.#loop) {
      return;
    }
    this.#stopping = false;
    this.#loop = (async () => {
      while (!this.#stopping) {
        try {
          const result = await this.pollOnce();
          if (result.received === 0 && (this.#options.waitTimeSeconds ?? 0) === 0) {
            await delay(200);
          }
        } catch (error) {
          onError(error);
          await delay(1_000);
        }
      }
    })();
  }

  /** Resolves once the batch in progress (if any) has been handled and settled. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
    this.#loop = undefined;
  }

  async #arn(): Promise<string> {
    if (!this.#queueArn) {
      const output = await this.#options.sqsClient.send(
        new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ["QueueArn"] }),
      );
      const arn = output.Attributes?.QueueArn;
      if (!arn) {
        throw new Error(`GetQueueAttributes returned no QueueArn for ${this.queueUrl}`);
      }
      this.#queueArn = arn;
    }
    return this.#queueArn;
  }

  #context(region: string): Context {
    const functionName = this.#options.functionName ?? "polar-webhook-consumer";
    const deadline = Date.now() + (this.#options.functionTimeoutSeconds ?? 30) * 1000;
    const unsupported = () => {
      throw new Error("done/fail/succeed are not supported: return a promise");
    };
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: "$LATEST",
      invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
      memoryLimitInMB: "256",
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: "local",
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: unsupported,
      fail: unsupported,
      succeed: unsupported,
    };
  }
}

/** An SDK `Message` as Lambda's event source mapping presents it in `SQSEvent.Records`. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes: Record<string, string> = {};
  for (const name of RECORD_ATTRIBUTE_NAMES) {
    const value = message.Attributes?.[name];
    if (value !== undefined) {
      attributes[name] = value;
    }
  }
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? "String",
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString("base64") }
        : {}),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: attributes as unknown as SQSRecordAttributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes
      ? { md5OfMessageAttributes: message.MD5OfMessageAttributes }
      : {}),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** Lambda's reading of a partial batch response; an invalid one fails the whole batch. */
function failuresOf(response: SQSBatchResponse | void, ids: readonly string[]): Set<string> {
  const items = response?.batchItemFailures ?? [];
  const failed = new Set<string>();
  for (const item of items) {
    if (!item?.itemIdentifier || !ids.includes(item.itemIdentifier)) {
      return new Set(ids);
    }
    failed.add(item.itemIdentifier);
  }
  return failed;
}

function regionOfArn(arn: string): string {
  return arn.split(":")[3] || "us-east-1";
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
