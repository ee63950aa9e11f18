// Physical names at the boundary: the longest name PolarWebhookIngress accepts gives every child a name within
// AWS's limits (explicit names as registered, auto-named ones as Pulumi's AWS autonaming makes them: the resource
// name, "-" and 7 hex characters); one character more is refused up front, naming [name].
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT, installMocks, REGION, settle, valueOf, type Harness } from "./support";

/** AWS's limits, per resource type: the name field, its maximum length, whether Pulumi auto-names it. */
const LIMITS: Record<string, { field: string; max: number; autonamed: boolean }[]> = {
  "aws:sqs/queue:Queue": [{ field: "name", max: 80, autonamed: false }],
  "aws:iam/role:Role": [{ field: "name", max: 64, autonamed: true }],
  "aws:iam/rolePolicy:RolePolicy": [{ field: "name", max: 128, autonamed: true }],
  "aws:lambda/function:Function": [{ field: "name", max: 64, autonamed: false }],
  "aws:lambda/permission:Permission": [{ field: "statementId", max: 100, autonamed: true }],
  "aws:cloudwatch/logGroup:LogGroup": [{ field: "name", max: 512, autonamed: false }],
  "aws:apigatewayv2/api:Api": [{ field: "name", max: 128, autonamed: true }],
  "aws:apigatewayv2/stage:Stage": [{ field: "name", max: 128, autonamed: false }],
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": [
    { field: "name", max: 512, autonamed: true },
    { field: "metricTransformation.name", max: 255, autonamed: false },
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [{ field: "name", max: 255, autonamed: true }],
  "aws:sns/topic:Topic": [{ field: "name", max: 256, autonamed: true }],
  "aws:dynamodb/table:Table": [{ field: "name", max: 255, autonamed: false }],
  "aws:cloudwatch/dashboard:Dashboard": [{ field: "dashboardName", max: 255, autonamed: false }],
  // SSM counts the parameter's ARN in its 1011 characters; checked below.
  "aws:ssm/parameter:Parameter": [{ field: "name", max: 1011, autonamed: false }],
  "aws:apigatewayv2/integration:Integration": [],
  "aws:apigatewayv2/route:Route": [],
  "aws:sqs/redrivePolicy:RedrivePolicy": [],
  "aws:sns/topicSubscription:TopicSubscription": [],
  "aws:lambda/eventSourceMapping:EventSourceMapping": [],
};

// "<name>-role-" + 7 characters = 64, IAM's limit.
const LONGEST = "a".repeat(51);

function physicalNames(harness: Harness) {
  return harness.resources
    .filter((r) => r.type.startsWith("aws:"))
    .flatMap((r) => {
      const limits = LIMITS[r.type];
      if (!limits) throw new Error(`no AWS name limit listed for ${r.type}`);
      return limits.map(({ field, max, autonamed }) => {
        const given = field.split(".").reduce<any>((value, key) => value?.[key], r.inputs);
        let value: string = given ?? (autonamed ? `${r.name}-0123abc` : undefined);
        if (r.type === "aws:ssm/parameter:Parameter") {
          value = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${value}`;
        }
        return { resource: r.name, field, length: value.length, max };
      });
    });
}

describe("Class: PolarWebhookIngress", () => {
  describe("the longest accepted name", () => {
    let harness: Harness;

    beforeAll(async () => {
      // Prepare
      harness = await installMocks("names", {});
      const { PolarWebhookIngress } = await import("../../infra/ingress.js");
      // Act: every optional child (FIFO queues, the alarm topic, the consumer), so every name is derived.
      const ingress = new PolarWebhookIngress(LONGEST, {
        signingSecrets: { current: "whsec_x" },
        queueKind: "fifo",
        alarmEmail: "ops@example.com",
        code: new pulumi.asset.AssetArchive({}),
        consumer: { code: new pulumi.asset.AssetArchive({}) },
      });
      await valueOf(ingress.url);
      await settle();
    });

    it("gives every AWS child a physical name within AWS's limit", () => {
      // Assess
      const names = physicalNames(harness);
      expect(names).toHaveLength(35);
      expect(names.filter((n) => n.length > n.max)).toEqual([]);
    });

    it("is exactly at the IAM role's limit", () => {
      const role = physicalNames(harness).find((n) => n.resource === `${LONGEST}-role`);
      expect(role).toEqual({ resource: `${LONGEST}-role`, field: "name", length: 64, max: 64 });
    });
  });

  describe("one character more", () => {
    it("is refused before anything is registered, naming [name] and the limit", async () => {
      await installMocks("names-too-long", {});
      const { PolarWebhookIngress, MAX_NAME_LENGTH } = await import("../../infra/ingress.js");
      const name = `${LONGEST}b`;

      expect(MAX_NAME_LENGTH).toBe(51);
      expect(
        () => new PolarWebhookIngress(name, { signingSecrets: { current: "whsec_x" } }),
      ).toThrowError(
        `PolarWebhookIngress ${name}: [name] must be 1-51 letters, digits or "-" ` +
          `(got "${name}": its IAM role name would be 65 characters, AWS allows 64)`,
      );
    });
  });
});
