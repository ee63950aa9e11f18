/**
 * `PolarWebhookIngress`: the AWS side of a Polar webhook, as one component.
 *
 *   API Gateway HTTP API (POST <path>, throttled, access-logged)
 *     → Lambda (verifies the signature with the secrets read from an SSM SecureString)
 *       → SQS queue (SSE, DLQ with redrive) → your consumers
 *   + CloudWatch alarms (DLQ not empty, Lambda errors, API 5xx, a spike of 403s), optionally mailed through SNS.
 *
 * The signing secrets are an Input because they come from the Polar endpoint, which itself needs this
 * component's `url`: pass a `pulumi.deferredOutput()` and resolve it once the endpoint exists (see infra/index.ts).
 * Nothing the Lambda or the route needs depends on the secrets, so there is no cycle: API → endpoint → parameter.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildReceiverBundle, ENV, SQS_MAX_MESSAGE_BYTES } from "../lambda";

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
/** SQS's maximum retention, for both queues: Polar's own retries stop after ~30 min, so the queue is the buffer. */
export const FOURTEEN_DAYS_SECONDS = 14 * 24 * 60 * 60;

/** What the receiver reads from the SSM parameter (JSON); `previous` is set during a secret rotation. */
export interface SigningSecrets {
  readonly current: string;
  readonly previous?: string | null;
}

export interface PolarWebhookIngressArgs {
  /**
   * `{ current, previous }` signing secrets (`whsec_…`) of the Polar endpoint, stored as a SecureString. Always
   * handled as a secret, whether or not the Input is one.
   */
  readonly signingSecrets: pulumi.Input<SigningSecrets>;
  /** Route path Polar POSTs to. Default "/polar/webhooks". */
  readonly path?: string;
  /** "standard" (default: Polar's order is best effort anyway) or "fifo" (dedup on webhook-id for 5 min). */
  readonly queueKind?: QueueKind;
  /** Timeout of the queue's consumer, in seconds; the visibility timeout is 6× this. Default 30. */
  readonly consumerTimeoutSeconds?: number;
  /** Retention of the main queue. Default and maximum 14 days. */
  readonly messageRetentionSeconds?: number;
  /** Receives before a message moves to the DLQ. Default 5. */
  readonly maxReceiveCount?: number;
  /** Reserved concurrency of the receiver. Default: unreserved. */
  readonly reservedConcurrency?: number;
  /** Receiver memory in MB. Default 512 (see below). */
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
  /** Mailed on every alarm (through a new SNS topic; the address must confirm the subscription). */
  readonly alarmEmail?: string;
  /** SSM parameter name. Default `/<name>/webhook-secrets`. */
  readonly secretParameterName?: string;
  /**
   * A customer-managed KMS key for the SecureString. Default: the AWS-managed `alias/aws/ssm` key, which needs no
   * IAM grant (see the role policy).
   */
  readonly secretKmsKeyArn?: pulumi.Input<string>;
  /** The receiver code (handler `index.handler`). Default: `buildReceiverBundle()` from lambda/. */
  readonly code?: pulumi.Input<pulumi.asset.Archive>;
  /** Added to every taggable child. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The kinds of resources this component creates that take `tags` (the others are sub-resources without tags). */
export const TAGGED_RESOURCE_TYPES = [
  "aws:apigatewayv2/api:Api",
  "aws:apigatewayv2/stage:Stage",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:iam/role:Role",
  "aws:lambda/function:Function",
  "aws:sns/topic:Topic",
  "aws:sqs/queue:Queue",
  "aws:ssm/parameter:Parameter",
] as const;

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
  public readonly alarms: {
    readonly deadLetterQueue: aws.cloudwatch.MetricAlarm;
    readonly lambdaErrors: aws.cloudwatch.MetricAlarm;
    readonly api5xx: aws.cloudwatch.MetricAlarm;
    readonly forbidden: aws.cloudwatch.MetricAlarm;
  };
  public readonly alarmTopic?: aws.sns.Topic;
  public readonly alarmSubscription?: aws.sns.TopicSubscription;

