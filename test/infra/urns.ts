// The URNs the program registered before PolarWebhookIngress was split into per-concern files. A URN is
// what an existing stack matches resources by: any change here is a delete + create on the next `up`.
const COMPONENT = "polar-webhooks:index:PolarWebhookIngress";

/** [child type, name suffix after `<project>-<stack>-`]: every child, as registered by the original code. */
const CHILDREN: readonly (readonly [string, string])[] = [
  ["aws:apigatewayv2/api:Api", "api"],
  ["aws:apigatewayv2/integration:Integration", "integration"],
  ["aws:apigatewayv2/route:Route", "route"],
  ["aws:apigatewayv2/stage:Stage", "stage"],
  ["aws:cloudwatch/logGroup:LogGroup", "access-logs"],
  ["aws:cloudwatch/logGroup:LogGroup", "receiver-logs"],
  ["aws:cloudwatch/logMetricFilter:LogMetricFilter", "forbidden"],
  ["aws:cloudwatch/metricAlarm:MetricAlarm", "api-5xx"],
  ["aws:cloudwatch/metricAlarm:MetricAlarm", "dlq-not-empty"],
  ["aws:cloudwatch/metricAlarm:MetricAlarm", "forbidden-spike"],
  ["aws:cloudwatch/metricAlarm:MetricAlarm", "receiver-errors"],
  ["aws:iam/role:Role", "role"],
  ["aws:iam/rolePolicy:RolePolicy", "policy"],
  ["aws:iam/rolePolicy:RolePolicy", "secrets-policy"],
  ["aws:lambda/function:Function", "receiver"],
  ["aws:lambda/permission:Permission", "invoke"],
  ["aws:sqs/queue:Queue", "dlq"],
  ["aws:sqs/queue:Queue", "queue"],
  ["aws:sqs/redrivePolicy:RedrivePolicy", "redrive"],
  ["aws:ssm/parameter:Parameter", "secrets"],
];
const ALARM_EMAIL_CHILDREN: readonly (readonly [string, string])[] = [
  ["aws:sns/topic:Topic", "alarms"],
  ["aws:sns/topicSubscription:TopicSubscription", "alarms-email"],
];
// Added with the dashboard and the consumer; pinned from then on like the ones above.
const DASHBOARD_CHILDREN: readonly (readonly [string, string])[] = [
  ["aws:cloudwatch/dashboard:Dashboard", "dashboard"],
  ["aws:cloudwatch/logMetricFilter:LogMetricFilter", "enqueue-failures"],
];
// Added with the API-throttling alarm.
const THROTTLING_CHILDREN: readonly (readonly [string, string])[] = [
  ["aws:cloudwatch/logMetricFilter:LogMetricFilter", "throttled"],
  ["aws:cloudwatch/metricAlarm:MetricAlarm", "api-throttled"],
];
// The stack's Polar endpoint: declared by the program itself until the component made it (`endpoint`), since
// then a child, aliased to its earlier URN (ENDPOINT_ALIAS), so existing stacks keep the endpoint and its secret.
const ENDPOINT_CHILDREN: readonly (readonly [string, string])[] = [
  ["pulumi-nodejs:dynamic/polar:WebhookEndpoint", "endpoint"],
];
const CONSUMER_CHILDREN: readonly (readonly [string, string])[] = [
  ["aws:cloudwatch/logGroup:LogGroup", "consumer-logs"],
  ["aws:cloudwatch/logMetricFilter:LogMetricFilter", "consumer-failed-records"],
  ["aws:cloudwatch/metricAlarm:MetricAlarm", "consumer-errors"],
  ["aws:cloudwatch/metricAlarm:MetricAlarm", "consumer-failed-records"],
  ["aws:cloudwatch/metricAlarm:MetricAlarm", "oldest-message-age"],
  ["aws:dynamodb/table:Table", "idempotency"],
  ["aws:iam/role:Role", "consumer-role"],
  ["aws:iam/rolePolicy:RolePolicy", "consumer-policy"],
  ["aws:lambda/eventSourceMapping:EventSourceMapping", "consumer-trigger"],
  ["aws:lambda/function:Function", "consumer"],
];

/** Every URN of a stack of this project, sorted. */
export function expectedUrns(
  stack: string,
  options: { alarmEmail: boolean; consumer: boolean; endpoints: readonly string[] },
): string[] {
  const prefix = `urn:pulumi:${stack}::polar-webhooks::`;
  const name = `polar-webhooks-${stack}`;
  const children = [
    ...CHILDREN,
    ...(options.alarmEmail ? ALARM_EMAIL_CHILDREN : []),
    ...DASHBOARD_CHILDREN,
    ...THROTTLING_CHILDREN,
    ...ENDPOINT_CHILDREN,
    ...(options.consumer ? CONSUMER_CHILDREN : []),
  ];
  return [
    `${prefix}${COMPONENT}::${name}`,
    ...children.map(([type, suffix]) => `${prefix}${COMPONENT}$${type}::${name}-${suffix}`),
    ...options.endpoints.map((e) => `${prefix}pulumi-nodejs:dynamic/polar:WebhookEndpoint::${e}`),
  ].sort();
}

/** The URN the stack's endpoint had when the program declared it: the component's endpoint keeps it as an alias. */
export function endpointAlias(stack: string): string {
  return `urn:pulumi:${stack}::polar-webhooks::pulumi-nodejs:dynamic/polar:WebhookEndpoint::webhook-endpoint`;
}
