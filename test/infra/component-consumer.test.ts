// PolarWebhookIngress with a consumer given as prebuilt code and every setting away from its default, on a standard
// queue (the example stacks use the defaults, and prod a FIFO queue): each setting reaches its resource.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT, installMocks, named, REGION, settle, valueOf, type Harness } from "./support";

const CODE = "exports.handler = async () => ({ batchItemFailures: [] });";
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:hooks-alarms-physical`;

let harness: Harness;
let outputs: { consumerFunctionName: string; idempotencyTableName: string; dashboardUrl: string };

beforeAll(async () => {
  // Prepare
  harness = await installMocks("component-consumer", {});
  const { PolarWebhookIngress } = await import("../../infra/ingress.js");
  // Act
  const ingress = new PolarWebhookIngress("hooks", {
    signingSecrets: { current: "whsec_current" },
    code: new pulumi.asset.AssetArchive({}),
    consumerTimeoutSeconds: 120,
    alarmEmail: "ops@example.com",
    tags: { team: "billing" },
    consumer: {
      code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(CODE) }),
      memorySize: 1024,
      batchSize: 100,
      batchingWindowSeconds: 5,
      maxConcurrency: 50,
      lagAlarmSeconds: 300,
    },
  });
  outputs = {
    consumerFunctionName: await valueOf(ingress.consumer!.function.name),
    idempotencyTableName: await valueOf(ingress.consumer!.idempotencyTable.name),
    dashboardUrl: await valueOf(ingress.dashboardUrl),
  };
  await settle();
});

describe("Class: PolarWebhookIngress with a consumer", () => {
  it("deploys the given code with the given memory and consumerTimeoutSeconds as its timeout", async () => {
    const fn = named(harness, "aws:lambda/function:Function", "hooks-consumer");
    expect(fn.inputs).toMatchObject({
      name: "hooks-consumer",
      handler: "index.handler",
      memorySize: 1024,
      timeout: 120,
      tags: { team: "billing" },
    });
    const assets = await fn.inputs.code.assets;
    expect(await assets["index.js"].text).toBe(CODE);
    expect(outputs.consumerFunctionName).toBe("hooks-consumer");
    expect(outputs.idempotencyTableName).toBe("hooks-idempotency");
  });

  it("makes the queue's visibility timeout 6 × the consumer's timeout", () => {
    expect(
      named(harness, "aws:sqs/queue:Queue", "hooks-queue").inputs.visibilityTimeoutSeconds,
    ).toBe(720);
  });

  it("batches up to 100 records within 5 s and at most 50 concurrent invocations", () => {
    expect(
      named(harness, "aws:lambda/eventSourceMapping:EventSourceMapping", "hooks-consumer-trigger")
        .inputs,
    ).toEqual({
      eventSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:hooks-queue`,
      functionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:hooks-consumer`,
      batchSize: 100,
      maximumBatchingWindowInSeconds: 5,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: 50 },
      tags: { team: "billing" },
    });
  });

  it("raises the lag alarm after 300 s and mails the consumer's alarms through the topic", () => {
    for (const suffix of ["consumer-errors", "consumer-failed-records", "oldest-message-age"]) {
      const alarm = named(harness, "aws:cloudwatch/metricAlarm:MetricAlarm", `hooks-${suffix}`);
      expect([suffix, alarm.inputs.alarmActions, alarm.inputs.okActions]).toEqual([
        suffix,
        [TOPIC_ARN],
        [TOPIC_ARN],
      ]);
    }
    const lag = named(
      harness,
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "hooks-oldest-message-age",
    );
    expect(lag.inputs.threshold).toBe(300);
    expect(lag.inputs.alarmDescription).toBe(
      "A Polar event has waited in the queue for over 300 s: the consumer is down, throttled, or failing it again and again",
    );
  });

  it("shows the consumer on the dashboard", () => {
    const body = JSON.parse(
      named(harness, "aws:cloudwatch/dashboard:Dashboard", "hooks-dashboard").inputs.dashboardBody,
    );
    expect(body.widgets.at(-1).properties).toMatchObject({
      title: "Consumer errors",
      metrics: [
        ["AWS/Lambda", "Errors", "FunctionName", "hooks-consumer", { stat: "Sum" }],
        ["PolarWebhooks", "hooks-consumer-failed-records", { stat: "Sum" }],
      ],
    });
    expect(outputs.dashboardUrl).toContain("#dashboards:name=hooks");
  });
});
