import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SQS_MAX_MESSAGE_BYTES } from "../../lambda";
import { FOURTEEN_DAYS_SECONDS, VISIBILITY_TIMEOUT_FACTOR, type Tags } from "./constants";
import { deadLetterQueueName, queueName } from "./names";

export interface QueuesArgs {
  readonly fifo: boolean;
  readonly consumerTimeoutSeconds: number;
  readonly messageRetentionSeconds: number;
  readonly maxReceiveCount: number;
  readonly tags: Tags;
}

export interface Queues {
  readonly queue: aws.sqs.Queue;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly redrivePolicy: aws.sqs.RedrivePolicy;
}

/** The main queue, its DLQ and the redrive between them, children of `parent`. */
export function createQueues(name: string, parent: pulumi.Resource, args: QueuesArgs): Queues {
  const { fifo, tags } = args;
  // Explicit names: FIFO queues must end in ".fifo", and the names show up in alarms and consoles.
  const queue = new aws.sqs.Queue(
    `${name}-queue`,
    {
      name: queueName(name, fifo),
      ...(fifo
        ? {
            fifoQueue: true,
            // The receiver sets MessageDeduplicationId = webhook-id; each webhook-id is its own message
            // group: no head-of-line blocking, high-throughput mode per group.
            contentBasedDeduplication: false,
            deduplicationScope: "messageGroup",
            fifoThroughputLimit: "perMessageGroupId",
          }
        : {}),
      sqsManagedSseEnabled: true,
      // Explicit: the receiver relies on it, and AWS's default has changed (256 KiB → 1 MiB).
      maxMessageSize: SQS_MAX_MESSAGE_BYTES,
      messageRetentionSeconds: args.messageRetentionSeconds,
      visibilityTimeoutSeconds: args.consumerTimeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
      receiveWaitTimeSeconds: 20,
      tags,
    },
    { parent },
  );

  const deadLetterQueue = new aws.sqs.Queue(
    `${name}-dlq`,
    {
      name: deadLetterQueueName(name, fifo),
      ...(fifo ? { fifoQueue: true } : {}),
      sqsManagedSseEnabled: true,
      maxMessageSize: SQS_MAX_MESSAGE_BYTES,
      // Always the maximum: a moved message keeps its original enqueue time, so a shorter retention drops it.
      messageRetentionSeconds: FOURTEEN_DAYS_SECONDS,
      redriveAllowPolicy: pulumi.jsonStringify({
        redrivePermission: "byQueue",
        sourceQueueArns: [queue.arn],
      }),
      tags,
    },
    { parent },
  );

  // A separate resource (Pulumi's recommendation): the queue itself never depends on the DLQ.
  const redrivePolicy = new aws.sqs.RedrivePolicy(
    `${name}-redrive`,
    {
      queueUrl: queue.url,
      redrivePolicy: pulumi.jsonStringify({
        deadLetterTargetArn: deadLetterQueue.arn,
        // A number: SQS rejects "5".
        maxReceiveCount: args.maxReceiveCount,
      }),
    },
    { parent },
  );

  return { queue, deadLetterQueue, redrivePolicy };
}
