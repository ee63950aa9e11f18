import * as pulumi from "@pulumi/pulumi";
import { WebhookEndpoint, type WebhookEndpointArgs } from "../../providers/polar";
import { MAX_ROTATION_GRACE_HOURS, signingSecretsFor } from "./rotation";
import type { SigningSecrets } from "./secret";

/** Default hours the previous secret stays valid after a rotation (`polar-webhooks:rotationGraceHours`). */
export const DEFAULT_ROTATION_GRACE_HOURS = 24;

/**
 * The Polar endpoint the component creates (and so owns) at its own URL, instead of taking `signingSecrets`: its
 * secrets go to SSM with `rotationGraceHours` of overlap after each rotation.
 */
export interface PolarWebhookIngressEndpointArgs {
  /** Polar event types to deliver. */
  readonly events: WebhookEndpointArgs["events"];
  /** Body format. Default "raw": Slack and Discord bodies are not signed events for the receiver. */
  readonly format?: WebhookEndpointArgs["format"];
  /** Shown in Polar's dashboard. Default: the component's name. */
  readonly name?: WebhookEndpointArgs["name"];
  /** Payload version, e.g. "2026-10". Default: Polar's. */
  readonly apiVersion?: WebhookEndpointArgs["apiVersion"];
  /** Only with a personal token (see WebhookEndpoint). */
  readonly organizationId?: WebhookEndpointArgs["organizationId"];
  /** Take over this existing endpoint (its secret is kept) instead of creating one. */
  readonly adoptId?: WebhookEndpointArgs["adoptId"];
  /** Any change resets the signing secret; the previous one stays valid for `rotationGraceHours`. */
  readonly secretRotation?: WebhookEndpointArgs["secretRotation"];
  /** Whole hours from 0 to 168 the receiver still accepts the previous secret after a rotation. Default 24. */
  readonly rotationGraceHours?: number;
  /**
   * Earlier names of the endpoint resource (Pulumi aliases), for a stack that declared its `WebhookEndpoint` itself
   * before: without one, the next `up` would replace the endpoint, and a replacement means a new secret.
   */
  readonly aliases?: pulumi.Input<pulumi.URN | pulumi.Alias>[];
}

/** What the component checks before it registers anything. */
export function endpointArgProblems(endpoint: PolarWebhookIngressEndpointArgs): string[] {
  const grace = endpoint.rotationGraceHours;
  if (
    grace !== undefined &&
    (!Number.isInteger(grace) || grace < 0 || grace > MAX_ROTATION_GRACE_HOURS)
  ) {
    return [
      `[endpoint.rotationGraceHours] must be a whole number from 0 to ${MAX_ROTATION_GRACE_HOURS} (got ${String(grace)})`,
    ];
  }
  return [];
}

/** The endpoint at `url`, a child of `parent`, and the SSM value its outputs give. */
export function createEndpoint(
  name: string,
  parent: pulumi.Resource,
  args: { readonly endpoint: PolarWebhookIngressEndpointArgs; readonly url: pulumi.Input<string> },
): { endpoint: WebhookEndpoint; signingSecrets: pulumi.Output<SigningSecrets> } {
  const { rotationGraceHours, aliases, format, name: endpointName, ...rest } = args.endpoint;
  const endpoint = new WebhookEndpoint(
    `${name}-endpoint`,
    { ...rest, url: args.url, format: format ?? "raw", name: endpointName ?? name },
    { parent, ...(aliases ? { aliases } : {}) },
  );
  const signingSecrets = pulumi.secret(
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
          rotationGraceHours ?? DEFAULT_ROTATION_GRACE_HOURS,
        ),
      ),
  );
  return { endpoint, signingSecrets };
}
