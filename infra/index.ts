/**
 * The program: one stack = one environment, over the package's public entry point (infra/package.ts). The component
 * creates the API, then the Polar endpoint at its URL; the secret Polar generates goes into the SSM parameter the
 * receiver reads at run time.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PolarWebhookIngress, WebhookEndpoint } from "./package";
import { PROJECT_ROOT, readStackConfig, serverMismatchWarning } from "./config";

/** The type token of `WebhookEndpoint`, for the alias below. */
const WEBHOOK_ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";

const project = pulumi.getProject();
const stack = pulumi.getStack();

// Before any resource: bad config fails the preview with every problem listed, and nothing is created.
const settings = readStackConfig();
const mismatch = serverMismatchWarning(stack, settings.server);
if (mismatch) {
  pulumi.log.warn(mismatch);
}

// Tags go through the component, not a stack transform (untestable under setMocks) nor an explicit aws.Provider
// with defaultTags (it would ignore the stack's aws:* config). The program's keys win over config.
const tags: Record<string, string> = { ...settings.tags, project, stack };

const endpointOptions = {
  ...(settings.apiVersion ? { apiVersion: settings.apiVersion } : {}),
  ...(settings.organizationId ? { organizationId: settings.organizationId } : {}),
};

// Physical names carry the stack, so dev and prod can share one AWS account and region.
const ingress = new PolarWebhookIngress(`${project}-${stack}`, {
  // The endpoint at the ingress's URL; its secret goes to SSM, the previous one kept for rotationGraceHours.
  endpoint: {
    events: [...settings.events],
    name: `${project}-${stack}`,
    ...endpointOptions,
    ...(settings.adoptEndpointId ? { adoptId: settings.adoptEndpointId } : {}),
    ...(settings.secretRotation ? { secretRotation: settings.secretRotation } : {}),
    rotationGraceHours: settings.rotationGraceHours,
    // This program declared the endpoint itself before the component did: same resource, same secret.
    aliases: [pulumi.createUrn("webhook-endpoint", WEBHOOK_ENDPOINT_TYPE)],
  },
  path: settings.path,
  queueKind: settings.queueKind,
  consumerTimeoutSeconds: settings.consumerTimeoutSeconds,
  ...(settings.consumer
    ? {
        consumer: {
          entry: path.resolve(PROJECT_ROOT, settings.consumer),
          memorySize: settings.consumerMemorySize,
          batchSize: settings.consumerBatchSize,
          batchingWindowSeconds: settings.consumerBatchingWindowSeconds,
          maxConcurrency: settings.consumerMaxConcurrency,
          lagAlarmSeconds: settings.consumerLagAlarmSeconds,
        },
      }
    : {}),
  reservedConcurrency: settings.reservedConcurrency,
  logRetentionDays: settings.logRetentionDays,
  alarmEmail: settings.alarmEmail,
  tags,
});
// Given `endpoint`, the component always makes one.
const endpoint = ingress.endpoint as WebhookEndpoint;

// Notification endpoints: their URLs are credentials, so secrets in state; Slack and Discord verify no signature,
// so their signing secrets are not stored.
for (const extra of settings.extraEndpoints) {
  new WebhookEndpoint(`webhook-endpoint-${extra.name}`, {
    url: pulumi.secret(extra.url),
    events: [...extra.events],
    // Unset: the provider detects Slack/Discord from the URL.
    ...(extra.format ? { format: extra.format } : {}),
    name: `${project}-${stack}-${extra.name}`,
    ...endpointOptions,
  });
}

export const webhookUrl = ingress.url;
export const endpointId = endpoint.id;
export const queueUrl = ingress.queue.url;
export const queueArn = ingress.queue.arn;
export const deadLetterQueueUrl = ingress.deadLetterQueue.url;
export const secretParameterName = ingress.secretParameter.name;
export const dashboardUrl = ingress.dashboardUrl;
// Undefined (no output) without polar-webhooks:consumer.
export const consumerFunctionName = ingress.consumer?.function.name;
export const idempotencyTableName = ingress.consumer?.idempotencyTable.name;
/** When the last rotation took effect; the previous secret is accepted until this + rotationGraceHours. */
export const secretRotatedAt = endpoint.secretRotatedAt;
