import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { METRIC_NAMESPACE, type Tags } from "./constants";
import { forbiddenMetricName, throttledMetricName } from "./names";

export interface AlarmsArgs {
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly function: aws.lambda.Function;
  readonly api: aws.apigatewayv2.Api;
  readonly stage: aws.apigatewayv2.Stage;
  readonly accessLogGroup: aws.cloudwatch.LogGroup;
  readonly forbiddenThreshold: number;
  readonly email?: string;
  readonly tags: Tags;
}

export interface Alarms {
  readonly topic?: aws.sns.Topic;
  readonly subscription?: aws.sns.TopicSubscription;
  readonly forbiddenMetricFilter: aws.cloudwatch.LogMetricFilter;
  readonly throttledMetricFilter: aws.cloudwatch.LogMetricFilter;
  readonly alarms: {
    readonly deadLetterQueue: aws.cloudwatch.MetricAlarm;
    readonly lambdaErrors: aws.cloudwatch.MetricAlarm;
    readonly api5xx: aws.cloudwatch.MetricAlarm;
    readonly forbidden: aws.cloudwatch.MetricAlarm;
    readonly throttled: aws.cloudwatch.MetricAlarm;
  };
}

export type AlarmMetric = Pick<
  aws.cloudwatch.MetricAlarmArgs,
  "namespace" | "metricName" | "dimensions" | "statistic" | "threshold"
>;

/** An alarm on `metric` > threshold over 5 minutes, notifying `actions`; a child of `parent`. */
export function metricAlarm(
  resourceName: string,
  parent: pulumi.Resource,
  description: string,
  metric: AlarmMetric,
  actions: pulumi.Input<string>[],
  tags: Tags,
): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    resourceName,
    {
      alarmDescription: description,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
      period: 300,
      // No data means nothing happened: no messages, no errors, no requests.
      treatMissingData: "notBreaching",
      alarmActions: actions,
      okActions: actions,
      ...metric,
      tags,
    },
    { parent },
  );
}

/**
 * The DLQ, Lambda error, API 5xx, 403-spike and API-throttling alarms, optionally mailed; children
 * of `parent`.
 */
export function createAlarms(name: string, parent: pulumi.Resource, args: AlarmsArgs): Alarms {
  const { tags } = args;
  let topic: aws.sns.Topic | undefined;
  let subscription: aws.sns.TopicSubscription | undefined;
  if (args.email) {
    // No SSE: CloudWatch cannot publish to a topic under the AWS-managed aws/sns key, and alarms hold no secret.
    topic = new aws.sns.Topic(`${name}-alarms`, { tags }, { parent });
    subscription = new aws.sns.TopicSubscription(
      `${name}-alarms-email`,
      { topic: topic.arn, protocol: "email", endpoint: args.email },
      { parent },
    );
  }
  const actions = topic ? [topic.arn] : [];
  const alarm = (suffix: string, description: string, metric: AlarmMetric) =>
    metricAlarm(`${name}-${suffix}`, parent, description, metric, actions, tags);

  // HTTP APIs publish only 4xx/5xx counts, so single statuses are counted from the access log:
  // 403s (a wrong secret after a rotation, or probing), and 429s, which the stage's throttling
  // answers before the receiver runs. Polar counts a 429 as a failed attempt like any other, and
  // 10 events failed in a row disable the endpoint: worth a page early.
  const statusCount = (suffix: string, status: number, metricName: string) =>
    new aws.cloudwatch.LogMetricFilter(
      `${name}-${suffix}`,
      {
        logGroupName: args.accessLogGroup.name,
        pattern: `{ $.status = ${status} }`,
        metricTransformation: {
          namespace: METRIC_NAMESPACE,
          name: metricName,
          value: "1",
          unit: "Count",
        },
      },
      { parent },
    );
  const metricName = forbiddenMetricName(name);
  const forbiddenMetricFilter = statusCount("forbidden", 403, metricName);
  const throttledName = throttledMetricName(name);
  const throttledMetricFilter = statusCount("throttled", 429, throttledName);

  return {
    topic,
    subscription,
    forbiddenMetricFilter,
    throttledMetricFilter,
    alarms: {
      deadLetterQueue: alarm(
        "dlq-not-empty",
        "Polar webhook events are in the dead-letter queue: consumers failed them repeatedly",
        {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: args.deadLetterQueue.name },
          statistic: "Maximum",
          threshold: 0,
        },
      ),
      lambdaErrors: alarm(
        "receiver-errors",
        "The Polar webhook receiver failed (unhandled error or timeout); Polar will retry",
        {
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: { FunctionName: args.function.name },
          statistic: "Sum",
          threshold: 0,
        },
      ),
      api5xx: alarm(
        "api-5xx",
        "The Polar webhook API answered 5xx (receiver errors, enqueue or secret failures)",
        {
          namespace: "AWS/ApiGateway",
          metricName: "5xx",
          dimensions: { ApiId: args.api.id, Stage: args.stage.name },
          statistic: "Sum",
          threshold: 0,
        },
      ),
      forbidden: alarm(
        "forbidden-spike",
        "Many Polar webhook requests failed signature verification (403): wrong secret or probing",
        {
          namespace: METRIC_NAMESPACE,
          metricName,
          statistic: "Sum",
          threshold: args.forbiddenThreshold,
        },
      ),
      throttled: alarm(
        "api-throttled",
        "API Gateway throttled Polar webhook requests (429): Polar retries them, but 10 events failed in a row disable the endpoint",
        {
          namespace: METRIC_NAMESPACE,
          metricName: throttledName,
          statistic: "Sum",
          threshold: 0,
        },
      ),
    },
  };
}
