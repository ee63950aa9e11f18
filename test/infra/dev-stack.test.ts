// The dev example stack (Polar sandbox, standard queue, no alarm email) under Pulumi mocks: the whole resource
// graph the program declares, asserted input by input.
import { beforeAll, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  API_ENDPOINT,
  ENDPOINT_TYPE,
  EXECUTION_ARN,
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

const STACK = "dev";
const PREFIX = "polar-webhooks-dev";
const QUEUE_NAME = `${PREFIX}-queue`;
const DLQ_NAME = `${PREFIX}-dlq`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${QUEUE_NAME}`;
const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${DLQ_NAME}`;
const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${QUEUE_NAME}`;
const DLQ_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${DLQ_NAME}`;
const FUNCTION_NAME = `${PREFIX}-receiver`;
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION_NAME}`;
const PARAMETER_NAME = `/${PREFIX}/webhook-secrets`;
const PARAMETER_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${PARAMETER_NAME}`;
const FUNCTION_LOG_GROUP = `/aws/lambda/${FUNCTION_NAME}`;
const ACCESS_LOG_GROUP = `/aws/apigateway/${PREFIX}`;
const WEBHOOK_URL = `${API_ENDPOINT}/polar/webhooks`;
const DEV_EVENTS = [
  "checkout.updated",
  "order.created",
  "order.paid",
  "order.refunded",
  "subscription.active",
  "subscription.canceled",
  "subscription.revoked",
  "subscription.updated",
  "customer.state_changed",
];
const TAGS = { environment: "dev", owner: "platform", project: "polar-webhooks", stack: "dev" };

let harness: Harness;
let program: typeof import("../../infra/index");
let ingressModule: typeof import("../../infra/ingress");

beforeAll(async () => {
  // Prepare: mocks and config first, the program after (it reads both while it is being imported).
  harness = await installMocks(STACK, readStackFile(STACK));
  program = await import("../../infra/index.js");
  ingressModule = await import("../../infra/ingress.js");
  await valueOf(program.webhookUrl);
  await settle();
});

