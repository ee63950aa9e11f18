/**
 * The program: one stack = one environment. Declares the AWS ingress (API Gateway → verifying Lambda → SQS + DLQ,
 * alarms) and the Polar webhook endpoint that points at it, plus optional notification endpoints.
 *
 * Order, with no cycle: the API and its route exist first; the Polar endpoint is created with their URL and Polar
 * generates its signing secret; that secret goes into the SSM SecureString the receiver reads at run time.
 */
import * as pulumi from "@pulumi/pulumi";
import { WebhookEndpoint } from "../providers/polar";
import { readStackConfig, serverMismatchWarning } from "./config";
import { PolarWebhookIngress, type SigningSecrets } from "./ingress";

const project = pulumi.getProject();
const stack = pulumi.getStack();

// Before any resource: a bad value fails the preview with every bad key listed, and nothing is created.
const settings = readStackConfig();
const mismatch = serverMismatchWarning(stack, settings.server);
if (mismatch) {
  pulumi.log.warn(mismatch);
}

// Tags are set explicitly on every taggable child by the component (see its `tags` arg), rather than by
//  - a stack transform (`pulumi.runtime.registerResourceTransform`): it does not run under `setMocks` (the call
//    throws there), so the unit tests could not prove that every resource is tagged;
//  - an explicit `aws.Provider` with `defaultTags`: an explicit provider ignores the stack's `aws:*` config
//    (profile, assumeRoles, region…), so every such key would have to be forwarded by hand.
// The program's keys come last: config cannot override them (parseStackConfig rejects them too).
const tags: Record<string, string> = { ...settings.tags, project, stack };

// The receiver's secrets come from the endpoint, which needs the ingress URL: resolved below, once it exists.
const [signingSecrets, resolveSigningSecrets] = pulumi.deferredOutput<SigningSecrets>();

// Physical names carry the stack, so dev and prod can share one AWS account and region.
const ingress = new PolarWebhookIngress(`${project}-${stack}`, {
  signingSecrets,
  path: settings.path,
  queueKind: settings.queueKind,
  consumerTimeoutSeconds: settings.consumerTimeoutSeconds,
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

resolveSigningSecrets(
  pulumi.secret(
    pulumi
      .all([endpoint.secret, endpoint.previousSecret])
      .apply(([current, previous]) => ({ current, previous: previous ?? null })),
  ),
);

// Notification endpoints (Slack, Discord, another receiver). Their URLs are credentials (anyone holding a Slack
// incoming-webhook URL can post to the channel), so they are secrets in state whether or not the config was set
// with --secret. Their signing secrets are not stored anywhere: Slack and Discord do not verify them.
for (const extra of settings.extraEndpoints) {
  new WebhookEndpoint(`webhook-endpoint-${extra.name}`, {
    url: pulumi.secret(extra.url),
    events: [...extra.events],
    // Unset: the provider detects Slack/Discord from the URL, as Polar's dashboard does.
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
