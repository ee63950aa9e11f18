/**
 * `PolarWebhookIngress`: API Gateway HTTP API → verifying Lambda (secrets from SSM) → SQS + DLQ → optional consumer
 * Lambda, with alarms and a dashboard. Each concern is a function in ingress/ taking this component as parent, as
 * awsx's components do.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { WebhookEndpoint } from "../providers/polar";
import { createAlarms } from "./ingress/alarms";
import { createWebhookApi } from "./ingress/api";
import {
  consumerArgProblems,
  createConsumer,
  type Consumer,
  type PolarEventConsumerArgs,
} from "./ingress/consumer";
import { createDashboard } from "./ingress/dashboard";
import {
  createEndpoint,
  endpointArgProblems,
  type PolarWebhookIngressEndpointArgs,
} from "./ingress/endpoint";
import {
  CONSUMER_TIMEOUT_LIMITS,
  DEFAULT_CONSUMER_TIMEOUT_SECONDS,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_WEBHOOK_PATH,
  FOURTEEN_DAYS_SECONDS,
  LOG_RETENTION_DAYS,
  QUEUE_KINDS,
  WEBHOOK_PATH_PATTERN,
  type LogRetentionDays,
  type QueueKind,
} from "./ingress/constants";
import {
  forbiddenMetricName,
  MAX_NAME_LENGTH,
  secretParameterName,
  tightestOverflow,
} from "./ingress/names";
import { createQueues } from "./ingress/queues";
import { createReceiver } from "./ingress/receiver";
import { createSecretParameter, type SigningSecrets } from "./ingress/secret";

export * from "./ingress/constants";
export * from "./ingress/consumer-settings";
export { ACCESS_LOG_FORMAT } from "./ingress/api";
export type { Consumer, PolarEventConsumerArgs } from "./ingress/consumer";
export { MAX_NAME_LENGTH } from "./ingress/names";
export { secretParameterValue, type SigningSecrets } from "./ingress/secret";
export {
  DEFAULT_ROTATION_GRACE_HOURS,
  type PolarWebhookIngressEndpointArgs,
} from "./ingress/endpoint";
export {
  MAX_ROTATION_GRACE_HOURS,
  signingSecretsFor,
  type RotatedEndpoint,
} from "./ingress/rotation";

export interface PolarWebhookIngressArgs {
  /**
   * The Polar webhook endpoint to create at this ingress's URL (a `WebhookEndpoint` child), its secrets wired into
   * SSM. Give this or `signingSecrets`.
   */
  readonly endpoint?: PolarWebhookIngressEndpointArgs;
  /**
   * Bring your own endpoint: its `whsec_…` secrets, always stored as a secret. A `deferredOutput` when the endpoint
   * needs `url`. Give this or `endpoint`.
   */
  readonly signingSecrets?: pulumi.Input<SigningSecrets>;
  /** Route path Polar POSTs to. Default "/polar/webhooks". */
  readonly path?: string;
  /** "standard" (default) or "fifo" (dedup on webhook-id for 5 min). */
  readonly queueKind?: QueueKind;
  /**
   * Timeout of the queue's consumer in seconds (the `consumer` Lambda's, at most 900, when there is one); the
   * visibility timeout is 6× this. Default 30.
   */
  readonly consumerTimeoutSeconds?: number;
  /** A Lambda fed by the queue, with an idempotency table, alarms and a dashboard widget. Default: none. */
  readonly consumer?: PolarEventConsumerArgs;
  /** Retention of the main queue. Default and maximum 14 days. */
  readonly messageRetentionSeconds?: number;
  /** Receives before a message moves to the DLQ. Default 5. */
  readonly maxReceiveCount?: number;
  /** Reserved concurrency of the receiver. Default: unreserved. */
  readonly reservedConcurrency?: number;
  /** Receiver memory in MB. Default 512. */
  readonly memorySize?: number;
  /** Receiver timeout in seconds. Default 10 (Polar's request timeout). */
  readonly timeoutSeconds?: number;
  /** Retention of the Lambda and access log groups. Default 30 days. */
  readonly logRetentionDays?: LogRetentionDays;
  /** Stage-wide steady-state requests per second. Default 50. */
  readonly throttlingRateLimit?: number;
  /** Stage-wide burst. Default 100. */
  readonly throttlingBurstLimit?: number;
  /** 403 answers per 5 minutes that raise the "signature failures" alarm. Default 10. */
  readonly forbiddenAlarmThreshold?: number;
  /** Mailed on every alarm through a new SNS topic (the address must confirm). */
  readonly alarmEmail?: string;
  /** SSM parameter name. Default `/<name>/webhook-secrets`. */
  readonly secretParameterName?: string;
  /** A customer-managed KMS key for the SecureString. Default: the AWS-managed `alias/aws/ssm` key. */
  readonly secretKmsKeyArn?: pulumi.Input<string>;
  /** The receiver code (handler `index.handler`). Default: `buildReceiverBundle()` from lambda/. */
  readonly code?: pulumi.Input<pulumi.asset.Archive>;
  /** Added to every taggable child. */
  readonly tags?: Readonly<Record<string, string>>;
}

