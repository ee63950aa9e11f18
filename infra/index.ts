/**
 * The program: one stack = one environment. No cycle: the API exists first, the Polar endpoint is created with its
 * URL, and the secret Polar generates goes into the SSM parameter the receiver reads at run time.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { WebhookEndpoint } from "../providers/polar";
import { PROJECT_ROOT, readStackConfig, serverMismatchWarning } from "./config";
import { PolarWebhookIngress, type SigningSecrets } from "./ingress";
import { signingSecretsFor } from "./rotation";

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

// The secrets come from the endpoint, which needs the ingress URL: resolved below.
const [signingSecrets, resolveSigningSecrets] = pulumi.deferredOutput<SigningSecrets>();

// Physical names carry the stack, so dev and prod can share one AWS account and region.
const ingress = new PolarWebhookIngress(`${project}-${stack}`, {
  signingSecrets,
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

const endpointOptions = {
  ...(settings.apiVersion ? { apiVersion: settings.apiVersion } : {}),
  ...(settings.organizationId ? { organizationId: settings.organizationId } : {}),
};

const endpoint = new WebhookEndpoint("webhook-endpoint", {
  url: ingress.url,
  events: [...settings.events],
  format: "raw",
  name: `${project}-${stack}`,
  ...endpointOptions,
  ...(settings.adoptEndpointId ? { adoptId: settings.adoptEndpointId } : {}),
  ...(settings.secretRotation ? { secretRotation: settings.secretRotation } : {}),
});

// The previous secret stays valid for rotationGraceHours after the rotation (infra/rotation.ts).
resolveSigningSecrets(
  pulumi.secret(
    pulumi
      .all([
        endpoint.secret,
        endpoint.previousSecret,
        endpoint.secretRotatedAt,
        endpoint.modifiedAt,
      ])
      .apply(([secret, previousSecret, secretRotatedAt, modifiedAt]) =>
        signingSecretsFor(
          { secret, previousSecret, secretRotatedAt, modifiedAt },
          settings.rotationGraceHours,
        ),
      ),
  ),
);

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
