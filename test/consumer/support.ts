/**
 * Test helpers for the consumer: moto_server (SQS + DynamoDB; test/support/moto.ts), queues with a real
 * redrive policy, the idempotency table as the infra declares it, and messages enqueued exactly as
 * the receiver enqueues them (its own `buildSendMessageInput`).
 */
import { randomBytes, randomUUID } from "node:crypto";
import {
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
  type MessageAttributeValue,
} from "@aws-sdk/client-sqs";
import { buildSendMessageInput } from "../../lambda/queue";
import { IDEMPOTENCY_TABLE_ATTRIBUTES } from "../../lambda";
import { DUMMY_AWS, receiveAll, REFUSED_ENDPOINT } from "../lambda/support";

export { startMoto, useMoto, type Moto } from "../support/moto";

/** The idempotency table as the component declares it: `id` (S) partition key, TTL `expiration`. */
export async function createIdempotencyTable(dynamodb: DynamoDBClient): Promise<string> {
  const name = `idempotency-${randomBytes(4).toString("hex")}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: IDEMPOTENCY_TABLE_ATTRIBUTES.PARTITION_KEY, AttributeType: "S" },
      ],
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE_ATTRIBUTES.PARTITION_KEY, KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await dynamodb.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE_ATTRIBUTES.TTL, Enabled: true },
    }),
  );
  return name;
}

export async function scanTable(dynamodb: DynamoDBClient, tableName: string) {
  return (await dynamodb.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
}

export interface QueuePair {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
}

/** A queue whose redrive policy moves a message to its DLQ after `maxReceiveCount` receives. */
export async function createQueuePair(
  sqs: SQSClient,
  options: { fifo?: boolean; maxReceiveCount?: number; visibilityTimeout?: number } = {},
): Promise<QueuePair> {
  const suffix = options.fifo ? ".fifo" : "";
  const base = `consumer-${randomBytes(4).toString("hex")}`;
  const fifoAttributes: Record<string, string> = options.fifo ? { FifoQueue: "true" } : {};
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: `${base}-dlq${suffix}`, Attributes: fifoAttributes }),
  );
  const dlqArn = await queueArn(sqs, dlq.QueueUrl!);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${base}${suffix}`,
      Attributes: {
        ...fifoAttributes,
        VisibilityTimeout: String(options.visibilityTimeout ?? 1),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount ?? 3,
        }),
      },
    }),
  );
  return {
    queueUrl: queue.QueueUrl!,
    queueArn: await queueArn(sqs, queue.QueueUrl!),
    dlqUrl: dlq.QueueUrl!,
  };
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const output = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  return output.Attributes!.QueueArn!;
}

/** A Polar envelope; `data` defaults to a small object with a fresh id. */
export function polarBody(type: string, data: object = { id: randomUUID() }): string {
  return JSON.stringify({
    type,
    timestamp: new Date().toISOString(),
    api_version: "2026-10",
    data,
  });
}

/** Enqueues like the receiver (same attributes; on FIFO, dedup id = group id = webhook-id). */
export async function enqueuePolarEvent(
  sqs: SQSClient,
  queueUrl: string,
  options: { type: string; webhookId?: string; body?: string; data?: object; groupId?: string },
): Promise<{ webhookId: string; messageId: string }> {
  const webhookId = options.webhookId ?? randomUUID();
  const input = buildSendMessageInput(queueUrl, {
    body: options.body ?? polarBody(options.type, options.data),
    webhookId,
    timestamp: String(Math.floor(Date.now() / 1000)),
    eventType: options.type,
  });
  if (options.groupId) {
    // The receiver uses one group per event; tests of per-group order choose their own.
    input.MessageGroupId = options.groupId;
  }
  const output = await sqs.send(new SendMessageCommand(input));
  return { webhookId, messageId: output.MessageId! };
}

/** A message the receiver would never send: custom attributes, any body. */
export async function enqueueRaw(
  sqs: SQSClient,
  queueUrl: string,
  body: string,
  attributes: Record<string, MessageAttributeValue> = {},
): Promise<string> {
  const fifo = queueUrl.endsWith(".fifo");
  const id = randomUUID();
  const output = await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageAttributes: attributes,
      ...(fifo ? { MessageGroupId: id, MessageDeduplicationId: id } : {}),
    }),
  );
  return output.MessageId!;
}

export { DUMMY_AWS, receiveAll, REFUSED_ENDPOINT };
