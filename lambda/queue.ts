/**
 * The SQS edge: one SendMessage per verified delivery, the body byte-for-byte. Which client sends
 * it (aws-lite in the Lambda, an SDK v3 client a caller brings) is the `sendMessage` given.
 */
import { Deadline } from "./deadline";
import { EnqueueError } from "./errors";

export const MESSAGE_ATTRIBUTES = {
  WEBHOOK_ID: "webhook-id",
  WEBHOOK_TIMESTAMP: "webhook-timestamp",
  EVENT_TYPE: "event-type",
} as const;

export interface EnqueueRequest {
  readonly body: string;
  readonly webhookId: string;
  readonly timestamp: string;
  readonly eventType: string;
}

/** SendMessage's request in SQS's own member names, which every client takes as is. */
export interface SendMessageInput {
  QueueUrl: string;
  MessageBody: string;
  MessageAttributes: Record<string, { DataType: "String"; StringValue: string }>;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

/** One SendMessage, stopped when `signal` aborts; resolves with SQS's answer. */
export type SendMessage = (
  input: SendMessageInput,
  signal: AbortSignal,
) => Promise<{ readonly MessageId?: string | undefined }>;

export function isFifoQueueUrl(queueUrl: string): boolean {
  return queueUrl.endsWith(".fifo");
}

export function buildSendMessageInput(queueUrl: string, request: EnqueueRequest): SendMessageInput {
  const input: SendMessageInput = {
    QueueUrl: queueUrl,
    MessageBody: request.body,
    MessageAttributes: {
      [MESSAGE_ATTRIBUTES.WEBHOOK_ID]: { DataType: "String", StringValue: request.webhookId },
      [MESSAGE_ATTRIBUTES.WEBHOOK_TIMESTAMP]: {
        DataType: "String",
        StringValue: request.timestamp,
      },
      [MESSAGE_ATTRIBUTES.EVENT_TYPE]: { DataType: "String", StringValue: request.eventType },
    },
  };
  if (isFifoQueueUrl(queueUrl)) {
    // webhook-id is stable across Polar's retries, so retries within SQS's 5-minute window collapse.
    input.MessageDeduplicationId = request.webhookId;
    // One group per event: FIFO for dedup only. Polar's order is best-effort anyway, and a single
    // group would let one failing message block all later ones.
    input.MessageGroupId = request.webhookId;
  }
  return input;
}

export interface SqsEnqueuerOptions {
  readonly queueUrl: string;
  readonly sendMessage: SendMessage;
}

export class SqsEnqueuer {
  readonly queueUrl: string;
  private readonly sendMessage: SendMessage;

  constructor(options: SqsEnqueuerOptions) {
    this.queueUrl = options.queueUrl;
    this.sendMessage = options.sendMessage;
  }

  /** Resolves only once SQS returned a MessageId. */
  async enqueue(
    request: EnqueueRequest,
    deadline = Deadline.none(),
  ): Promise<{ messageId: string }> {
    const input = buildSendMessageInput(this.queueUrl, request);
    const output = await deadline.run("SendMessage", async (abortSignal) => {
      try {
        return await this.sendMessage(input, abortSignal);
      } catch (error) {
        throw new EnqueueError("SendMessage failed", { cause: error });
      }
    });
    if (!output.MessageId) {
      throw new EnqueueError("SendMessage returned no MessageId");
    }
    return { messageId: output.MessageId };
  }
}
