import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { OUTCOME, type RequestLogEntry } from "../../lambda";
import { METRIC_NAMESPACE } from "./constants";
import { dashboardName, enqueueFailuresMetricName } from "./names";

/** The receiver's answers that mean "not enqueued, Polar will retry" (all 503). */
export const ENQUEUE_FAILURE_OUTCOMES = [
  OUTCOME.ENQUEUE_FAILED,
  OUTCOME.DEADLINE_EXCEEDED,
  OUTCOME.SECRET_UNAVAILABLE,
] as const;
const REQUEST_LOG_MSG: RequestLogEntry["msg"] = "webhook";

export interface DashboardArgs {
  readonly api: aws.apigatewayv2.Api;
  readonly stage: aws.apigatewayv2.Stage;
  readonly receiver: aws.lambda.Function;
  readonly receiverLogGroup: aws.cloudwatch.LogGroup;
  readonly queue: aws.sqs.Queue;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly forbiddenMetricName: string;
  readonly consumer?: {
    readonly function: aws.lambda.Function;
    readonly failedRecordsMetricName: string;
  };
}

export interface Dashboard {
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly enqueueFailuresMetricFilter: aws.cloudwatch.LogMetricFilter;
  /** The dashboard in the CloudWatch console. */
  readonly url: pulumi.Output<string>;
}

/** The values a dashboard body is made of, resolved. */
export interface DashboardMetrics {
  readonly region: string;
  readonly apiId: string;
  readonly stage: string;
  readonly receiverFunctionName: string;
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  readonly forbiddenMetricName: string;
  readonly enqueueFailuresMetricName: string;
  readonly consumer?: {
    readonly functionName: string;
    readonly failedRecordsMetricName: string;
  };
}

/** The pipeline's dashboard and the metric of enqueue failures it shows; children of `parent`. */
export function createDashboard(
  name: string,
  parent: pulumi.Resource,
  args: DashboardArgs,
): Dashboard {
  const metricName = enqueueFailuresMetricName(name);
  const outcomes = ENQUEUE_FAILURE_OUTCOMES.map((o) => `$.outcome = "${o}"`).join(" || ");
  const enqueueFailuresMetricFilter = new aws.cloudwatch.LogMetricFilter(
    `${name}-enqueue-failures`,
    {
      logGroupName: args.receiverLogGroup.name,
      pattern: `{ $.msg = "${REQUEST_LOG_MSG}" && (${outcomes}) }`,
      metricTransformation: {
        namespace: METRIC_NAMESPACE,
        name: metricName,
        value: "1",
        unit: "Count",
        // One series per cause: SQS failing and SSM failing call for different fixes.
        dimensions: { Outcome: "$.outcome" },
      },
    },
    { parent },
  );

  // The region the queue lives in, read from its ARN: no provider call, and right even with a per-resource region.
  const region = args.queue.arn.apply(regionOfArn);
  const body = pulumi
    .all([
      region,
      args.api.id,
      args.stage.name,
      args.receiver.name,
      args.queue.name,
      args.deadLetterQueue.name,
      args.consumer?.function.name,
    ])
    .apply(([region, apiId, stage, receiver, queue, deadLetterQueue, consumer]) =>
      JSON.stringify(
        dashboardBody({
          region,
          apiId,
          stage,
          receiverFunctionName: receiver,
          queueName: queue,
          deadLetterQueueName: deadLetterQueue,
          forbiddenMetricName: args.forbiddenMetricName,
          enqueueFailuresMetricName: metricName,
          ...(consumer && args.consumer
            ? {
                consumer: {
                  functionName: consumer,
                  failedRecordsMetricName: args.consumer.failedRecordsMetricName,
                },
              }
            : {}),
        }),
      ),
    );
  const dashboard = new aws.cloudwatch.Dashboard(
    `${name}-dashboard`,
    { dashboardName: dashboardName(name), dashboardBody: body },
    { parent },
  );
  const url = pulumi
    .all([region, dashboard.dashboardName])
    .apply(([region, dashboard]) => dashboardUrl(region, dashboard));
  return { dashboard, enqueueFailuresMetricFilter, url };
}

export function dashboardUrl(region: string, dashboard: string): string {
  return (
    `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}` +
    `#dashboards:name=${encodeURIComponent(dashboard)}`
  );
}