export class PolarWebhookIngress extends pulumi.ComponentResource {
  /** `https://<api-id>.execute-api.<region>.amazonaws.com<path>`; resolves once the route is deployed. */
  public readonly url: pulumi.Output<string>;
  public readonly path: string;
  public readonly queue: aws.sqs.Queue;
  public readonly deadLetterQueue: aws.sqs.Queue;
  public readonly redrivePolicy: aws.sqs.RedrivePolicy;
  public readonly secretParameter: aws.ssm.Parameter;
  public readonly role: aws.iam.Role;
  public readonly rolePolicy: aws.iam.RolePolicy;
  public readonly secretsPolicy: aws.iam.RolePolicy;
  public readonly functionLogGroup: aws.cloudwatch.LogGroup;
  public readonly function: aws.lambda.Function;
  public readonly api: aws.apigatewayv2.Api;
  public readonly integration: aws.apigatewayv2.Integration;
  public readonly route: aws.apigatewayv2.Route;
  public readonly accessLogGroup: aws.cloudwatch.LogGroup;
  public readonly stage: aws.apigatewayv2.Stage;
  public readonly invokePermission: aws.lambda.Permission;
  public readonly forbiddenMetricFilter: aws.cloudwatch.LogMetricFilter;
  /** Counts the stage's throttling answers (429) from the access log. */
  public readonly throttledMetricFilter: aws.cloudwatch.LogMetricFilter;
  public readonly alarms: {
    readonly deadLetterQueue: aws.cloudwatch.MetricAlarm;
    readonly lambdaErrors: aws.cloudwatch.MetricAlarm;
    readonly api5xx: aws.cloudwatch.MetricAlarm;
    readonly forbidden: aws.cloudwatch.MetricAlarm;
    /** API Gateway answered 429 (stage throttling): Polar counts each as a failed attempt. */
    readonly throttled: aws.cloudwatch.MetricAlarm;
  };
  public readonly alarmTopic?: aws.sns.Topic;
  public readonly alarmSubscription?: aws.sns.TopicSubscription;
  /** The consumer Lambda and what it needs, when `consumer` was given. */
  public readonly consumer?: Consumer;
  public readonly dashboard: aws.cloudwatch.Dashboard;
  /** Counts the receiver's 503s by cause (enqueue, deadline, secret); shown on the dashboard. */
  public readonly enqueueFailuresMetricFilter: aws.cloudwatch.LogMetricFilter;
  /** The dashboard in the CloudWatch console. */
  public readonly dashboardUrl: pulumi.Output<string>;
  /** The Polar endpoint, when `endpoint` was given. */
  public readonly endpoint?: WebhookEndpoint;

