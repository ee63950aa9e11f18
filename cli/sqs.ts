/**
 * The SQS edge of `queue peek`, `dlq peek` and `dlq redrive`: the stack's queues from its outputs,
 * a client for AWS (region from the queue URL) or for a local SQS (`sqsEndpoint` output).
 */
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type Message,
  type MessageAttributeValue,
} from "@aws-sdk/client-sqs";
import { CliError } from "./errors";
import type { Environment } from "./io";
import type { StackHandle } from "./stack";

export interface StackQueues {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  /** A local SQS (`npm run dev`, moto, fauxqs), from the stack's `sqsEndpoint` output. */
  readonly local: boolean;
}

export async function stackQueues(stack: StackHandle, env: Environment): Promise<StackQueues> {
  const outputs = await stack.outputs();
  const missing = ["queueUrl", "deadLetterQueueUrl"].filter(
    (key) => typeof outputs[key] !== "string",
  );
  if (missing.length > 0) {
    throw new CliError(
      `Stack ${stack.description} has no ${missing.join(" or ")} output: deploy it (npm run up -- ${stack.name}) or check it is this project's stack.`,
    );
  }
  const queueUrl = outputs.queueUrl as string;
  const endpoint = typeof outputs.sqsEndpoint === "string" ? outputs.sqsEndpoint : undefined;
  const client = endpoint
    ? new SQSClient({
        endpoint,
        region: regionOf(queueUrl) ?? "us-east-1",
        // A local SQS takes any credentials; never send real ones to it.
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
        useQueueUrlAsEndpoint: false,
      })
    : new SQSClient({ region: regionOf(queueUrl) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION });
  return {
    client,
    queueUrl,
    deadLetterQueueUrl: outputs.deadLetterQueueUrl as string,
    local: endpoint !== undefined,
  };
}

/** `https://sqs.eu-west-1.amazonaws.com/123/name` → `eu-west-1`. */
export function regionOf(queueUrl: string): string | undefined {
  try {
    const host = new URL(queueUrl).hostname;
    return (
      /^sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1] ??
      /^([a-z0-9-]+)\.queue\.amazonaws\.com$/.exec(host)?.[1]
    );
  } catch {
    return undefined;
  }
}

export interface QueueState {
  readonly arn: string;
  readonly visible: number;
  readonly inFlight: number;
  /** From the queue's redrive policy: receives before SQS moves a message to the DLQ. */
  readonly maxReceiveCount: number | undefined;
}

export async function queueState(client: SQSClient, queueUrl: string): Promise<QueueState> {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        "QueueArn",
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "RedrivePolicy",
      ],
    }),
  );
  let maxReceiveCount: number | undefined;
  if (Attributes.RedrivePolicy) {
    const policy = JSON.parse(Attributes.RedrivePolicy) as { maxReceiveCount?: unknown };
    maxReceiveCount = Number(policy.maxReceiveCount) || undefined;
  }
  return {
    arn: Attributes.QueueArn ?? "",
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    maxReceiveCount,
  };
}

/**
 * Up to `limit` messages without consuming them: received with VisibilityTimeout 0, so each stays
 * visible. SQS still counts the receive (ApproximateReceiveCount).
 */
export async function peekMessages(
  client: SQSClient,
  queueUrl: string,
  limit: number,
  /** ApproximateNumberOfMessages: once that many are seen, another receive would only count them again. */
  visible: number,
): Promise<Message[]> {
  const seen = new Map<string, Message>();
  const wanted = Math.min(limit, Math.max(visible, 1));
  // The same visible messages can come back on every receive: stop when a round adds nothing.
  for (let round = 0; seen.size < wanted && round < Math.ceil(wanted / 10) * 3; round++) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, wanted - seen.size),
        VisibilityTimeout: 0,
        // Long polling asks every SQS server, so a small queue is not reported empty by sampling.
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const before = seen.size;
    for (const message of Messages) {
      if (message.MessageId && !seen.has(message.MessageId)) seen.set(message.MessageId, message);
    }
    if (seen.size === before) break;
  }
  return [...seen.values()].slice(0, limit);
}

export async function startMoveTask(
  client: SQSClient,
  sourceArn: string,
  destinationArn: string,
  maxPerSecond: number | undefined,
): Promise<string> {
  const { TaskHandle } = await client.send(
    new StartMessageMoveTaskCommand({
      SourceArn: sourceArn,
      DestinationArn: destinationArn,
      ...(maxPerSecond ? { MaxNumberOfMessagesPerSecond: maxPerSecond } : {}),
    }),
  );
  if (!TaskHandle) throw new CliError("SQS started a message move task but returned no handle.");
  return TaskHandle;
}

export async function moveTasks(
  client: SQSClient,
  sourceArn: string,
): Promise<ListMessageMoveTasksResultEntry[]> {
  const { Results = [] } = await client.send(
    new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }),
  );
  return Results;
}

/**
 * Moves messages one at a time, for a local SQS without move tasks: send a copy (body and
 * attributes) to the destination, then delete the original. At least once: a failure between the
 * two leaves a copy in both, which consumers deduplicate on webhook-id.
 */
export async function moveOneByOne(
  client: SQSClient,
  from: string,
  to: string,
  max: number,
  onMoved: (moved: number) => void,
): Promise<number> {
  let moved = 0;
  while (moved < max) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: from,
        MaxNumberOfMessages: Math.min(10, max - moved),
        VisibilityTimeout: 60,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      await client.send(new SendMessageCommand(copyOf(message, to)));
      await client.send(
        new DeleteMessageCommand({ QueueUrl: from, ReceiptHandle: message.ReceiptHandle }),
      );
      onMoved(++moved);
    }
  }
  return moved;
}

function copyOf(message: Message, queueUrl: string) {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    attributes[name] = {
      DataType: value.DataType,
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
    };
  }
  const system = message.Attributes ?? {};
  return {
    QueueUrl: queueUrl,
    MessageBody: message.Body ?? "",
    MessageAttributes: attributes,
    ...(queueUrl.endsWith(".fifo")
      ? {
          MessageGroupId: system.MessageGroupId,
          MessageDeduplicationId: system.MessageDeduplicationId ?? message.MessageId,
        }
      : {}),
  };
}
