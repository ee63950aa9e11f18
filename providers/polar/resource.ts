import * as pulumi from "@pulumi/pulumi";
import type { WebhookEventType } from "./events";
import { ownerOf } from "./owner";
import { webhookEndpointProvider } from "./provider";
import type { WebhookFormat } from "./url";

export interface WebhookEndpointArgs {
  /** The https URL Polar delivers to. Normalized the way Polar stores it. */
  readonly url: pulumi.Input<string>;
  /** Polar event types to deliver (see WEBHOOK_EVENT_TYPES). */
  readonly events: pulumi.Input<pulumi.Input<WebhookEventType>[]>;
  /** Body format. Default: detected from a Slack or Discord webhook URL, else "raw". */
  readonly format?: pulumi.Input<WebhookFormat>;
  readonly name?: pulumi.Input<string>;
  /** Default true. Polar disables failing endpoints on its own; `pulumi up` turns them back on. */
  readonly enabled?: pulumi.Input<boolean>;
  /** API version of event payloads, e.g. "2026-10". Default: Polar's current default. */
  readonly apiVersion?: pulumi.Input<string>;
  /** Required with a personal/user token; must be omitted with an organization token. Changing it replaces the endpoint. */
  readonly organizationId?: pulumi.Input<string>;
  /** Take over this existing endpoint (by id) instead of creating one; its secret is kept. */
  readonly adoptId?: pulumi.Input<string>;
  /**
   * Any change of this marker resets the signing secret; the old one stays in `previousSecret` and
   * the instant in `secretRotatedAt`.
   */
  readonly secretRotation?: pulumi.Input<string>;
  /**
   * Your own signing secret (at least 32 characters), e.g. the POLAR_WEBHOOK_SECRET a receiver
   * already verifies with: sent when the endpoint is created, always as a Pulumi secret. Polar has
   * deprecated client-chosen secrets and may generate its own instead (then the resource warns,
   * and `secret` is Polar's). Changing it on an existing endpoint fails the preview: rotate with
   * `secretRotation`.
   */
  readonly secret?: pulumi.Input<string>;
}

/**
 * A Polar webhook endpoint. The resource id is Polar's endpoint id; `secret` and `previousSecret`
 * are always Pulumi secrets. Only a change of `organizationId` (or of `adoptId`), of the Polar
 * server (`polar:server`, `polar:apiUrl`) or to a token of another organization replaces it: every
 * replacement makes Polar mint a new signing secret.
 */
export class WebhookEndpoint extends pulumi.dynamic.Resource {
  declare readonly url: pulumi.Output<string>;
  declare readonly events: pulumi.Output<WebhookEventType[]>;
  declare readonly format: pulumi.Output<WebhookFormat>;
  declare readonly name: pulumi.Output<string | null>;
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly apiVersion: pulumi.Output<string | null>;
  declare readonly organizationId: pulumi.Output<string>;
  /** The signing secret Polar generated (`whsec_…`). */
  declare readonly secret: pulumi.Output<string>;
  /** The secret before the last rotation, if any: receivers accept both during a rollover. */
  declare readonly previousSecret: pulumi.Output<string | undefined>;
  /**
   * When the last rotation took effect (ISO 8601 instant: Polar's `modified_at` of the reset, else
   * the provider's clock), also for a reset made in the dashboard and found by refresh. Absent
   * before any rotation; kept until the next one.
   */
  declare readonly secretRotatedAt: pulumi.Output<string | undefined>;
  /** True: Standard Webhooks key (base64 after `whsec_`); false: Polar's legacy UTF-8 key. */
  declare readonly usesStandardWebhookSignature: pulumi.Output<boolean>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly modifiedAt: pulumi.Output<string | null>;
  /** The Polar API the endpoint lives on, e.g. `https://api.polar.sh` (set by the provider). */
  declare readonly polarApiUrl: pulumi.Output<string>;
  /** Hash of the provider code the state was last written with (set by the provider). */
  declare readonly providerVersion: pulumi.Output<string>;
  /** With `secret`: whether Polar signs with it (false: it generated its own). */
  declare readonly ownSecretAccepted: pulumi.Output<boolean | undefined>;
  /**
   * This resource as the endpoint's name in Polar names it: `<project>/<stack>/<resource> <key>`,
   * shown there as `[pulumi …]` after the declared name (set by the class).
   */
  declare readonly owner: pulumi.Output<string>;

  constructor(name: string, args: WebhookEndpointArgs, opts: pulumi.CustomResourceOptions = {}) {
    // A fresh props object per resource: the base constructor adds `__provider` to it. Output names
    // are seeded with undefined so they exist on the resource object.
    const props = {
      // Before the args: set there, they reach `check`, which refuses them.
      polarApiUrl: undefined,
      providerVersion: undefined,
      ...args,
      // Wrapped, so the state holds it encrypted even when the program passes a plain string.
      secret: args.secret === undefined ? undefined : pulumi.secret(args.secret),
      ownSecretAccepted: undefined,
      previousSecret: undefined,
      secretRotatedAt: undefined,
      usesStandardWebhookSignature: undefined,
      organizationId: args.organizationId,
      createdAt: undefined,
      modifiedAt: undefined,
      // Which resource this is, written into the endpoint's name in Polar (owner.ts).
      owner: ownerOf({
        organization: organizationOrDefault(),
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        name,
      }),
      markedOwner: undefined,
    };
    super(
      webhookEndpointProvider,
      name,
      props,
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["secret", "previousSecret"] }),
      "polar",
      "WebhookEndpoint",
    );
    // A dynamic provider cannot send warnings to the engine: the program does, from a boolean the
    // provider computed (never from the secrets themselves).
    if (args.secret !== undefined) {
      this.ownSecretAccepted.apply((accepted) => {
        if (accepted === false) pulumi.log.warn(ownSecretIgnoredWarning(name), this);
      });
    }
  }
}

/** The warning the resource shows when Polar did not take the given secret (never the value). */
function ownSecretIgnoredWarning(resourceName: string): string {
  return `Polar did not use the secret given for webhook endpoint "${resourceName}": client-chosen secrets are deprecated in Polar's API ("The secret is now generated on the backend"), so Polar generated one. The endpoint signs with Polar's secret, this resource's \`secret\` output, which is what the receiver must verify with (the ingress writes it to SSM). Remove \`secret\` from the resource's arguments to silence this warning.`;
}

/**
 * The Pulumi organization of the stack; "organization" (what a DIY backend reports) where the
 * runtime has none, as under `pulumi.runtime.setMocks` without an organization argument.
 */
function organizationOrDefault(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return "organization";
  }
}