describe("Program: dev stack (Polar sandbox)", () => {
  it("exports exactly the ten stack outputs, resolved", async () => {
    expect(Object.keys(program).sort()).toEqual([
      "consumerFunctionName",
      "dashboardUrl",
      "deadLetterQueueUrl",
      "endpointId",
      "idempotencyTableName",
      "queueArn",
      "queueUrl",
      "secretParameterName",
      "secretRotatedAt",
      "webhookUrl",
    ]);
    expect(await valueOf(program.webhookUrl)).toBe(WEBHOOK_URL);
    expect(await valueOf(program.endpointId)).toBe(one(harness, ENDPOINT_TYPE).id);
    expect(await valueOf(program.queueUrl)).toBe(QUEUE_URL);
    expect(await valueOf(program.queueArn)).toBe(QUEUE_ARN);
    expect(await valueOf(program.deadLetterQueueUrl)).toBe(DLQ_URL);
    expect(await valueOf(program.secretParameterName)).toBe(PARAMETER_NAME);
    expect(await valueOf(program.consumerFunctionName!)).toBe(`${PREFIX}-consumer`);
    expect(await valueOf(program.idempotencyTableName!)).toBe(`${PREFIX}-idempotency`);
    expect(await valueOf(program.dashboardUrl)).toBe(
      `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#dashboards:name=${PREFIX}`,
    );
    // Never rotated.
    expect(await valueOf(program.secretRotatedAt)).toBeUndefined();
  });

  it("declares exactly these resources and calls no provider functions", () => {
    const counts: Record<string, number> = {};
    for (const r of harness.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).toEqual({
      "polar-webhooks:index:PolarWebhookIngress": 1,
      "aws:sqs/queue:Queue": 2,
      "aws:sqs/redrivePolicy:RedrivePolicy": 1,
      "aws:ssm/parameter:Parameter": 1,
      "aws:iam/role:Role": 2,
      "aws:iam/rolePolicy:RolePolicy": 3,
      "aws:cloudwatch/logGroup:LogGroup": 3,
      "aws:lambda/function:Function": 2,
      "aws:lambda/eventSourceMapping:EventSourceMapping": 1,
      "aws:dynamodb/table:Table": 1,
      "aws:cloudwatch/dashboard:Dashboard": 1,
      "aws:apigatewayv2/api:Api": 1,
      "aws:apigatewayv2/integration:Integration": 1,
      "aws:apigatewayv2/route:Route": 1,
      "aws:apigatewayv2/stage:Stage": 1,
      "aws:lambda/permission:Permission": 1,
      "aws:cloudwatch/logMetricFilter:LogMetricFilter": 4,
      "aws:cloudwatch/metricAlarm:MetricAlarm": 8,
      [ENDPOINT_TYPE]: 1,
    });
    expect(harness.invokes).toEqual([]);
  });

  it("routes POST <path> through an AWS_PROXY 2.0 integration to this Lambda", () => {
    const api = one(harness, "aws:apigatewayv2/api:Api");
    const route = one(harness, "aws:apigatewayv2/route:Route");
    const integration = one(harness, "aws:apigatewayv2/integration:Integration");
    expect(api.inputs.protocolType).toBe("HTTP");
    expect(route.inputs).toMatchObject({ apiId: api.id, routeKey: "POST /polar/webhooks" });
    expect(route.inputs.target).toBe(`integrations/${integration.id}`);
    expect(integration.inputs).toMatchObject({
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationMethod: "POST",
      payloadFormatVersion: "2.0",
      integrationUri: FUNCTION_ARN,
    });
    const permission = one(harness, "aws:lambda/permission:Permission");
    expect(permission.inputs).toEqual({
      action: "lambda:InvokeFunction",
      function: FUNCTION_NAME,
      principal: "apigateway.amazonaws.com",
      sourceArn: `${EXECUTION_ARN}/*/POST/polar/webhooks`,
    });
  });

  it("deploys a throttled, access-logged $default stage", () => {
    const stage = one(harness, "aws:apigatewayv2/stage:Stage");
    const accessLogs = named(harness, "aws:cloudwatch/logGroup:LogGroup", `${PREFIX}-access-logs`);
    expect(stage.inputs).toMatchObject({
      apiId: one(harness, "aws:apigatewayv2/api:Api").id,
      name: "$default",
      autoDeploy: true,
      defaultRouteSettings: { throttlingRateLimit: 50, throttlingBurstLimit: 100 },
      accessLogSettings: {
        destinationArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${ACCESS_LOG_GROUP}`,
      },
    });
    expect(accessLogs.inputs).toMatchObject({ name: ACCESS_LOG_GROUP, retentionInDays: 14 });
    // JSON once API Gateway substitutes the (numeric, unquoted) status.
    const format: string = stage.inputs.accessLogSettings.format;
    expect(format).toBe(ingressModule.ACCESS_LOG_FORMAT);
    const line = JSON.parse(format.replace("$context.status", "403"));
    expect(line.status).toBe(403);
    expect(line).toMatchObject({ requestId: "$context.requestId", routeKey: "$context.routeKey" });
  });

  it("runs the receiver bundle on Node 22 arm64 with the queue URL and the parameter name, never the secret", async () => {
    const fn = named(harness, "aws:lambda/function:Function", FUNCTION_NAME);
    const role = named(harness, "aws:iam/role:Role", `${PREFIX}-role`);
    expect(fn.inputs).toMatchObject({
      name: FUNCTION_NAME,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      memorySize: 512,
      timeout: 10,
      role: role.state.arn,
      loggingConfig: { logFormat: "Text", logGroup: FUNCTION_LOG_GROUP },
    });
    expect(fn.inputs.reservedConcurrentExecutions).toBeUndefined();
    expect(fn.inputs.environment).toEqual({
      variables: { QUEUE_URL: QUEUE_URL, WEBHOOK_SECRET_PARAMETER: PARAMETER_NAME },
    });
    expect(JSON.stringify(fn.inputs)).not.toContain("whsec_");
    for (const secret of harness.secrets.values()) {
      expect(JSON.stringify(fn.inputs)).not.toContain(secret);
    }
    // The code archive holds the esbuild bundle of lambda/handler.ts as index.js.
    const assets = await fn.inputs.code.assets;
    expect(Object.keys(assets)).toEqual(["index.js"]);
    const code: string = await assets["index.js"].text;
    expect(code.length).toBeGreaterThan(10_000);
    expect(code).toContain("WEBHOOK_SECRET_PARAMETER");
    expect(
      named(harness, "aws:cloudwatch/logGroup:LogGroup", `${PREFIX}-receiver-logs`).inputs,
    ).toMatchObject({
      name: FUNCTION_LOG_GROUP,
      retentionInDays: 14,
    });
  });

  it("scopes every IAM statement to this component's ARNs (no * resource)", () => {
    const role = named(harness, "aws:iam/role:Role", `${PREFIX}-role`);
    expect(JSON.parse(role.inputs.assumeRolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    });
    const policies = ofType(harness, "aws:iam/rolePolicy:RolePolicy");
    const receiverPolicies = policies.filter((p) => p.inputs.role === role.id);
    expect(receiverPolicies.map((p) => p.name).sort()).toEqual([
      `${PREFIX}-policy`,
      `${PREFIX}-secrets-policy`,
    ]);
    const byName = Object.fromEntries(
      receiverPolicies.map((p) => [p.name, JSON.parse(p.inputs.policy)]),
    );
    expect(byName).toEqual({
      [`${PREFIX}-policy`]: {
        Version: "2012-10-17",
        Statement: [
          { Sid: "Enqueue", Effect: "Allow", Action: "sqs:SendMessage", Resource: QUEUE_ARN },
          {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${FUNCTION_LOG_GROUP}:*`,
          },
        ],
      },
      // The AWS-managed alias/aws/ssm key needs no kms:Decrypt grant.
      [`${PREFIX}-secrets-policy`]: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ReadSigningSecrets",
            Effect: "Allow",
            Action: "ssm:GetParameter",
            Resource: PARAMETER_ARN,
          },
        ],
      },
    });
    const resources = policies.flatMap((p) =>
      JSON.parse(p.inputs.policy).Statement.flatMap(
        (s: { Resource: string | string[] }) => s.Resource,
      ),
    );
    expect(resources.filter((r: string) => r === "*" || !r.startsWith("arn:aws:"))).toEqual([]);
  });

  it("encrypts a standard queue and its DLQ, with a numeric maxReceiveCount", () => {
    const queue = named(harness, "aws:sqs/queue:Queue", `${PREFIX}-queue`);
    const dlq = named(harness, "aws:sqs/queue:Queue", `${PREFIX}-dlq`);
    expect(queue.inputs).toEqual({
      name: QUEUE_NAME,
      sqsManagedSseEnabled: true,
      maxMessageSize: 1_048_576,
      messageRetentionSeconds: 1_209_600,
      visibilityTimeoutSeconds: 180, // 6 × consumerTimeoutSeconds 30
      receiveWaitTimeSeconds: 20,
      tags: TAGS,
    });
    expect(dlq.inputs).toMatchObject({
      name: DLQ_NAME,
      sqsManagedSseEnabled: true,
      maxMessageSize: 1_048_576,
      messageRetentionSeconds: 1_209_600,
    });
    expect(dlq.inputs.fifoQueue).toBeUndefined();
    expect(JSON.parse(dlq.inputs.redriveAllowPolicy)).toEqual({
      redrivePermission: "byQueue",
      sourceQueueArns: [QUEUE_ARN],
    });
    const redrive = one(harness, "aws:sqs/redrivePolicy:RedrivePolicy");
    expect(redrive.inputs.queueUrl).toBe(QUEUE_URL);
    const policy = JSON.parse(redrive.inputs.redrivePolicy);
    expect(policy).toEqual({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 5 });
    expect(typeof policy.maxReceiveCount).toBe("number");
  });

  it("points the Polar endpoint at the API URL + path with the configured events", () => {
    const endpoint = one(harness, ENDPOINT_TYPE);
    expect(endpoint.name).toBe(`${PREFIX}-endpoint`);
    expect(endpoint.inputs).toMatchObject({
      url: WEBHOOK_URL,
      events: DEV_EVENTS,
      format: "raw",
      name: PREFIX,
    });
    expect(endpoint.inputs.adoptId).toBeUndefined();
    expect(endpoint.inputs.secretRotation).toBeUndefined();
    expect(endpoint.inputs.organizationId).toBeUndefined();
    expect(typeof endpoint.inputs.__provider).toBe("string");
  });

  it("stores the endpoint's secret as a secret SecureString {current, previous, previousExpiresAt}", () => {
    const parameter = one(harness, "aws:ssm/parameter:Parameter");
    expect(parameter.inputs).toMatchObject({
      name: PARAMETER_NAME,
      type: "SecureString",
      tags: TAGS,
    });
    expect(parameter.inputs.keyId).toBeUndefined();
    expect(isSecretWrapper(parameter.inputs.value)).toBe(true);
    const stored = JSON.parse((parameter.inputs.value as { value: string }).value);
    expect(stored).toEqual({
      current: harness.secrets.get(`${PREFIX}-endpoint`),
      previous: null,
      previousExpiresAt: null,
    });
    expect(stored.current).toMatch(/^whsec_/);
  });

  it("alarms on the DLQ, Lambda errors, API 5xx, a spike of 403s and any API throttling (429), without actions when no email is set", () => {
    const filter = named(
      harness,
      "aws:cloudwatch/logMetricFilter:LogMetricFilter",
      `${PREFIX}-forbidden`,
    );
    expect(filter.inputs).toEqual({
      logGroupName: ACCESS_LOG_GROUP,
      pattern: "{ $.status = 403 }",
      metricTransformation: {
        namespace: "PolarWebhooks",
        name: `${PREFIX}-forbidden`,
        value: "1",
        unit: "Count",
      },
    });
    expect(
      named(harness, "aws:cloudwatch/logMetricFilter:LogMetricFilter", `${PREFIX}-throttled`)
        .inputs,
    ).toEqual({
      logGroupName: ACCESS_LOG_GROUP,
      pattern: "{ $.status = 429 }",
      metricTransformation: {
        namespace: "PolarWebhooks",
        name: `${PREFIX}-throttled`,
        value: "1",
        unit: "Count",
      },
    });
    // The consumer's alarms: test/infra/consumer-graph.ts.
    const receiverAlarms = [
      "dlq-not-empty",
      "receiver-errors",
      "api-5xx",
      "forbidden-spike",
      "api-throttled",
    ];
    const alarms = Object.fromEntries(
      ofType(harness, "aws:cloudwatch/metricAlarm:MetricAlarm")
        .filter((a) => receiverAlarms.includes(a.name.slice(PREFIX.length + 1)))
        .map((a) => [
          a.name,
          {
            namespace: a.inputs.namespace,
            metricName: a.inputs.metricName,
            dimensions: a.inputs.dimensions,
            statistic: a.inputs.statistic,
            comparisonOperator: a.inputs.comparisonOperator,
            threshold: a.inputs.threshold,
            period: a.inputs.period,
            alarmActions: a.inputs.alarmActions,
            okActions: a.inputs.okActions,
          },
        ]),
    );
    const common = {
      comparisonOperator: "GreaterThanThreshold",
      period: 300,
      alarmActions: [],
      okActions: [],
    };
    expect(alarms).toEqual({
      [`${PREFIX}-dlq-not-empty`]: {
        ...common,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: DLQ_NAME },
        statistic: "Maximum",
        threshold: 0,
      },
      [`${PREFIX}-receiver-errors`]: {
        ...common,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: FUNCTION_NAME },
        statistic: "Sum",
        threshold: 0,
      },
      [`${PREFIX}-api-5xx`]: {
        ...common,
        namespace: "AWS/ApiGateway",
        metricName: "5xx",
        dimensions: { ApiId: one(harness, "aws:apigatewayv2/api:Api").id, Stage: "$default" },
        statistic: "Sum",
        threshold: 0,
      },
      [`${PREFIX}-forbidden-spike`]: {
        ...common,
        namespace: "PolarWebhooks",
        metricName: `${PREFIX}-forbidden`,
        dimensions: undefined,
        statistic: "Sum",
        threshold: 10,
      },
      [`${PREFIX}-api-throttled`]: {
        ...common,
        namespace: "PolarWebhooks",
        metricName: `${PREFIX}-throttled`,
        dimensions: undefined,
        statistic: "Sum",
        threshold: 0,
      },
    });
    expect(ofType(harness, "aws:sns/topic:Topic")).toEqual([]);
  });

  it("tags every taggable AWS resource with project, stack and the config tags", () => {
    const aws = harness.resources.filter((r) => r.type.startsWith("aws:"));
    const tagged = aws.filter((r) =>
      (ingressModule.TAGGED_RESOURCE_TYPES as readonly string[]).includes(r.type),
    );
    // Every other AWS type here is a sub-resource that has no tags argument in @pulumi/aws.
    expect([...new Set(aws.filter((r) => !tagged.includes(r)).map((r) => r.type))].sort()).toEqual([
      "aws:apigatewayv2/integration:Integration",
      "aws:apigatewayv2/route:Route",
      "aws:cloudwatch/dashboard:Dashboard",
      "aws:cloudwatch/logMetricFilter:LogMetricFilter",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:lambda/permission:Permission",
      "aws:sqs/redrivePolicy:RedrivePolicy",
    ]);
    expect(tagged.length).toBe(22);
    for (const resource of tagged) {
      expect({ name: resource.name, tags: resource.inputs.tags }).toEqual({
        name: resource.name,
        tags: TAGS,
      });
    }
  });

  it("keeps every resource's URN (type, name and parent), so existing stacks see no replacement", () => {
    expect(harness.urns()).toEqual(
      expectedUrns(STACK, { alarmEmail: false, consumer: true, endpoints: [] }),
    );
    // The endpoint the program declared itself before the component made it: the same resource.
    expect(harness.aliases.get(`${ENDPOINT_TYPE}::${PREFIX}-endpoint`)).toEqual([
      endpointAlias(STACK),
    ]);
  });
});

describeConsumerGraph(() => harness, {
  prefix: PREFIX,
  fifo: false,
  timeoutSeconds: 30,
  logRetentionDays: 14,
  batchSize: 10,
  maxConcurrency: 10,
  lagAlarmSeconds: 900,
  tags: TAGS,
});
describeDashboard(() => harness, { prefix: PREFIX, consumer: true });
