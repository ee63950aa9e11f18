// PolarWebhookIngress used on its own (as another program would), with the options the example stacks leave at
// their defaults: a customer-managed KMS key, a custom path, explicit code, plain (non-secret) signing secrets, and
// no consumer.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { dashboardUrl, regionOfArn } from "../../infra/ingress/dashboard";
import { describeDashboard } from "./dashboard-graph";
import {
  ACCOUNT,
  API_ENDPOINT,
  EXECUTION_ARN,
  installMocks,
  isSecretWrapper,
  named,
  ofType,
  one,
  REGION,
  settle,
  valueOf,
  type Harness,
} from "./support";

const KMS_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const PARAMETER_NAME = "/custom/webhook-secrets";
const PARAMETER_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${PARAMETER_NAME}`;

let harness: Harness;
let url: string;
let consoleUrl: string;
let consumer: unknown;

beforeAll(async () => {
  // Prepare
  harness = await installMocks("component", {});
  const { PolarWebhookIngress } = await import("../../infra/ingress.js");
  // Act
  const ingress = new PolarWebhookIngress("hooks", {
    // Plain strings on purpose: the component must make the parameter value secret by itself.
    signingSecrets: { current: "whsec_current", previous: "whsec_previous" },
    path: "/v1/polar",
    secretParameterName: PARAMETER_NAME,
    secretKmsKeyArn: KMS_KEY_ARN,
    code: new pulumi.asset.AssetArchive({
      "index.js": new pulumi.asset.StringAsset(
        "exports.handler = async () => ({ statusCode: 202 });",
      ),
    }),
    memorySize: 1024,
    timeoutSeconds: 5,
    maxReceiveCount: 3,
    throttlingRateLimit: 5,
    throttlingBurstLimit: 10,
    forbiddenAlarmThreshold: 50,
  });
  url = await valueOf(ingress.url);
  consoleUrl = await valueOf(ingress.dashboardUrl);
  consumer = ingress.consumer;
  expect(await pulumi.isSecret(ingress.secretParameter.value)).toBe(true);
  await settle();
});

describe("Class: PolarWebhookIngress", () => {
  it("serves the custom path and lets only that route invoke the function", () => {
    expect(url).toBe(`${API_ENDPOINT}/v1/polar`);
    expect(one(harness, "aws:apigatewayv2/route:Route").inputs.routeKey).toBe("POST /v1/polar");
    expect(one(harness, "aws:lambda/permission:Permission").inputs.sourceArn).toBe(
      `${EXECUTION_ARN}/*/POST/v1/polar`,
    );
  });

  it("encrypts the parameter with the given key and grants kms:Decrypt for this parameter only", () => {
    const parameter = one(harness, "aws:ssm/parameter:Parameter");
    expect(parameter.inputs).toMatchObject({
      name: PARAMETER_NAME,
      type: "SecureString",
      keyId: KMS_KEY_ARN,
    });
    expect(isSecretWrapper(parameter.inputs.value)).toBe(true);
    expect(JSON.parse((parameter.inputs.value as { value: string }).value)).toEqual({
      current: "whsec_current",
      previous: "whsec_previous",
      // The component's caller gave no expiry: the receiver keeps accepting previous.
      previousExpiresAt: null,
    });
    const policy = JSON.parse(
      named(harness, "aws:iam/rolePolicy:RolePolicy", "hooks-secrets-policy").inputs.policy,
    );
    expect(policy).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadSigningSecrets",
          Effect: "Allow",
          Action: "ssm:GetParameter",
          Resource: PARAMETER_ARN,
        },
        {
          Sid: "DecryptSigningSecrets",
          Effect: "Allow",
          Action: "kms:Decrypt",
          Resource: KMS_KEY_ARN,
          Condition: { StringEquals: { "kms:EncryptionContext:PARAMETER_ARN": PARAMETER_ARN } },
        },
      ],
    });
  });

  it("passes the explicit code, sizing, redrive count, throttling and 403 threshold through", async () => {
    const fn = one(harness, "aws:lambda/function:Function");
    expect(fn.inputs).toMatchObject({ name: "hooks-receiver", memorySize: 1024, timeout: 5 });
    const assets = await fn.inputs.code.assets;
    expect(await assets["index.js"].text).toBe(
      "exports.handler = async () => ({ statusCode: 202 });",
    );
    expect(fn.inputs.environment.variables.WEBHOOK_SECRET_PARAMETER).toBe(PARAMETER_NAME);
    expect(
      JSON.parse(one(harness, "aws:sqs/redrivePolicy:RedrivePolicy").inputs.redrivePolicy),
    ).toEqual({
      deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:hooks-dlq`,
      maxReceiveCount: 3,
    });
    expect(one(harness, "aws:apigatewayv2/stage:Stage").inputs.defaultRouteSettings).toEqual({
      throttlingRateLimit: 5,
      throttlingBurstLimit: 10,
    });
    expect(
      named(harness, "aws:cloudwatch/metricAlarm:MetricAlarm", "hooks-forbidden-spike").inputs
        .threshold,
    ).toBe(50);
  });

  it("declares no consumer, idempotency table, trigger or consumer alarm without [consumer]", () => {
    expect(consumer).toBeUndefined();
    expect(ofType(harness, "aws:dynamodb/table:Table")).toEqual([]);
    expect(ofType(harness, "aws:lambda/eventSourceMapping:EventSourceMapping")).toEqual([]);
    expect(ofType(harness, "aws:lambda/function:Function").map((f) => f.name)).toEqual([
      "hooks-receiver",
    ]);
    expect(ofType(harness, "aws:iam/role:Role").map((r) => r.name)).toEqual(["hooks-role"]);
    expect(
      ofType(harness, "aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((a) => a.name)
        .sort(),
    ).toEqual([
      "hooks-api-5xx",
      "hooks-api-throttled",
      "hooks-dlq-not-empty",
      "hooks-forbidden-spike",
      "hooks-receiver-errors",
    ]);
    expect(
      ofType(harness, "aws:cloudwatch/logMetricFilter:LogMetricFilter")
        .map((f) => f.name)
        .sort(),
    ).toEqual(["hooks-enqueue-failures", "hooks-forbidden", "hooks-throttled"]);
  });

  it("links its dashboard in the console of the queue's region", () => {
    expect(consoleUrl).toBe(
      `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards:name=hooks`,
    );
  });

  it("leaves tags empty when none are given", () => {
    expect(one(harness, "aws:lambda/function:Function").inputs.tags).toEqual({});
    expect(one(harness, "aws:ssm/parameter:Parameter").inputs.tags).toEqual({});
  });
});

describeDashboard(() => harness, { prefix: "hooks", consumer: false });

describe("Function: regionOfArn", () => {
  it("reads the region of an ARN and refuses a string without one", () => {
    expect(regionOfArn("arn:aws:sqs:us-east-2:123456789012:q")).toBe("us-east-2");
    expect(() => regionOfArn("not-an-arn")).toThrowError("no region in ARN not-an-arn");
  });
});

describe("Function: dashboardUrl", () => {
  it("puts the region in the host and the query, and the encoded name in the fragment", () => {
    expect(dashboardUrl("ap-south-1", "a b")).toBe(
      "https://ap-south-1.console.aws.amazon.com/cloudwatch/home?region=ap-south-1#dashboards:name=a%20b",
    );
  });
});
