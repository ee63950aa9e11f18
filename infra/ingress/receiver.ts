import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildReceiverBundle } from "../../infra/bundle";
import { ENV } from "../../lambda";
import { LAMBDA_ASSUME_ROLE_POLICY, type LogRetentionDays, type Tags } from "./constants";
import { lambdaLogGroupName, receiverFunctionName } from "./names";

export interface ReceiverArgs {
  readonly queue: aws.sqs.Queue;
  readonly secretParameter: aws.ssm.Parameter;
  /** The parameter's name as a plain string, so the function does not wait for the Polar endpoint. */
  readonly secretParameterName: string;
  readonly secretKmsKeyArn?: pulumi.Input<string>;
  readonly code?: pulumi.Input<pulumi.asset.Archive>;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency?: number;
  readonly logRetentionDays: LogRetentionDays;
  readonly tags: Tags;
}

export interface Receiver {
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly secretsPolicy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly function: aws.lambda.Function;
}

/** The verifying Lambda with its role, least-privilege policies and log group, children of `parent`. */
export function createReceiver(
  name: string,
  parent: pulumi.Resource,
  args: ReceiverArgs,
): Receiver {
  const { tags } = args;
  const functionName = receiverFunctionName(name);

  const role = new aws.iam.Role(
    `${name}-role`,
    {
      description: `Polar webhook receiver ${functionName}`,
      assumeRolePolicy: LAMBDA_ASSUME_ROLE_POLICY,
      tags,
    },
    { parent },
  );

  // Created up front with a retention; otherwise Lambda creates it, kept forever, and the role would need
  // logs:CreateLogGroup on "*".
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-receiver-logs`,
    { name: lambdaLogGroupName(functionName), retentionInDays: args.logRetentionDays, tags },
    { parent },
  );

  // Every statement on one ARN of this component. No kms:* for SQS (SSE-SQS keys are invisible to IAM), no
  // X-Ray (it only works on "*"). Separate from the secrets policy, which can only follow the parameter
  // (→ Polar endpoint → API → this function): the function must exist before it.
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-policy`,
    {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "Enqueue", Effect: "Allow", Action: "sqs:SendMessage", Resource: args.queue.arn },
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

  // The AWS-managed alias/aws/ssm key lets any principal of the account decrypt through SSM, so only a
  // customer-managed key needs kms:Decrypt, limited to this parameter by SSM's encryption context.
  const secretStatements: pulumi.Input<Record<string, unknown>>[] = [
    {
      Sid: "ReadSigningSecrets",
      Effect: "Allow",
      Action: "ssm:GetParameter",
      Resource: args.secretParameter.arn,
    },
  ];
  if (args.secretKmsKeyArn) {
    secretStatements.push({
      Sid: "DecryptSigningSecrets",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: args.secretKmsKeyArn,
      Condition: {
        StringEquals: { "kms:EncryptionContext:PARAMETER_ARN": args.secretParameter.arn },
      },
    });
  }
  const secretsPolicy = new aws.iam.RolePolicy(
    `${name}-secrets-policy`,
    {
      role: role.id,
      policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: secretStatements }),
    },
    { parent },
  );

  // 512 MB: CPU scales with memory, and a cold start (parsing the bundle, two TLS handshakes) at 128 MB eats
  // Polar's 2 s guidance. arm64: ~20 % cheaper, and the bundle is pure JavaScript.
  const fn = new aws.lambda.Function(
    `${name}-receiver`,
    {
      name: functionName,
      description: "Verifies Polar webhook signatures and enqueues the events to SQS",
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      handler: "index.handler",
      code: args.code ?? defaultReceiverCode(),
      role: role.arn,
      memorySize: args.memorySize,
      timeout: args.timeoutSeconds,
      ...(args.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: args.reservedConcurrency }
        : {}),
      environment: {
        variables: {
          [ENV.QUEUE_URL]: args.queue.url,
          // The name only: the secret never enters the environment (readable with GetFunctionConfiguration).
          [ENV.WEBHOOK_SECRET_PARAMETER]: args.secretParameterName,
        },
      },
      // The handler writes its own JSON lines; "Text" keeps Lambda from wrapping them again.
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      tags,
    },
    { parent, dependsOn: [rolePolicy] },
  );

  return { role, rolePolicy, secretsPolicy, logGroup, function: fn };
}

function defaultReceiverCode(): Promise<pulumi.asset.Archive> {
  return buildReceiverBundle().then(
    (bundle) =>
      new pulumi.asset.AssetArchive({
        [bundle.fileName]: new pulumi.asset.StringAsset(bundle.code),
      }),
  );
}
