/**
 * The embedded queue of `npm run dev`: an in-process SQS server (fauxqs) with the queue the receiver
 * sends to and its dead-letter queue, wired with a redrive policy as the ingress does in AWS: a
 * message received `maxReceiveCount` times without being deleted moves to the DLQ.
 */
import type { SQSClientConfig } from "@aws-sdk/client-sqs";
// fauxqs is ESM-only: its types via the "import" condition, the module via a dynamic import.
import type { FauxqsServer } from "fauxqs" with { "resolution-mode": "import" };
import { localSqsClientConfig } from "./stack";

export const LOCAL_QUEUE_NAME = "polar-webhooks-local";
export const LOCAL_DEAD_LETTER_QUEUE_NAME = "polar-webhooks-local-dlq";
/** As the ingress in AWS (redrive after 5 receives). */
export const DEFAULT_MAX_RECEIVE_COUNT = 5;
/** Short, so a failing consumer's retries (and its DLQ) show within seconds. */
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 5;
/** SQS's largest message, as the ingress sets it. */
const MAXIMUM_MESSAGE_SIZE = "1048576";

export interface LocalQueuesOptions {
  /** Port on 127.0.0.1 (default: a free one). */
  readonly port?: number;
  readonly maxReceiveCount?: number;
  readonly visibilityTimeoutSeconds?: number;
}

export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly receiveCount: number;
}

export interface LocalQueues {
  /** The SQS endpoint, e.g. `http://127.0.0.1:41234`. */
  readonly sqsEndpoint: string;
  readonly clientConfig: SQSClientConfig;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutSeconds: number;
  /** Every message in the DLQ (ready, in flight or delayed), without receiving it. */
  deadLetters(): QueuedMessage[];
  /** Every message in the queue, without receiving it. */
  messages(): QueuedMessage[];
  close(): Promise<void>;
}

export async function startLocalQueues(options: LocalQueuesOptions = {}): Promise<LocalQueues> {
  const maxReceiveCount = options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
  const visibilityTimeoutSeconds =
    options.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
  const { startFauxqs } = await import("fauxqs");
  const server = await startFauxqs({ port: options.port ?? 0, host: "127.0.0.1", logger: false });
  const dlq = server.createQueue(LOCAL_DEAD_LETTER_QUEUE_NAME, {
    attributes: { MaximumMessageSize: MAXIMUM_MESSAGE_SIZE, MessageRetentionPeriod: "1209600" },
  });
  const queue = server.createQueue(LOCAL_QUEUE_NAME, {
    attributes: {
      MaximumMessageSize: MAXIMUM_MESSAGE_SIZE,
      VisibilityTimeout: String(visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.queueArn,
        maxReceiveCount: String(maxReceiveCount),
      }),
    },
  });
  let closing: Promise<void> | undefined;
  return {
    sqsEndpoint: server.address,
    clientConfig: localSqsClientConfig(server.address),
    queueUrl: queue.queueUrl,
    deadLetterQueueUrl: dlq.queueUrl,
    maxReceiveCount,
    visibilityTimeoutSeconds,
    deadLetters: () => inspect(server, LOCAL_DEAD_LETTER_QUEUE_NAME),
    messages: () => inspect(server, LOCAL_QUEUE_NAME),
    close: () => (closing ??= server.stop()),
  };
}

function inspect(server: FauxqsServer, name: string): QueuedMessage[] {
  const queue = server.inspectQueue(name);
  if (!queue) return [];
  return [
    ...queue.messages.ready,
    ...queue.messages.delayed,
    ...queue.messages.inflight.map((entry) => entry.message),
  ]
    .sort((a, b) => a.sentTimestamp - b.sentTimestamp)
    .map((message) => ({
      messageId: message.messageId,
      body: message.body,
      attributes: Object.fromEntries(
        Object.entries(message.messageAttributes).map(([key, value]) => [
          key,
          value.StringValue ?? "",
        ]),
      ),
      receiveCount: message.approximateReceiveCount,
    }));
}
