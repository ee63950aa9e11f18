// The prod example stack (Polar production, FIFO queue, reserved concurrency, alarm email) under Pulumi mocks,
// plus one notification endpoint added to its config to cover `extraEndpoints`.
import { beforeAll, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  API_ENDPOINT,
  ENDPOINT_TYPE,
  installMocks,
  isSecretWrapper,
  named,
  ofType,
  one,
  readStackFile,
  REGION,
  settle,
  valueOf,
  type Harness,
} from "./support";
import { describeConsumerGraph } from "./consumer-graph";
import { describeDashboard } from "./dashboard-graph";
import { endpointAlias, expectedUrns } from "./urns";

const STACK = "prod";
const PREFIX = "polar-webhooks-prod";
const QUEUE_NAME = `${PREFIX}-queue.fifo`;
const DLQ_NAME = `${PREFIX}-dlq.fifo`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${QUEUE_NAME}`;
const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${DLQ_NAME}`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:${PREFIX}-alarms-physical`;
const DISCORD_URL = "https://discord.com/api/webhooks/123456789/token-abc";
const TAGS = {
  environment: "prod",
  owner: "platform",
  "cost-center": "billing",
  project: "polar-webhooks",
  stack: "prod",
};

let harness: Harness;
let program: typeof import("../../infra/index");
const warnings: string[] = [];

beforeAll(async () => {
  // Prepare: the example file as is, plus the token and a Discord notification endpoint, set with --secret.
  const config = {
    ...readStackFile(STACK),
    "polar:accessToken": "polar_oat_prodToken",
    "polar-webhooks:extraEndpoints": [
      { name: "discord-orders", url: DISCORD_URL, events: ["order.paid"] },
    ],
  };
  harness = await installMocks(STACK, config, [
    "polar:accessToken",
    "polar-webhooks:extraEndpoints",
  ]);
  const pulumi = await import("@pulumi/pulumi");
  const originalWarn = pulumi.log.warn;
  pulumi.log.warn = (message: string) => {
    warnings.push(message);
    return originalWarn(message);
  };
  program = await import("../../infra/index.js");
  await valueOf(program.webhookUrl);
  await settle();
});

describe("Program: prod stack (Polar production)", () => {
  it("reads polar:server=production without a stack-name warning", () => {
    expect(warnings).toEqual([]);
  });

  it("uses a FIFO queue with a FIFO DLQ, visibility 6 × 60 s, SSE on both", async () => {
    const queue = named(harness, "aws:sqs/queue:Queue", `${PREFIX}-queue`);
    const dlq = named(harness, "aws:sqs/queue:Queue", `${PREFIX}-dlq`);
    expect(queue.inputs).toEqual({
      name: QUEUE_NAME,
      fifoQueue: true,
      contentBasedDeduplication: false,
      deduplicationScope: "messageGroup",
      fifoThroughputLimit: "perMessageGroupId",
      sqsManagedSseEnabled: true,
      maxMessageSize: 1_048_576,
      messageRetentionSeconds: 1_209_600,
      visibilityTimeoutSeconds: 360,
      receiveWaitTimeSeconds: 20,
      tags: TAGS,
    });
    expect(dlq.inputs).toMatchObject({
      name: DLQ_NAME,
      fifoQueue: true,
      sqsManagedSseEnabled: true,
    });
    const redrive = JSON.parse(
      one(harness, "aws:sqs/redrivePolicy:RedrivePolicy").inputs.redrivePolicy,
    );
    expect(redrive).toEqual({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 5 });
    expect(await valueOf(program.queueArn)).toBe(QUEUE_ARN);
  });

  it("reserves concurrency and keeps logs 90 days", () => {
    const fn = named(harness, "aws:lambda/function:Function", `${PREFIX}-receiver`);
    expect(fn.inputs.reservedConcurrentExecutions).toBe(20);
    // Reserved concurrency is the receiver's; the consumer is bounded by its trigger's maxConcurrency.
    const consumer = named(harness, "aws:lambda/function:Function", `${PREFIX}-consumer`);
    expect(consumer.inputs.reservedConcurrentExecutions).toBeUndefined();
    expect(fn.inputs.environment.variables).toEqual({
      QUEUE_URL: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${QUEUE_NAME}`,
      WEBHOOK_SECRET_PARAMETER: `/${PREFIX}/webhook-secrets`,
    });
    const logGroups = ofType(harness, "aws:cloudwatch/logGroup:LogGroup");
    expect(logGroups.map((g) => [g.inputs.name, g.inputs.retentionInDays]).sort()).toEqual([
      [`/aws/apigateway/${PREFIX}`, 90],
      [`/aws/lambda/${PREFIX}-consumer`, 90],
      [`/aws/lambda/${PREFIX}-receiver`, 90],
    ]);
  });

  it("mails every alarm through one SNS topic", () => {
    const topic = one(harness, "aws:sns/topic:Topic");
    expect(topic.inputs).toEqual({ tags: TAGS });
    expect(one(harness, "aws:sns/topicSubscription:TopicSubscription").inputs).toEqual({
      topic: TOPIC_ARN,
      protocol: "email",
      endpoint: "ops@example.com",
    });
    const alarms = ofType(harness, "aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.map((a) => a.name).sort()).toEqual([
      `${PREFIX}-api-5xx`,
      `${PREFIX}-api-throttled`,
      `${PREFIX}-consumer-errors`,
      `${PREFIX}-consumer-failed-records`,
      `${PREFIX}-dlq-not-empty`,
      `${PREFIX}-forbidden-spike`,
      `${PREFIX}-oldest-message-age`,
      `${PREFIX}-receiver-errors`,
    ]);
    for (const alarm of alarms) {
      expect([alarm.name, alarm.inputs.alarmActions, alarm.inputs.okActions]).toEqual([
        alarm.name,
        [TOPIC_ARN],
        [TOPIC_ARN],
      ]);
    }
    expect(
      named(harness, "aws:cloudwatch/metricAlarm:MetricAlarm", `${PREFIX}-dlq-not-empty`).inputs
        .dimensions,
    ).toEqual({
      QueueName: DLQ_NAME,
    });
  });

  it("declares the main endpoint and the notification endpoint, whose URL stays a secret", () => {
    const endpoints = ofType(harness, ENDPOINT_TYPE);
    expect(endpoints.map((e) => e.name).sort()).toEqual([
      `${PREFIX}-endpoint`,
      "webhook-endpoint-discord-orders",
    ]);
    const main = named(harness, ENDPOINT_TYPE, `${PREFIX}-endpoint`);
    const discord = named(harness, ENDPOINT_TYPE, "webhook-endpoint-discord-orders");
    expect(main.inputs).toMatchObject({
      url: `${API_ENDPOINT}/polar/webhooks`,
      format: "raw",
      name: PREFIX,
    });
    expect(isSecretWrapper(discord.inputs.url)).toBe(true);
    expect((discord.inputs.url as { value: string }).value).toBe(DISCORD_URL);
    expect(discord.inputs.events).toEqual(["order.paid"]);
    // No format: the provider detects "discord" from the URL.
    expect(discord.inputs.format).toBeUndefined();
    expect(discord.inputs.name).toBe(`${PREFIX}-discord-orders`);
    // Only the main endpoint's secret feeds the receiver.
    const parameter = one(harness, "aws:ssm/parameter:Parameter");
    expect(isSecretWrapper(parameter.inputs.value)).toBe(true);
    expect(JSON.parse((parameter.inputs.value as { value: string }).value)).toEqual({
      current: harness.secrets.get(`${PREFIX}-endpoint`),
      previous: null,
      previousExpiresAt: null,
    });
  });

  it("tags every taggable AWS resource, SNS topic included", async () => {
    const { TAGGED_RESOURCE_TYPES } = await import("../../infra/ingress.js");
    const tagged = harness.resources.filter((r) =>
      (TAGGED_RESOURCE_TYPES as readonly string[]).includes(r.type),
    );
    expect(tagged.length).toBe(23);
    for (const resource of tagged) {
      expect({ name: resource.name, tags: resource.inputs.tags }).toEqual({
        name: resource.name,
        tags: TAGS,
      });
    }
    const untaggedTypes = new Set(
      harness.resources
        .filter((r) => r.type.startsWith("aws:") && !tagged.includes(r))
        .map((r) => r.type),
    );
    expect([...untaggedTypes].sort()).toEqual([
      "aws:apigatewayv2/integration:Integration",
      "aws:apigatewayv2/route:Route",
      "aws:cloudwatch/dashboard:Dashboard",
      "aws:cloudwatch/logMetricFilter:LogMetricFilter",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:lambda/permission:Permission",
      "aws:sns/topicSubscription:TopicSubscription",
      "aws:sqs/redrivePolicy:RedrivePolicy",
    ]);
  });

  it("keeps every resource's URN (type, name and parent), so existing stacks see no replacement", () => {
    expect(harness.urns()).toEqual(
      expectedUrns(STACK, {
        alarmEmail: true,
        consumer: true,
        endpoints: ["webhook-endpoint-discord-orders"],
      }),
    );
    expect(harness.aliases.get(`${ENDPOINT_TYPE}::${PREFIX}-endpoint`)).toEqual([
      endpointAlias(STACK),
    ]);
  });
});

describeConsumerGraph(() => harness, {
  prefix: PREFIX,
  fifo: true,
  timeoutSeconds: 60,
  logRetentionDays: 90,
  batchSize: 10,
  maxConcurrency: 20,
  lagAlarmSeconds: 900,
  alarmTopicArn: TOPIC_ARN,
  tags: TAGS,
});
describeDashboard(() => harness, { prefix: PREFIX, consumer: true });