  constructor(
    name: string,
    args: PolarWebhookIngressArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    // Before super: bad arguments fail without registering a half-built component.
    PolarWebhookIngress.validateArgs(name, args);
    super("polar-webhooks:index:PolarWebhookIngress", name, {}, opts);

    const path = args.path ?? DEFAULT_WEBHOOK_PATH;
    const fifo = args.queueKind === "fifo";
    const tags = { ...args.tags };
    const logRetentionDays = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
    const consumerTimeout = args.consumerTimeoutSeconds ?? DEFAULT_CONSUMER_TIMEOUT_SECONDS;
    const functionName = `${name}-receiver`;
    const parameterName = args.secretParameterName ?? `/${name}/webhook-secrets`;
    this.path = path;

    // ---- Queues -------------------------------------------------------------------------------------------------
    // Physical names are explicit (not auto-named): FIFO queues must end in ".fifo", and the names show up in
    // alarms and consoles. `name` carries the stack (see infra/index.ts), so stacks in one account do not collide.
    const queueSuffix = fifo ? ".fifo" : "";
    const fifoArgs = fifo
      ? {
          fifoQueue: true,
          // The receiver sets MessageDeduplicationId = webhook-id, so content-based dedup stays off, and each
          // webhook-id is its own message group: no head-of-line blocking, high-throughput mode per group.
          contentBasedDeduplication: false,
          deduplicationScope: "messageGroup",
          fifoThroughputLimit: "perMessageGroupId",
        }
      : {};
    this.queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        name: `${name}-queue${queueSuffix}`,
        ...fifoArgs,
        sqsManagedSseEnabled: true,
        // Set explicitly: the receiver accepts bodies up to this (minus attribute headroom), and AWS's default has
        // changed over time (256 KiB → 1 MiB).
        maxMessageSize: SQS_MAX_MESSAGE_BYTES,
        messageRetentionSeconds: args.messageRetentionSeconds ?? FOURTEEN_DAYS_SECONDS,
        visibilityTimeoutSeconds: consumerTimeout * VISIBILITY_TIMEOUT_FACTOR,
        // Long polling for consumers: fewer empty receives.
        receiveWaitTimeSeconds: 20,
        tags,
      },
      { parent: this },
    );

    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      {
        name: `${name}-dlq${queueSuffix}`,
        // A FIFO source queue needs a FIFO DLQ.
        ...(fifo ? { fifoQueue: true } : {}),
        sqsManagedSseEnabled: true,
        maxMessageSize: SQS_MAX_MESSAGE_BYTES,
        // Always the maximum: a message keeps its original enqueue time when it moves here, so a shorter DLQ
        // retention than the source's would drop it at once.
        messageRetentionSeconds: FOURTEEN_DAYS_SECONDS,
        // Only our queue may use this DLQ.
        redriveAllowPolicy: pulumi.jsonStringify({
          redrivePermission: "byQueue",
          sourceQueueArns: [this.queue.arn],
        }),
        tags,
      },
      { parent: this },
    );

    // A separate resource (Pulumi's recommendation): the queue itself then never depends on the DLQ.
    this.redrivePolicy = new aws.sqs.RedrivePolicy(
      `${name}-redrive`,
      {
        queueUrl: this.queue.url,
        redrivePolicy: pulumi.jsonStringify({
          deadLetterTargetArn: this.deadLetterQueue.arn,
          // A number, not a string: SQS rejects "5".
          maxReceiveCount: args.maxReceiveCount ?? 5,
        }),
      },
      { parent: this },
    );

    // ---- Signing secrets ----------------------------------------------------------------------------------------
    this.secretParameter = new aws.ssm.Parameter(
      `${name}-secrets`,
      {
        name: parameterName,
        type: "SecureString",
        description: 'Polar webhook signing secrets read by the receiver: {"current", "previous"}',
        ...(args.secretKmsKeyArn ? { keyId: args.secretKmsKeyArn } : {}),
        // pulumi.secret: encrypted in state and never printed, even if the caller passed plain strings.
        value: pulumi.secret(
          pulumi
            .output(args.signingSecrets)
            .apply((s) => JSON.stringify({ current: s.current, previous: s.previous ?? null })),
        ),
        tags,
      },
      { parent: this },
    );

    // ---- Receiver -----------------------------------------------------------------------------------------------
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Polar webhook receiver ${functionName}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "lambda.amazonaws.com" },
              Action: "sts:AssumeRole",
            },
          ],
        }),
        tags,
      },
      { parent: this },
    );

    // Created up front, with retention: otherwise Lambda creates `/aws/lambda/<fn>` itself, kept forever, and the
    // role would need logs:CreateLogGroup on "*".
    this.functionLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-receiver-logs`,
      { name: `/aws/lambda/${functionName}`, retentionInDays: logRetentionDays, tags },
      { parent: this },
    );

    // Least privilege, every statement on one ARN of this component; no "*" resource anywhere:
    // - no logs:CreateLogGroup (the group above exists before the function);
    // - no kms:* for SQS: SSE-SQS uses SQS-owned keys, invisible to IAM;
    // - no X-Ray (xray:PutTraceSegments only works on "*").
    // Two policies: this one is in place before the function exists; the secrets policy below can only follow the
    // parameter, which follows the Polar endpoint, which follows this API (a request in between answers 503 and
    // Polar retries it).
    this.rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "Enqueue",
              Effect: "Allow",
              Action: "sqs:SendMessage",
              Resource: this.queue.arn,
            },
            {
              Sid: "WriteOwnLogs",
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: pulumi.interpolate`${this.functionLogGroup.arn}:*`,
            },
          ],
        }),
      },
      { parent: this },
    );

    // No kms:Decrypt for the AWS-managed alias/aws/ssm key: its key policy already lets any principal of the account
    // decrypt through SSM (kms:ViaService ssm.<region>), so ssm:GetParameter (WithDecryption) suffices. Only a
    // customer-managed key needs the grant, limited to this parameter by SSM's encryption context.
    const secretStatements: pulumi.Input<Record<string, unknown>>[] = [
      {
        Sid: "ReadSigningSecrets",
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: this.secretParameter.arn,
      },
    ];
    if (args.secretKmsKeyArn) {
      secretStatements.push({
        Sid: "DecryptSigningSecrets",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: args.secretKmsKeyArn,
        Condition: {
          StringEquals: { "kms:EncryptionContext:PARAMETER_ARN": this.secretParameter.arn },
        },
      });
    }
    this.secretsPolicy = new aws.iam.RolePolicy(
      `${name}-secrets-policy`,
      {
        role: this.role.id,
        policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: secretStatements }),
      },
      { parent: this },
    );

    // Sizing, for answers well under Polar's 2 s guidance:
    // - memory 512 MB: Lambda gives CPU in proportion to memory (1,769 MB = 1 vCPU). The warm path is tiny (an
    //   HMAC and one SendMessage), but a cold start parses a ~430 KB bundle (two AWS SDK clients) and does two TLS
    //   handshakes (SSM, SQS); at 128 MB (≈7 % of a vCPU) that is where the 2 s budget goes. At webhook volumes the
    //   price difference is negligible (≈ $0.67 per million 100 ms arm64 invocations at 512 MB).
    // - timeout 10 s: Polar gives up on a request after 10 s, so running longer only costs money; the SDK clients'
    //   own time limits end a stuck SSM or SQS call sooner, answering 503 so Polar retries.
    // - arm64: same Node runtime, ~20 % cheaper per GB-second than x86_64; the bundle is pure JavaScript.
    this.function = new aws.lambda.Function(
      `${name}-receiver`,
      {
        name: functionName,
        description: "Verifies Polar webhook signatures and enqueues the events to SQS",
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        handler: "index.handler",
        code: args.code ?? defaultReceiverCode(),
        role: this.role.arn,
        memorySize: args.memorySize ?? 512,
        timeout: args.timeoutSeconds ?? 10,
        ...(args.reservedConcurrency !== undefined
          ? { reservedConcurrentExecutions: args.reservedConcurrency }
          : {}),
        environment: {
          variables: {
            [ENV.QUEUE_URL]: this.queue.url,
            // The parameter's name, a plain string: the secret itself never enters the environment (readable with
            // lambda:GetFunctionConfiguration), and the function does not wait for the Polar endpoint.
            [ENV.WEBHOOK_SECRET_PARAMETER]: parameterName,
          },
        },
        // The handler writes its own JSON lines to stdout; "Text" keeps Lambda from wrapping them again.
        loggingConfig: { logFormat: "Text", logGroup: this.functionLogGroup.name },
        tags,
      },
      { parent: this, dependsOn: [this.rolePolicy] },
    );

    // ---- HTTP API -----------------------------------------------------------------------------------------------
    this.api = new aws.apigatewayv2.Api(
      `${name}-api`,
      {
        protocolType: "HTTP",
        description: "Receives Polar webhooks",
        tags,
      },
      { parent: this },
    );

    this.integration = new aws.apigatewayv2.Integration(
      `${name}-integration`,
      {
        apiId: this.api.id,
        integrationType: "AWS_PROXY",
        integrationMethod: "POST",
        integrationUri: this.function.arn,
        // @pulumi/aws defaults to 1.0; the receiver reads the 2.0 event (lower-cased headers, rawPath, …).
        payloadFormatVersion: "2.0",
      },
      { parent: this },
    );

    this.route = new aws.apigatewayv2.Route(
      `${name}-route`,
      {
        apiId: this.api.id,
        // Only POST on the path reaches the Lambda; anything else gets API Gateway's 404 and costs no invocation.
        routeKey: `POST ${path}`,
        target: pulumi.interpolate`integrations/${this.integration.id}`,
      },
      { parent: this },
    );

    this.accessLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-access-logs`,
      { name: `/aws/apigateway/${name}`, retentionInDays: logRetentionDays, tags },
      { parent: this },
    );

    this.stage = new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: this.api.id,
        // "$default": the URL has no stage segment, so the endpoint URL is just <api endpoint><path>.
        name: "$default",
        autoDeploy: true,
        // Polar retries any non-2xx, a 429 included, so throttling loses nothing; it caps what a flood of unsigned
        // requests can cost (each one is an invocation, answered 403).
        defaultRouteSettings: {
          throttlingRateLimit: args.throttlingRateLimit ?? 50,
          throttlingBurstLimit: args.throttlingBurstLimit ?? 100,
        },
        accessLogSettings: {
          destinationArn: this.accessLogGroup.arn,
          format: ACCESS_LOG_FORMAT,
        },
        tags,
      },
      // The route must exist before the first auto-deployment, so `url` (which waits for the stage) is usable.
      { parent: this, dependsOn: [this.route] },
    );

    this.invokePermission = new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: this.function.name,
        principal: "apigateway.amazonaws.com",
        // This API's route only: <api>/<stage>/<METHOD><path>.
        sourceArn: pulumi.interpolate`${this.api.executionArn}/*/POST${path}`,
      },
      { parent: this },
    );

    this.url = pulumi
      .all([this.api.apiEndpoint, this.stage.id, this.invokePermission.id])
      .apply(([endpoint]) => `${endpoint}${path}`);

    // ---- Alarms -------------------------------------------------------------------------------------------------
    if (args.alarmEmail) {
      // No SSE on the topic: CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed aws/sns
      // key, and the notifications hold no secret (alarm names and metric values).
      this.alarmTopic = new aws.sns.Topic(`${name}-alarms`, { tags }, { parent: this });
      this.alarmSubscription = new aws.sns.TopicSubscription(
        `${name}-alarms-email`,
        { topic: this.alarmTopic.arn, protocol: "email", endpoint: args.alarmEmail },
        { parent: this },
      );
    }
    const actions = this.alarmTopic ? [this.alarmTopic.arn] : [];
    const alarm = (
      suffix: string,
      description: string,
      metric: Pick<
        aws.cloudwatch.MetricAlarmArgs,
        "namespace" | "metricName" | "dimensions" | "statistic" | "threshold"
      >,
    ) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}`,
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
        { parent: this },
      );

    // API Gateway HTTP APIs publish only 4xx and 5xx counts, so 403s (bad or stale signatures: a wrong secret
    // after a rotation, or someone probing the URL) are counted from the access log's `status` field.
    const forbiddenNamespace = "PolarWebhooks";
    const forbiddenMetricName = `${name}-forbidden`;
    this.forbiddenMetricFilter = new aws.cloudwatch.LogMetricFilter(
      `${name}-forbidden`,
      {
        logGroupName: this.accessLogGroup.name,
        pattern: "{ $.status = 403 }",
        metricTransformation: {
          namespace: forbiddenNamespace,
          name: forbiddenMetricName,
          value: "1",
          unit: "Count",
        },
      },
      { parent: this },
    );

    this.alarms = {
      deadLetterQueue: alarm(
        "dlq-not-empty",
        "Polar webhook events are in the dead-letter queue: consumers failed them repeatedly",
        {
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: this.deadLetterQueue.name },
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
          dimensions: { FunctionName: this.function.name },
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
          dimensions: { ApiId: this.api.id, Stage: this.stage.name },
          statistic: "Sum",
          threshold: 0,
        },
      ),
      forbidden: alarm(
        "forbidden-spike",
        "Many Polar webhook requests failed signature verification (403): wrong secret or probing",
        {
          namespace: forbiddenNamespace,
          metricName: forbiddenMetricName,
          statistic: "Sum",
          threshold: args.forbiddenAlarmThreshold ?? 10,
        },
      ),
    };

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
    });
  }

  /**
   * Internal. Exported for testing. Checks the plain arguments AWS would reject only at deploy time, all at once,
   * naming each argument.
   */
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
    // 64 characters is Lambda's function-name limit; "-receiver" is appended.
    if (!/^[A-Za-z0-9-]{1,55}$/.test(name)) {
      problems.push(`[name] must be 1-55 letters, digits or "-" (got ${JSON.stringify(name)})`);
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
    if (problems.length > 0) {
      throw new Error(`PolarWebhookIngress ${name}: ${problems.join("; ")}`);
    }
  }
}

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

function defaultReceiverCode(): Promise<pulumi.asset.Archive> {
  return buildReceiverBundle().then(
    (bundle) =>
      new pulumi.asset.AssetArchive({
        [bundle.fileName]: new pulumi.asset.StringAsset(bundle.code),
      }),
  );
}