  constructor(
    name: string,
    args: PolarWebhookIngressArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    // Before super: bad arguments fail without registering a half-built component.
    PolarWebhookIngress.validateArgs(name, args);
    super("polar-webhooks:index:PolarWebhookIngress", name, {}, opts);

    const tags = { ...args.tags };
    const fifo = args.queueKind === "fifo";
    const consumerTimeoutSeconds = args.consumerTimeoutSeconds ?? DEFAULT_CONSUMER_TIMEOUT_SECONDS;
    const logRetentionDays = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    const parameterName = args.secretParameterName ?? secretParameterName(name);
    this.path = args.path ?? DEFAULT_WEBHOOK_PATH;

    // One source of truth: the consumer's timeout sets the queue's visibility timeout.
    const queues = createQueues(name, this, {
      fifo,
      consumerTimeoutSeconds,
      messageRetentionSeconds: args.messageRetentionSeconds ?? FOURTEEN_DAYS_SECONDS,
      maxReceiveCount: args.maxReceiveCount ?? 5,
      tags,
    });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    this.redrivePolicy = queues.redrivePolicy;

    // With `endpoint`, the secrets come from the endpoint, which needs the API's URL: resolved below.
    let signingSecrets = args.signingSecrets;
    let resolveEndpointSecrets: ((secrets: pulumi.Output<SigningSecrets>) => void) | undefined;
    if (signingSecrets === undefined) {
      [signingSecrets, resolveEndpointSecrets] = pulumi.deferredOutput<SigningSecrets>();
    }
    this.secretParameter = createSecretParameter(name, this, {
      parameterName,
      signingSecrets,
      kmsKeyArn: args.secretKmsKeyArn,
      tags,
    });

    const receiver = createReceiver(name, this, {
      queue: this.queue,
      secretParameter: this.secretParameter,
      secretParameterName: parameterName,
      secretKmsKeyArn: args.secretKmsKeyArn,
      code: args.code,
      memorySize: args.memorySize ?? 512,
      timeoutSeconds: args.timeoutSeconds ?? 10,
      reservedConcurrency: args.reservedConcurrency,
      logRetentionDays,
      tags,
    });
    this.role = receiver.role;
    this.rolePolicy = receiver.rolePolicy;
    this.secretsPolicy = receiver.secretsPolicy;
    this.functionLogGroup = receiver.logGroup;
    this.function = receiver.function;

    const api = createWebhookApi(name, this, {
      path: this.path,
      function: this.function,
      throttlingRateLimit: args.throttlingRateLimit ?? 50,
      throttlingBurstLimit: args.throttlingBurstLimit ?? 100,
      logRetentionDays,
      tags,
    });
    this.api = api.api;
    this.integration = api.integration;
    this.route = api.route;
    this.accessLogGroup = api.accessLogGroup;
    this.stage = api.stage;
    this.invokePermission = api.invokePermission;
    this.url = api.url;

    if (args.endpoint && resolveEndpointSecrets) {
      const created = createEndpoint(name, this, { endpoint: args.endpoint, url: this.url });
      this.endpoint = created.endpoint;
      resolveEndpointSecrets(created.signingSecrets);
    }

    const alarms = createAlarms(name, this, {
      deadLetterQueue: this.deadLetterQueue,
      function: this.function,
      api: this.api,
      stage: this.stage,
      accessLogGroup: this.accessLogGroup,
      forbiddenThreshold: args.forbiddenAlarmThreshold ?? 10,
      email: args.alarmEmail,
      tags,
    });
    this.alarmTopic = alarms.topic;
    this.alarmSubscription = alarms.subscription;
    this.forbiddenMetricFilter = alarms.forbiddenMetricFilter;
    this.throttledMetricFilter = alarms.throttledMetricFilter;
    this.alarms = alarms.alarms;

    if (args.consumer) {
      this.consumer = createConsumer(name, this, {
        consumer: args.consumer,
        queue: this.queue,
        fifo,
        timeoutSeconds: consumerTimeoutSeconds,
        logRetentionDays,
        alarmActions: this.alarmTopic ? [this.alarmTopic.arn] : [],
        tags,
      });
    }

    const dashboard = createDashboard(name, this, {
      api: this.api,
      stage: this.stage,
      receiver: this.function,
      receiverLogGroup: this.functionLogGroup,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      forbiddenMetricName: forbiddenMetricName(name),
      consumer: this.consumer && {
        function: this.consumer.function,
        failedRecordsMetricName: this.consumer.failedRecordsMetricName,
      },
    });
    this.dashboard = dashboard.dashboard;
    this.enqueueFailuresMetricFilter = dashboard.enqueueFailuresMetricFilter;
    this.dashboardUrl = dashboard.url;

    this.registerOutputs({
      url: this.url,
      queueUrl: this.queue.url,
      queueArn: this.queue.arn,
      deadLetterQueueUrl: this.deadLetterQueue.url,
      deadLetterQueueArn: this.deadLetterQueue.arn,
      functionName: this.function.name,
      apiId: this.api.id,
      secretParameterName: this.secretParameter.name,
      alarmTopicArn: this.alarmTopic?.arn,
      consumerFunctionName: this.consumer?.function.name,
      idempotencyTableName: this.consumer?.idempotencyTable.name,
      dashboardUrl: this.dashboardUrl,
      endpointId: this.endpoint?.id,
    });
  }