export function regionOfArn(arn: string): string {
  const region = arn.split(":")[3];
  if (!region) throw new Error(`no region in ARN ${arn}`);
  return region;
}

type MetricOptions = {
  readonly stat: string;
  readonly label: string;
  readonly [key: string]: unknown;
};
/** `[namespace, metricName, dimension, value, …, options]`, CloudWatch's dashboard form. */
type MetricLine = readonly (string | MetricOptions)[];

interface Widget {
  readonly title: string;
  readonly metrics: readonly (MetricLine | readonly [Record<string, string>])[];
  readonly yAxis?: Record<string, unknown>;
}

const PERIOD_SECONDS = 300;
const WIDGET_WIDTH = 12;
const WIDGET_HEIGHT = 6;

/** The dashboard body: two widgets per row, 5-minute periods, every metric of this pipeline's resources. */
export function dashboardBody(m: DashboardMetrics): { widgets: unknown[] } {
  const api = (metric: string, options: MetricOptions): MetricLine => [
    "AWS/ApiGateway",
    metric,
    "ApiId",
    m.apiId,
    "Stage",
    m.stage,
    options,
  ];
  const lambda = (fn: string, metric: string, options: MetricOptions): MetricLine => [
    "AWS/Lambda",
    metric,
    "FunctionName",
    fn,
    options,
  ];
  const sqs = (queue: string, metric: string, options: MetricOptions): MetricLine => [
    "AWS/SQS",
    metric,
    "QueueName",
    queue,
    options,
  ];
  const widgets: Widget[] = [
    {
      title: "Polar deliveries by status",
      metrics: [
        [{ expression: "requests - m4xx - m5xx", label: "2xx", id: "m2xx" }],
        api("Count", { stat: "Sum", label: "requests", id: "requests", visible: false }),
        api("4xx", { stat: "Sum", label: "4xx", id: "m4xx" }),
        api("5xx", { stat: "Sum", label: "5xx", id: "m5xx" }),
      ],
    },
    {
      title: "Receiver latency (ms)",
      metrics: [
        lambda(m.receiverFunctionName, "Duration", { stat: "p50", label: "p50" }),
        lambda(m.receiverFunctionName, "Duration", { stat: "p99", label: "p99" }),
      ],
    },
    {
      title: "Signature failures (403)",
      metrics: [[METRIC_NAMESPACE, m.forbiddenMetricName, { stat: "Sum", label: "403" }]],
    },
    {
      title: "Enqueue failures (503, Polar retries)",
      metrics: ENQUEUE_FAILURE_OUTCOMES.map((outcome) => [
        METRIC_NAMESPACE,
        m.enqueueFailuresMetricName,
        "Outcome",
        outcome,
        { stat: "Sum", label: outcome },
      ]),
    },
    {
      title: "Queue",
      metrics: [
        sqs(m.queueName, "ApproximateNumberOfMessagesVisible", {
          stat: "Maximum",
          label: "waiting",
        }),
        sqs(m.queueName, "ApproximateNumberOfMessagesNotVisible", {
          stat: "Maximum",
          label: "in flight",
        }),
        sqs(m.queueName, "ApproximateAgeOfOldestMessage", {
          stat: "Maximum",
          label: "oldest message (s)",
          yAxis: "right",
        }),
      ],
    },
    {
      title: "Dead-letter queue",
      metrics: [
        sqs(m.deadLetterQueueName, "ApproximateNumberOfMessagesVisible", {
          stat: "Maximum",
          label: "messages",
        }),
      ],
    },
  ];
  if (m.consumer) {
    widgets.push({
      title: "Consumer errors",
      metrics: [
        lambda(m.consumer.functionName, "Errors", { stat: "Sum", label: "invocation errors" }),
        [
          METRIC_NAMESPACE,
          m.consumer.failedRecordsMetricName,
          { stat: "Sum", label: "failed records" },
        ],
      ],
    });
  }
  return {
    widgets: widgets.map((widget, index) => ({
      type: "metric",
      x: (index % 2) * WIDGET_WIDTH,
      y: Math.floor(index / 2) * WIDGET_HEIGHT,
      width: WIDGET_WIDTH,
      height: WIDGET_HEIGHT,
      properties: {
        title: widget.title,
        region: m.region,
        view: "timeSeries",
        stacked: false,
        period: PERIOD_SECONDS,
        metrics: widget.metrics,
      },
    })),
  };
}
