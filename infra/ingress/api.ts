import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { LogRetentionDays, Tags } from "./constants";
import { accessLogGroupName } from "./names";

/**
 * One JSON object per request. `status` is unquoted (always a number), so the metric filter compares numbers.
 * Only request metadata: API Gateway has no context variable for the body or the signature headers.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  requestTime: "$context.requestTime",
  ip: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
  httpMethod: "$context.httpMethod",
  routeKey: "$context.routeKey",
  path: "$context.path",
  status: "__STATUS__",
  responseLength: "$context.responseLength",
  integrationStatus: "$context.integrationStatus",
  integrationLatency: "$context.integrationLatency",
  integrationError: "$context.integrationErrorMessage",
  error: "$context.error.message",
}).replace('"__STATUS__"', "$context.status");

export interface WebhookApiArgs {
  readonly path: string;
  readonly function: aws.lambda.Function;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly logRetentionDays: LogRetentionDays;
  readonly tags: Tags;
}

export interface WebhookApi {
  readonly api: aws.apigatewayv2.Api;
  readonly integration: aws.apigatewayv2.Integration;
  readonly route: aws.apigatewayv2.Route;
  readonly accessLogGroup: aws.cloudwatch.LogGroup;
  readonly stage: aws.apigatewayv2.Stage;
  readonly invokePermission: aws.lambda.Permission;
  /** `<api endpoint><path>`, resolved once the stage and the invoke permission exist. */
  readonly url: pulumi.Output<string>;
}

/** The HTTP API routing `POST <path>` to the function, children of `parent`. */
export function createWebhookApi(
  name: string,
  parent: pulumi.Resource,
  args: WebhookApiArgs,
): WebhookApi {
  const { path, tags } = args;
  const api = new aws.apigatewayv2.Api(
    `${name}-api`,
    { protocolType: "HTTP", description: "Receives Polar webhooks", tags },
    { parent },
  );

  const integration = new aws.apigatewayv2.Integration(
    `${name}-integration`,
    {
      apiId: api.id,
      integrationType: "AWS_PROXY",
      integrationMethod: "POST",
      integrationUri: args.function.arn,
      // @pulumi/aws defaults to 1.0; the receiver reads the 2.0 event.
      payloadFormatVersion: "2.0",
    },
    { parent },
  );

  // Only POST on the path reaches the Lambda; anything else gets API Gateway's 404 and costs no invocation.
  const route = new aws.apigatewayv2.Route(
    `${name}-route`,
    {
      apiId: api.id,
      routeKey: `POST ${path}`,
      target: pulumi.interpolate`integrations/${integration.id}`,
    },
    { parent },
  );

  const accessLogGroup = new aws.cloudwatch.LogGroup(
    `${name}-access-logs`,
    { name: accessLogGroupName(name), retentionInDays: args.logRetentionDays, tags },
    { parent },
  );

  const stage = new aws.apigatewayv2.Stage(
    `${name}-stage`,
    {
      apiId: api.id,
      // No stage segment in the URL.
      name: "$default",
      autoDeploy: true,
      // Polar retries a 429 like any non-2xx, so throttling loses nothing and caps what a flood costs.
      defaultRouteSettings: {
        throttlingRateLimit: args.throttlingRateLimit,
        throttlingBurstLimit: args.throttlingBurstLimit,
      },
      accessLogSettings: { destinationArn: accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
      tags,
    },
    // The route must exist before the first auto-deployment, so `url` is usable once resolved.
    { parent, dependsOn: [route] },
  );

  const invokePermission = new aws.lambda.Permission(
    `${name}-invoke`,
    {
      action: "lambda:InvokeFunction",
      function: args.function.name,
      principal: "apigateway.amazonaws.com",
      sourceArn: pulumi.interpolate`${api.executionArn}/*/POST${path}`,
    },
    { parent },
  );

  const url = pulumi
    .all([api.apiEndpoint, stage.id, invokePermission.id])
    .apply(([endpoint]) => `${endpoint}${path}`);

  return { api, integration, route, accessLogGroup, stage, invokePermission, url };
}
