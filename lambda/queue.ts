/**
 * The SQS edge: one SendMessage per verified delivery. The message body is the request body
 * byte-for-byte (it is valid UTF-8 — `verifyDelivery` insists — so the string round-trips to the
 * same bytes).
 */
import {
  SendMessageCommand,
  SQSClient,
  type SendMessageCommandInput,
  type SQSClientConfig,
} from "@aws-sdk/client-sqs";
import { EnqueueError } from "./errors";

/**
 * Message attribute names (String). Consumers filter and deduplicate on these without parsing the
 * body.
 */
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

export function isFifoQueueUrl(queueUrl: string): boolean {
  return queueUrl.endsWith(".fifo");
}

/** The SendMessage input for a delivery; pure so the FIFO rules can be unit-tested. */
export function buildSendMessageInput(
  queueUrl: string,
  request: EnqueueRequest,
): SendMessageCommandInput {
  const input: SendMessageCommandInput = {
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
    // webhook-id is stable across Polar's retries and redeliveries, so retries within SQS's
    // 5-minute window collapse into one message. (Redeliveries later than that still need
    // consumer-side idempotency.)
    input.MessageDeduplicationId = request.webhookId;
    // One group per event, i.e. FIFO for its deduplication only, not for ordering. Polar's order is
    // best-effort (its FIFO guard looks back 1 minute) and its retries reorder events anyway, so
    // arrival order carries no guarantee worth serialising on; a single group would also let one
    // failing message block every later one (head-of-line blocking until the DLQ takes it) and cap
    // throughput at one in-flight batch.
    input.MessageGroupId = request.webhookId;
  }
  return input;
}

/**
 * Defaults for the module-scope client. `useQueueUrlAsEndpoint: false`: the endpoint comes only
 * from the SDK's standard settings (AWS_REGION, AWS_ENDPOINT_URL(_SQS)); QUEUE_URL just names the
 * queue. Otherwise the SDK sends to the queue URL's host, which for local servers (fauxqs:
 * `sqs.us-east-1.localhost`) does not resolve. Consequence: the queue must be in the function's
 * region (it is: the component creates both). Timeouts keep the worst case (3 attempts) under
 * Polar's 10 s request timeout.
 */
export const DEFAULT_SQS_CLIENT_CONFIG: SQSClientConfig = {
  useQueueUrlAsEndpoint: false,
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_500 },
};

/** Options take either a client or a client config, never both (the Powertools convention). */
export type SqsEnqueuerOptions = { queueUrl: string } & (
  | { sqsClient: SQSClient; clientConfig?: never }
  | { sqsClient?: never; clientConfig?: SQSClientConfig }
);

export class SqsEnqueuer {
  readonly queueUrl: string;
  private readonly client: SQSClient;

  constructor(options: SqsEnqueuerOptions) {
    this.queueUrl = options.queueUrl;
    this.client =
      options.sqsClient ?? new SQSClient({ ...DEFAULT_SQS_CLIENT_CONFIG, ...options.clientConfig });
  }

  /**
   * Resolves only once SQS acknowledged the message (returned a MessageId); throws EnqueueError
   * otherwise.
   */
  async enqueue(request: EnqueueRequest): Promise<{ messageId: string }> {
    let messageId: string | undefined;
    try {
      const output = await this.client.send(
        new SendMessageCommand(buildSendMessageInput(this.queueUrl, request)),
      );
      messageId = output.MessageId;
    } catch (error) {
      throw new EnqueueError("SendMessage failed", { cause: error });
    }
    if (!messageId) {
      throw new EnqueueError("SendMessage returned no MessageId");
    }
    return { messageId };
  }
}
