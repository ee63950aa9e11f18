/** The SQS edge: one SendMessage per verified delivery, the body byte-for-byte. */
import {
  SendMessageCommand,
  SQSClient,
  type SendMessageCommandInput,
  type SQSClientConfig,
} from "@aws-sdk/client-sqs";
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

export function isFifoQueueUrl(queueUrl: string): boolean {
  return queueUrl.endsWith(".fifo");
}

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
    // webhook-id is stable across Polar's retries, so retries within SQS's 5-minute window collapse.
    input.MessageDeduplicationId = request.webhookId;
    // One group per event: FIFO for dedup only. Polar's order is best-effort anyway, and a single
    // group would let one failing message block all later ones.
    input.MessageGroupId = request.webhookId;
  }
  return input;
}

export const DEFAULT_SQS_CLIENT_CONFIG: SQSClientConfig = {
  // The endpoint comes from AWS_REGION/AWS_ENDPOINT_URL(_SQS), not the queue URL's host, which for
  // fauxqs (`sqs.us-east-1.localhost`) does not resolve. So the queue must be in the function's
  // region (the component creates both).
  useQueueUrlAsEndpoint: false,
  maxAttempts: 3,
  // throwOnRequestTimeout: see DEFAULT_SSM_CLIENT_CONFIG.
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_500, throwOnRequestTimeout: true },
};

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

  /** Resolves only once SQS returned a MessageId. */
  async enqueue(
    request: EnqueueRequest,
    deadline = Deadline.none(),
  ): Promise<{ messageId: string }> {
    const input = buildSendMessageInput(this.queueUrl, request);
    const output = await deadline.run("SendMessage", async (abortSignal) => {
      try {
        return await this.client.send(new SendMessageCommand(input), { abortSignal });
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