  /** Internal. Exported for testing. Names every plain argument AWS would reject only at deploy time. */
  public static validateArgs(name: string, args: PolarWebhookIngressArgs): void {
    const problems: string[] = [];
    const intIn = (key: keyof PolarWebhookIngressArgs, min: number, max: number) => {
      const value = args[key];
      if (
        value !== undefined &&
        (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
      ) {
        problems.push(
          `[${key}] must be a whole number from ${min} to ${max} (got ${String(value)})`,
        );
      }
    };
    if (!/^[A-Za-z0-9-]+$/.test(name) || name.length > MAX_NAME_LENGTH) {
      const overflow = tightestOverflow(name);
      const why = overflow
        ? `: its ${overflow.what} would be ${overflow.length} characters, AWS allows ${overflow.limit}`
        : "";
      problems.push(
        `[name] must be 1-${MAX_NAME_LENGTH} letters, digits or "-" (got ${JSON.stringify(name)}${why})`,
      );
    }
    if (args.path !== undefined && !WEBHOOK_PATH_PATTERN.test(args.path)) {
      problems.push(
        `[path] must look like "${DEFAULT_WEBHOOK_PATH}" (got ${JSON.stringify(args.path)})`,
      );
    }
    if (
      args.queueKind !== undefined &&
      !(QUEUE_KINDS as readonly string[]).includes(args.queueKind)
    ) {
      problems.push(
        `[queueKind] must be "standard" or "fifo" (got ${JSON.stringify(args.queueKind)})`,
      );
    }
    intIn("consumerTimeoutSeconds", CONSUMER_TIMEOUT_LIMITS.min, CONSUMER_TIMEOUT_LIMITS.max);
    intIn("messageRetentionSeconds", 60, FOURTEEN_DAYS_SECONDS);
    intIn("maxReceiveCount", 1, 1000);
    intIn("reservedConcurrency", 0, 1000);
    intIn("memorySize", 128, 10_240);
    // The HTTP API integration gives up after 30 s.
    intIn("timeoutSeconds", 1, 30);
    intIn("throttlingRateLimit", 1, 10_000);
    intIn("throttlingBurstLimit", 1, 5_000);
    intIn("forbiddenAlarmThreshold", 0, 1_000_000);
    if (
      args.logRetentionDays !== undefined &&
      !(LOG_RETENTION_DAYS as readonly number[]).includes(args.logRetentionDays)
    ) {
      problems.push(
        `[logRetentionDays] must be one of ${LOG_RETENTION_DAYS.join(", ")} (got ${args.logRetentionDays})`,
      );
    }
    if ((args.endpoint === undefined) === (args.signingSecrets === undefined)) {
      problems.push("exactly one of [endpoint] and [signingSecrets] must be given");
    }
    if (args.endpoint) problems.push(...endpointArgProblems(args.endpoint));
    if (args.consumer) {
      problems.push(
        ...consumerArgProblems(args.consumer, {
          fifo: args.queueKind === "fifo",
          timeoutSeconds: args.consumerTimeoutSeconds ?? DEFAULT_CONSUMER_TIMEOUT_SECONDS,
        }),
      );
    }
    if (problems.length > 0) {
      throw new Error(`PolarWebhookIngress ${name}: ${problems.join("; ")}`);
    }
  }
}
