// The consumer's resource graph, asserted for an example stack already loaded under mocks (dev-stack.test.ts and
// prod-stack.test.ts call this with their expectations): the Lambda runs the example consumer's bundle, the trigger
// reads this queue with partial batch responses, the table keeps idempotency records, IAM is scoped to exact ARNs.
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { buildConsumerBundle, EXAMPLE_CONSUMER_ENTRY } from "../../infra/bundle";
import { ACCOUNT, named, ofType, REGION, type Harness } from "./support";

export interface ConsumerExpectations {
  /** `polar-webhooks-<stack>`. */
  readonly prefix: string;
  readonly fifo: boolean;
  readonly timeoutSeconds: number;
  readonly logRetentionDays: number;
  readonly batchSize: number;
  readonly maxConcurrency: number;
  readonly lagAlarmSeconds: number;
  /** The SNS topic's ARN, when the stack mails its alarms. */
  readonly alarmTopicArn?: string;
  readonly tags: Record<string, string>;
}

export function describeConsumerGraph(harness: () => Harness, e: ConsumerExpectations): void {
  const queueName = `${e.prefix}-queue${e.fifo ? ".fifo" : ""}`;
  const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${queueName}`;
  const functionName = `${e.prefix}-consumer`;
  const functionArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`;
  const tableName = `${e.prefix}-idempotency`;
  const tableArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${tableName}`;
  const logGroupName = `/aws/lambda/${functionName}`;
  const logGroupArn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${logGroupName}`;

  describe("the consumer (polar-webhooks:consumer = the example consumer)", () => {
    let exampleSha256: string;

    beforeAll(async () => {
      exampleSha256 = (await buildConsumerBundle({ entry: EXAMPLE_CONSUMER_ENTRY })).sha256;
    });

    it("runs the example consumer's bundle on Node 22 arm64, timed out by consumerTimeoutSeconds, with the table's name", async () => {
      const fn = named(harness(), "aws:lambda/function:Function", functionName);
      const role = named(harness(), "aws:iam/role:Role", `${e.prefix}-consumer-role`);
      expect(fn.inputs).toMatchObject({
        name: functionName,
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        memorySize: 512,
        timeout: e.timeoutSeconds,
        role: role.state.arn,
        loggingConfig: { logFormat: "Text", logGroup: logGroupName },
        tags: e.tags,
      });
      expect(fn.inputs.environment).toEqual({ variables: { IDEMPOTENCY_TABLE: tableName } });
      const assets = await fn.inputs.code.assets;
      expect(Object.keys(assets)).toEqual(["index.js"]);
      const code: string = await assets["index.js"].text;
      expect(createHash("sha256").update(code).digest("hex")).toBe(exampleSha256);
    });

    it("is triggered by this queue with ReportBatchItemFailures, its batch size and maximum concurrency", () => {
      const mappings = ofType(harness(), "aws:lambda/eventSourceMapping:EventSourceMapping");
      expect(mappings.map((m) => m.name)).toEqual([`${e.prefix}-consumer-trigger`]);
      expect(mappings[0].inputs).toEqual({
        eventSourceArn: queueArn,
        functionName: functionArn,
        batchSize: e.batchSize,
        // Lambda has no batching window for FIFO sources: not sent at all.
        ...(e.fifo ? {} : { maximumBatchingWindowInSeconds: 0 }),
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: e.maxConcurrency },
        tags: e.tags,
      });
    });

    it("keeps idempotency records in an on-demand, encrypted table keyed on id (S) with TTL on expiration", () => {
      const table = named(harness(), "aws:dynamodb/table:Table", `${e.prefix}-idempotency`);
      expect(table.inputs).toEqual({
        name: tableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "id",
        attributes: [{ name: "id", type: "S" }],
        ttl: { attributeName: "expiration", enabled: true },
        serverSideEncryption: { enabled: true },
        tags: e.tags,
      });
    });

    it("grants its own role the queue and table actions on exactly their ARNs and its own log streams (no *)", () => {
      const role = named(harness(), "aws:iam/role:Role", `${e.prefix}-consumer-role`);
      expect(role.inputs.name).toBe(functionName);
      expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).toEqual([
        {
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ]);
      const policies = ofType(harness(), "aws:iam/rolePolicy:RolePolicy").filter(
        (p) => p.inputs.role === role.id,
      );
      expect(policies.map((p) => p.name)).toEqual([`${e.prefix}-consumer-policy`]);
      expect(JSON.parse(policies[0].inputs.policy)).toEqual({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ConsumeQueue",
            Effect: "Allow",
            Action: [
              "sqs:ReceiveMessage",
              "sqs:DeleteMessage",
              "sqs:ChangeMessageVisibility",
              "sqs:GetQueueAttributes",
            ],
            Resource: queueArn,
          },
          {
            Sid: "IdempotencyRecords",
            Effect: "Allow",
            Action: [
              "dynamodb:GetItem",
              "dynamodb:PutItem",
              "dynamodb:UpdateItem",
              "dynamodb:DeleteItem",
            ],
            Resource: tableArn,
          },
          {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${logGroupArn}:*`,
          },
        ],
      });
    });

    it("keeps the queue's visibility timeout at 6 × the consumer's timeout, and its logs for the stack's retention", () => {
      const queue = named(harness(), "aws:sqs/queue:Queue", `${e.prefix}-queue`);
      expect(queue.inputs.visibilityTimeoutSeconds).toBe(6 * e.timeoutSeconds);
      expect(
        named(harness(), "aws:cloudwatch/logGroup:LogGroup", `${e.prefix}-consumer-logs`).inputs,
      ).toEqual({ name: logGroupName, retentionInDays: e.logRetentionDays, tags: e.tags });
    });

    it("alarms on its errors, its failed records and the age of the queue's oldest message", () => {
      const filter = named(
        harness(),
        "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        `${e.prefix}-consumer-failed-records`,
      );
      expect(filter.inputs).toEqual({
        logGroupName,
        pattern:
          '{ $.msg = "polar-event" && ($.outcome = "handler_failed" || ' +
          '$.outcome = "idempotency_failed" || $.outcome = "malformed") }',
        metricTransformation: {
          namespace: "PolarWebhooks",
          name: `${e.prefix}-consumer-failed-records`,
          value: "1",
          unit: "Count",
        },
      });
      const actions = e.alarmTopicArn ? [e.alarmTopicArn] : [];
      const alarm = (suffix: string) => {
        const { inputs } = named(
          harness(),
          "aws:cloudwatch/metricAlarm:MetricAlarm",
          `${e.prefix}-${suffix}`,
        );
        expect([suffix, inputs.alarmActions, inputs.okActions]).toEqual([suffix, actions, actions]);
        expect(inputs).toMatchObject({ comparisonOperator: "GreaterThanThreshold", period: 300 });
        return [
          inputs.namespace,
          inputs.metricName,
          inputs.dimensions,
          inputs.statistic,
          inputs.threshold,
        ];
      };
      expect(alarm("consumer-errors")).toEqual([
        "AWS/Lambda",
        "Errors",
        { FunctionName: functionName },
        "Sum",
        0,
      ]);
      expect(alarm("consumer-failed-records")).toEqual([
        "PolarWebhooks",
        `${e.prefix}-consumer-failed-records`,
        undefined,
        "Sum",
        0,
      ]);
      expect(alarm("oldest-message-age")).toEqual([
        "AWS/SQS",
        "ApproximateAgeOfOldestMessage",
        { QueueName: queueName },
        "Maximum",
        e.lagAlarmSeconds,
      ]);
    });
  });
}
