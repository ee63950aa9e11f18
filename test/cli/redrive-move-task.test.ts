// dlq redrive's move-task path. Neither moto 5.2.1 (500, not implemented) nor fauxqs (400
// InvalidAction) implements StartMessageMoveTask or ListMessageMoveTasks, so SQS is scripted here
// over a real socket with AWS's JSON protocol (the SDK client is the real one).
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { redriveQueues, type RedriveJson } from "../../cli/commands/redrive";
import type { StackQueues } from "../../cli/sqs";
import { startScriptedAws, type ScriptedAws, type ScriptedRequest } from "../lambda/scripted-aws";
import { capturedContext } from "./support";

const DLQ_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/polar-webhooks-prod-dlq";
const QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/polar-webhooks-prod";
const DLQ_ARN = "arn:aws:sqs:eu-west-1:123456789012:polar-webhooks-prod-dlq";
const QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:polar-webhooks-prod";

let aws: ScriptedAws | undefined;
afterEach(async () => {
  await aws?.close();
  aws = undefined;
});

interface Script {
  inDlq?: number;
  /** Answers to ListMessageMoveTasks, in turn (the last repeats). */
  tasks: object[][];
  start?: (request: ScriptedRequest) => { status: number; json: unknown };
}

async function queues(script: Script, local = false): Promise<StackQueues> {
  let listed = 0;
  aws = await startScriptedAws((request) => {
    switch (request.operation) {
      case "GetQueueAttributes": {
        const dlq = request.input.QueueUrl === DLQ_URL;
        return {
          status: 200,
          json: {
            Attributes: {
              QueueArn: dlq ? DLQ_ARN : QUEUE_ARN,
              ApproximateNumberOfMessages: String(dlq ? (script.inDlq ?? 12) : 0),
              ApproximateNumberOfMessagesNotVisible: "0",
            },
          },
        };
      }
      case "ListMessageMoveTasks":
        return {
          status: 200,
          json: { Results: script.tasks[Math.min(listed++, script.tasks.length - 1)] },
        };
      case "StartMessageMoveTask":
        return script.start?.(request) ?? { status: 200, json: { TaskHandle: "task-1" } };
      default:
        return {
          status: 400,
          json: { __type: "com.amazonaws.sqs#InvalidAction", message: request.operation },
        };
    }
  });
  const client = new SQSClient({
    endpoint: aws.endpoint,
    region: "eu-west-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    useQueueUrlAsEndpoint: false,
    maxAttempts: 1,
  });
  return { client, queueUrl: QUEUE_URL, deadLetterQueueUrl: DLQ_URL, local };
}

const task = (status: string, moved: number, extra: object = {}) => ({
  TaskHandle: "task-1",
  Status: status,
  SourceArn: DLQ_ARN,
  ApproximateNumberOfMessagesMoved: moved,
  ApproximateNumberOfMessagesToMove: 12,
  ...extra,
});

const operations = () => aws?.requests.map((request) => request.operation) ?? [];

describe("dlq redrive with SQS message move tasks", () => {
  it("starts a move task from the DLQ to the queue and follows it to the end", async () => {
    const target = await queues({
      tasks: [[], [task("RUNNING", 0)], [task("RUNNING", 5)], [task("COMPLETED", 12)]],
    });
    const { context, stdout, stderr } = capturedContext();

    const code = await redriveQueues(
      target,
      { maxPerSecond: 50, clientSide: false, json: false },
      context,
    );

    expect(code).toBe(0);
    expect(aws?.requests.find((r) => r.operation === "StartMessageMoveTask")?.input).toEqual({
      SourceArn: DLQ_ARN,
      DestinationArn: QUEUE_ARN,
      MaxNumberOfMessagesPerSecond: 50,
    });
    expect(stderr()).toBe(
      "redrive: running, moved 0 of about 12\nredrive: running, moved 5 of about 12\n",
    );
    expect(stdout()).toBe("Moved 12 messages from the dead-letter queue back to the queue.\n");
  });

  it("follows a move task that is already running instead of starting another", async () => {
    const running = task("RUNNING", 3);
    const target = await queues({ tasks: [[running], [task("COMPLETED", 12)]] });
    const { context, stdout, stderr } = capturedContext();

    const code = await redriveQueues(target, { clientSide: false, json: true }, context);

    expect(code).toBe(0);
    expect(operations()).not.toContain("StartMessageMoveTask");
    expect(stderr()).toBe("A move task is already running on this DLQ: following it.\n");
    expect(JSON.parse(stdout())).toEqual({
      version: 1,
      method: "move-task",
      status: "COMPLETED",
      moved: 12,
      approximateInDlq: 12,
      taskHandle: "task-1",
    } satisfies RedriveJson);
  });

  it("reports a failed move task with SQS's reason and exit status 1", async () => {
    const reason = "AWS.SimpleQueueService.NonExistentQueue";
    const target = await queues({ tasks: [[], [task("FAILED", 3, { FailureReason: reason })]] });
    const { context, stdout } = capturedContext();

    const code = await redriveQueues(target, { clientSide: false, json: false }, context);

    expect(code).toBe(1);
    expect(stdout()).toBe(`The move task ended FAILED after moving 3: ${reason}.\n`);
  });

  it("on AWS, reports what SQS refused and what the credentials need; nothing is moved by hand", async () => {
    const target = await queues({
      tasks: [[]],
      start: () => ({
        status: 400,
        json: { __type: "com.amazonaws.sqs#AccessDenied", message: "not authorized" },
      }),
    });
    const { context } = capturedContext();

    await expect(
      redriveQueues(target, { clientSide: false, json: false }, context),
    ).rejects.toThrow(
      "SQS refused the message move task: AccessDenied 400: not authorized. The credentials need sqs:StartMessageMoveTask and sqs:ListMessageMoveTasks on the DLQ and sqs:SendMessage on the queue.",
    );
    expect(operations()).not.toContain("ReceiveMessage");
  });

  it("does nothing when the DLQ is empty", async () => {
    const target = await queues({ inDlq: 0, tasks: [[]] });
    const { context, stdout } = capturedContext();

    expect(await redriveQueues(target, { clientSide: false, json: false }, context)).toBe(0);
    expect(stdout()).toBe("The dead-letter queue is empty: nothing to redrive.\n");
    expect(operations()).toEqual(["GetQueueAttributes", "GetQueueAttributes"]);
  });
});
