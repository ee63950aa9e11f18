/** Physical names derived from the component's name, each with AWS's limit; new named children add theirs. */

export const queueName = (name: string, fifo: boolean) => `${name}-queue${fifo ? ".fifo" : ""}`;
export const deadLetterQueueName = (name: string, fifo: boolean) =>
  `${name}-dlq${fifo ? ".fifo" : ""}`;
export const receiverFunctionName = (name: string) => `${name}-receiver`;
export const lambdaLogGroupName = (functionName: string) => `/aws/lambda/${functionName}`;
export const accessLogGroupName = (name: string) => `/aws/apigateway/${name}`;
export const secretParameterName = (name: string) => `/${name}/webhook-secrets`;
export const forbiddenMetricName = (name: string) => `${name}-forbidden`;
export const throttledMetricName = (name: string) => `${name}-throttled`;
export const enqueueFailuresMetricName = (name: string) => `${name}-enqueue-failures`;
export const consumerFunctionName = (name: string) => `${name}-consumer`;
/** Explicit (not auto-named): `<name>-consumer-role-` + 7 characters would lower the longest name to 43. */
export const consumerRoleName = (name: string) => `${name}-consumer`;
export const failedRecordsMetricName = (name: string) => `${name}-consumer-failed-records`;
export const idempotencyTableName = (name: string) => `${name}-idempotency`;
export const dashboardName = (name: string) => name;

export interface DerivedName {
  readonly what: string;
  readonly limit: number;
  /** Its longest value for a component named `name`. */
  readonly derive: (name: string) => string;
}

/** Pulumi's AWS autonaming: the resource name, "-" and 7 random hex characters. */
const autonamed = (resourceName: string) => `${resourceName}-${"0".repeat(7)}`;

export const DERIVED_NAMES: readonly DerivedName[] = [
  { what: "SQS queue name", limit: 80, derive: (n) => queueName(n, true) },
  { what: "SQS dead-letter queue name", limit: 80, derive: (n) => deadLetterQueueName(n, true) },
  // 1011 including the parameter's ARN prefix (at most ~60 characters).
  { what: "SSM parameter name", limit: 950, derive: secretParameterName },
  { what: "IAM role name", limit: 64, derive: (n) => autonamed(`${n}-role`) },
  { what: "IAM role policy name", limit: 128, derive: (n) => autonamed(`${n}-secrets-policy`) },
  { what: "Lambda function name", limit: 64, derive: receiverFunctionName },
  {
    what: "Lambda log group name",
    limit: 512,
    derive: (n) => lambdaLogGroupName(receiverFunctionName(n)),
  },
  { what: "Lambda permission statement id", limit: 100, derive: (n) => autonamed(`${n}-invoke`) },
  { what: "HTTP API name", limit: 128, derive: (n) => autonamed(`${n}-api`) },
  { what: "access log group name", limit: 512, derive: accessLogGroupName },
  {
    what: "metric filter name",
    limit: 512,
    derive: (n) => autonamed(`${n}-consumer-failed-records`),
  },
  { what: "CloudWatch metric name", limit: 255, derive: failedRecordsMetricName },
  { what: "alarm name", limit: 255, derive: (n) => autonamed(`${n}-consumer-failed-records`) },
  { what: "SNS topic name", limit: 256, derive: (n) => autonamed(`${n}-alarms`) },
  { what: "consumer Lambda function name", limit: 64, derive: consumerFunctionName },
  { what: "consumer IAM role name", limit: 64, derive: consumerRoleName },
  {
    what: "consumer IAM role policy name",
    limit: 128,
    derive: (n) => autonamed(`${n}-consumer-policy`),
  },
  { what: "DynamoDB table name", limit: 255, derive: idempotencyTableName },
  { what: "CloudWatch dashboard name", limit: 255, derive: dashboardName },
];

/** The longest component name whose derived names all fit. */
export const MAX_NAME_LENGTH = Math.min(...DERIVED_NAMES.map((d) => d.limit - d.derive("").length));

/** The derived name with the least room that overflows for this `name`, if any. */
export function tightestOverflow(
  name: string,
): { what: string; limit: number; length: number } | undefined {
  const room = (d: DerivedName) => d.limit - d.derive("").length;
  const over = DERIVED_NAMES.filter((d) => d.derive(name).length > d.limit);
  over.sort((a, b) => room(a) - room(b));
  return (
    over[0] && { what: over[0].what, limit: over[0].limit, length: over[0].derive(name).length }
  );
}
