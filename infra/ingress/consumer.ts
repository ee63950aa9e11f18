import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  buildConsumerBundle,
  checkConsumerEntry,
  CONSUMER_ENV,
  ConsumerEntryError,
  IDEMPOTENCY_TABLE_ATTRIBUTES,
  RECORD_OUTCOME,
  type RecordLogEntry,
} from "../../lambda";
import { metricAlarm, type AlarmMetric } from "./alarms";
import {
  LAMBDA_ASSUME_ROLE_POLICY,
  METRIC_NAMESPACE,
  type LogRetentionDays,
  type Tags,
} from "./constants";
import { CONSUMER_SETTINGS, consumerConflicts, type ConsumerSetting } from "./consumer-settings";
import {
  consumerFunctionName,
  consumerRoleName,
  failedRecordsMetricName,
  idempotencyTableName,
  lambdaLogGroupName,
} from "./names";

/** The `consumer` argument of `PolarWebhookIngress`: a Lambda fed by the queue. Its timeout is `consumerTimeoutSeconds`. */
export interface PolarEventConsumerArgs {
  /**
   * The consumer module, exporting `handler` (usually `createPolarEventConsumer(…)`), bundled with esbuild;
   * relative to the working directory. Give this or `code`.
   */
  readonly entry?: string;
  /** Prebuilt code with the handler `index.handler`, instead of `entry`. */
  readonly code?: pulumi.Input<pulumi.asset.Archive>;
  /** Memory in MB. Default 512. */
  readonly memorySize?: number;
  /** Records per invocation: 1–10,000 (FIFO: 1–10; above 10 needs a batching window). Default 10. */
  readonly batchSize?: number;
  /** Seconds Lambda gathers records before it invokes: 0–300, standard queues only. Default 0. */
  readonly batchingWindowSeconds?: number;
  /** Concurrent invocations this queue may start: 2–1000. Default 10. */
  readonly maxConcurrency?: number;
  /** Alarm when the queue's oldest message is older than this many seconds. Default 900. */
  readonly lagAlarmSeconds?: number;
}

/** Everything wrong with the `consumer` argument, named the way `validateArgs` names arguments. */
export function consumerArgProblems(
  args: PolarEventConsumerArgs,
  queue: { readonly fifo: boolean; readonly timeoutSeconds: number },
): string[] {
  const problems: string[] = [];
  if ((args.entry === undefined) === (args.code === undefined)) {
    problems.push("[consumer] needs exactly one of [consumer.entry] and [consumer.code]");
  }
  for (const setting of Object.keys(CONSUMER_SETTINGS) as ConsumerSetting[]) {
    const { min, max } = CONSUMER_SETTINGS[setting];
    const value = args[setting];
    if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
      problems.push(
        `[consumer.${setting}] must be a whole number from ${min} to ${max} (got ${String(value)})`,
      );
    }
  }
  const names = {
    timeoutSeconds: "[consumerTimeoutSeconds]",
    queueKind: "[queueKind]",
    batchSize: "[consumer.batchSize]",
    batchingWindowSeconds: "[consumer.batchingWindowSeconds]",
  } as const;
  const settings = resolveSettings(args);
  for (const conflict of consumerConflicts(
    { ...queue, ...settings },
    (setting) => names[setting],
  )) {
    const got =
      conflict.setting === "timeoutSeconds" ? queue.timeoutSeconds : settings[conflict.setting];
    problems.push(`${names[conflict.setting]} must be ${conflict.detail} (got ${got})`);
  }
  if (typeof args.entry === "function") {
    problems.push(
      "[consumer.entry] must be the path of your consumer's file (which exports handler = createPolarEventConsumer(…)), " +
        "not the handler itself: the file is bundled into the consumer Lambda",
    );
  } else if (typeof args.entry === "string") {
    try {
      checkConsumerEntry({ entry: args.entry });
    } catch (error) {
      if (!(error instanceof ConsumerEntryError)) throw error;
      problems.push(`[consumer.entry] ${error.entry} ${error.reason}`);
    }
  }
  return problems;
}

type ResolvedSettings = { readonly [K in ConsumerSetting]: number };

