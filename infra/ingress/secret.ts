import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Tags } from "./constants";

/** What the receiver reads from the SSM parameter (JSON); `previous` is set during a secret rotation. */
export interface SigningSecrets {
  readonly current: string;
  readonly previous?: string | null;
  /** ISO 8601 instant from which the receiver refuses `previous`; null: it does not expire. */
  readonly previousExpiresAt?: string | null;
}

/** The parameter's value: `{"current", "previous", "previousExpiresAt"}`, as the receiver parses it. */
export function secretParameterValue(secrets: SigningSecrets): string {
  const previous = secrets.previous ?? null;
  return JSON.stringify({
    current: secrets.current,
    previous,
    previousExpiresAt: previous === null ? null : (secrets.previousExpiresAt ?? null),
  });
}

export interface SecretParameterArgs {
  readonly parameterName: string;
  readonly signingSecrets: pulumi.Input<SigningSecrets>;
  readonly kmsKeyArn?: pulumi.Input<string>;
  readonly tags: Tags;
}

/** The SecureString holding `{current, previous, previousExpiresAt}`, a child of `parent`. */
export function createSecretParameter(
  name: string,
  parent: pulumi.Resource,
  args: SecretParameterArgs,
): aws.ssm.Parameter {
  return new aws.ssm.Parameter(
    `${name}-secrets`,
    {
      name: args.parameterName,
      type: "SecureString",
      description:
        'Polar webhook signing secrets read by the receiver: {"current", "previous", "previousExpiresAt"}',
      ...(args.kmsKeyArn ? { keyId: args.kmsKeyArn } : {}),
      // Secret in state even if the caller passed plain strings.
      value: pulumi.secret(pulumi.output(args.signingSecrets).apply(secretParameterValue)),
      tags: args.tags,
    },
    { parent },
  );
}
