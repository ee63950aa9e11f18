/** Settings of `PolarWebhookIngress` shared by its parts and by the stack config (infra/config.ts). */
export const QUEUE_KINDS = ["standard", "fifo"] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

/** The values CloudWatch Logs accepts for `retentionInDays` (0, "never expire", deliberately left out). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

/** One or more `/segment`s of URL-safe characters; no trailing slash, no `{parameters}` (a fixed route). */
export const WEBHOOK_PATH_PATTERN = /^(?:\/[A-Za-z0-9._~-]+)+$/;
export const DEFAULT_WEBHOOK_PATH = "/polar/webhooks";
export const DEFAULT_CONSUMER_TIMEOUT_SECONDS = 30;
export const DEFAULT_LOG_RETENTION_DAYS: LogRetentionDays = 30;
/** Visibility timeout = 6 × consumer timeout (AWS's rule for Lambda consumers), and SQS caps it at 12 h. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
export const CONSUMER_TIMEOUT_LIMITS = { min: 1, max: 43_200 / VISIBILITY_TIMEOUT_FACTOR } as const;
/** SQS's maximum: Polar's own retries stop after ~30 min, so the queue is the buffer. */
export const FOURTEEN_DAYS_SECONDS = 14 * 24 * 60 * 60;
/** The CloudWatch namespace of the metrics this component derives from its logs. */
export const METRIC_NAMESPACE = "PolarWebhooks";

/** The kinds of resources this component creates that take `tags` (the others are sub-resources without tags). */
export const TAGGED_RESOURCE_TYPES = [
  "aws:apigatewayv2/api:Api",
  "aws:apigatewayv2/stage:Stage",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:dynamodb/table:Table",
  "aws:iam/role:Role",
  "aws:lambda/eventSourceMapping:EventSourceMapping",
  "aws:lambda/function:Function",
  "aws:sns/topic:Topic",
  "aws:sqs/queue:Queue",
  "aws:ssm/parameter:Parameter",
] as const;

export type Tags = Readonly<Record<string, string>>;

/** The trust policy of both functions' roles: Lambda may assume them, nothing else. */
export const LAMBDA_ASSUME_ROLE_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "lambda.amazonaws.com" },
      Action: "sts:AssumeRole",
    },
  ],
});