function resolveSettings(args: PolarEventConsumerArgs): ResolvedSettings {
  const value = (setting: ConsumerSetting) => args[setting] ?? CONSUMER_SETTINGS[setting].default;
  return {
    memorySize: value("memorySize"),
    batchSize: value("batchSize"),
    batchingWindowSeconds: value("batchingWindowSeconds"),
    maxConcurrency: value("maxConcurrency"),
    lagAlarmSeconds: value("lagAlarmSeconds"),
  };
}

export interface ConsumerArgs {
  readonly consumer: PolarEventConsumerArgs;
  readonly queue: aws.sqs.Queue;
  readonly fifo: boolean;
  readonly timeoutSeconds: number;
  readonly logRetentionDays: LogRetentionDays;
  readonly alarmActions: pulumi.Input<string>[];
  readonly tags: Tags;
}

export interface Consumer {
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly function: aws.lambda.Function;
  readonly eventSourceMapping: aws.lambda.EventSourceMapping;
  readonly idempotencyTable: aws.dynamodb.Table;
  readonly failedRecordsMetricFilter: aws.cloudwatch.LogMetricFilter;
  readonly failedRecordsMetricName: string;
  readonly alarms: {
    readonly errors: aws.cloudwatch.MetricAlarm;
    readonly failedRecords: aws.cloudwatch.MetricAlarm;
    readonly oldestMessageAge: aws.cloudwatch.MetricAlarm;
  };
}

/** Records the consumer fails (so SQS retries them, then moves them to the DLQ); lock conflicts are not failures. */
const FAILED_RECORD_OUTCOMES = [
  RECORD_OUTCOME.HANDLER_FAILED,
  RECORD_OUTCOME.IDEMPOTENCY_FAILED,
  RECORD_OUTCOME.MALFORMED,
] as const;
const RECORD_LOG_MSG: RecordLogEntry["msg"] = "polar-event";

/** The consumer Lambda, its idempotency table, queue trigger, role, log group and alarms; children of `parent`. */
export function createConsumer(
  name: string,
  parent: pulumi.Resource,
  args: ConsumerArgs,
): Consumer {
  const { tags, queue } = args;
  const settings = resolveSettings(args.consumer);
  const functionName = consumerFunctionName(name);

  // Idempotency records expire after days and a lost one at worst re-runs an event whose handler should be
  // idempotent anyway: no point-in-time recovery (a restore would be a new table this stack does not know).
  const idempotencyTable = new aws.dynamodb.Table(
    `${name}-idempotency`,
    {
      name: idempotencyTableName(name),
      billingMode: "PAY_PER_REQUEST",
      hashKey: IDEMPOTENCY_TABLE_ATTRIBUTES.PARTITION_KEY,
      attributes: [{ name: IDEMPOTENCY_TABLE_ATTRIBUTES.PARTITION_KEY, type: "S" }],
      ttl: { attributeName: IDEMPOTENCY_TABLE_ATTRIBUTES.TTL, enabled: true },
      // The AWS-managed aws/dynamodb key (use visible in CloudTrail); its key policy lets the account's
      // principals use it through DynamoDB, so the role needs no kms:* grant.
      serverSideEncryption: { enabled: true },
      tags,
    },
    { parent },
  );

  const role = new aws.iam.Role(
    `${name}-consumer-role`,
    {
      name: consumerRoleName(name),
      description: `Polar event consumer ${functionName}`,
      assumeRolePolicy: LAMBDA_ASSUME_ROLE_POLICY,
      tags,
    },
    { parent },
  );

  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-consumer-logs`,
    { name: lambdaLogGroupName(functionName), retentionInDays: args.logRetentionDays, tags },
    { parent },
  );

  // What Lambda's SQS poller and Powertools' DynamoDB persistence call, on this queue and table only.
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-consumer-policy`,
    {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ConsumeQueue",
            Effect: "Allow",
            Action: [
              "sqs:ReceiveMessage",
              "sqs:DeleteMessage",
              "sqs:ChangeMessageVisibility",
              "sqs:GetQueueAttributes",
            ],
            Resource: queue.arn,
          },
          {
            Sid: "IdempotencyRecords",
            Effect: "Allow",
            Action: [
              "dynamodb:GetItem",
              "dynamodb:PutItem",
              "dynamodb:UpdateItem",
              "dynamodb:DeleteItem",
            ],
            Resource: idempotencyTable.arn,
          },
          {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: pulumi.interpolate`${logGroup.arn}:*`,
          },
        ],
      }),
    },
    { parent },
  );

  const fn = new aws.lambda.Function(
    `${name}-consumer`,
    {
      name: functionName,
      description: "Handles Polar webhook events from the queue, once per webhook-id",
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      handler: "index.handler",
      code: args.consumer.code ?? bundledConsumer(args.consumer.entry as string),
      role: role.arn,
      memorySize: settings.memorySize,
      timeout: args.timeoutSeconds,
      environment: { variables: { [CONSUMER_ENV.IDEMPOTENCY_TABLE]: idempotencyTable.name } },
      // The consumer writes its own JSON lines, like the receiver.
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      tags,
    },
    { parent, dependsOn: [rolePolicy] },
  );

  // Lambda checks the role's SQS permissions when it creates the mapping: after the policy.
  const eventSourceMapping = new aws.lambda.EventSourceMapping(
    `${name}-consumer-trigger`,
    {
      eventSourceArn: queue.arn,
      functionName: fn.arn,
      batchSize: settings.batchSize,
      ...(args.fifo ? {} : { maximumBatchingWindowInSeconds: settings.batchingWindowSeconds }),
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: settings.maxConcurrency },
      tags,
    },
    { parent, dependsOn: [rolePolicy] },
  );

  const metricName = failedRecordsMetricName(name);
  const outcomes = FAILED_RECORD_OUTCOMES.map((o) => `$.outcome = "${o}"`).join(" || ");
  const failedRecordsMetricFilter = new aws.cloudwatch.LogMetricFilter(
    `${name}-consumer-failed-records`,
    {
      logGroupName: logGroup.name,
      pattern: `{ $.msg = "${RECORD_LOG_MSG}" && (${outcomes}) }`,
      metricTransformation: {
        namespace: METRIC_NAMESPACE,
        name: metricName,
        value: "1",
        unit: "Count",
      },
    },
    { parent },
  );

  const alarm = (suffix: string, description: string, metric: AlarmMetric) =>
    metricAlarm(`${name}-${suffix}`, parent, description, metric, args.alarmActions, tags);
  return {
    role,
    rolePolicy,
    logGroup,
    function: fn,
    eventSourceMapping,
    idempotencyTable,
    failedRecordsMetricFilter,
    failedRecordsMetricName: metricName,
    alarms: {
      // With ReportBatchItemFailures a handler that throws fails only its record, not the invocation: these
      // are crashes, timeouts and start-up errors, after which the whole batch returns to the queue.
      errors: alarm(
        "consumer-errors",
        "The Polar event consumer failed as a whole (crash, timeout or start-up error); its batch is retried",
        {
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: { FunctionName: fn.name },
          statistic: "Sum",
          threshold: 0,
        },
      ),
      failedRecords: alarm(
        "consumer-failed-records",
        "Polar events failed in the consumer (handler error, idempotency store, or not a Polar event); " +
          "SQS retries them, then moves them to the DLQ",
        { namespace: METRIC_NAMESPACE, metricName, statistic: "Sum", threshold: 0 },
      ),
      oldestMessageAge: alarm(
        "oldest-message-age",
        `A Polar event has waited in the queue for over ${settings.lagAlarmSeconds} s: the consumer is ` +
          "down, throttled, or failing it again and again",
        {
          namespace: "AWS/SQS",
          metricName: "ApproximateAgeOfOldestMessage",
          dimensions: { QueueName: queue.name },
          statistic: "Maximum",
          threshold: settings.lagAlarmSeconds,
        },
      ),
    },
  };
}

function bundledConsumer(entry: string): Promise<pulumi.asset.Archive> {
  return buildConsumerBundle({ entry: path.resolve(entry) }).then(
    (bundle) =>
      new pulumi.asset.AssetArchive({
        [bundle.fileName]: new pulumi.asset.StringAsset(bundle.code),
      }),
  );
}
