// The optional `secret` input: a signing secret chosen by the user (say, the POLAR_WEBHOOK_SECRET a
// receiver already verifies with), sent in Polar's deprecated, hidden `secret` field on create.
// Pure rules; no message here ever contains the value.

/** Polar's `min_length` for a client-chosen secret (`WebhookEndpointCreate.secret`). */
export const OWN_SECRET_MIN_LENGTH = 32;

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Why `value` cannot be sent as `secret`, or undefined. Never includes the value. */
export function ownSecretProblem(value: unknown): string | undefined {
  if (value === UNKNOWN) return undefined;
  if (typeof value !== "string") {
    return `secret must be a string: the signing secret your receiver verifies with today (e.g. POLAR_WEBHOOK_SECRET), passed as a Pulumi secret (got a ${value === null ? "null" : typeof value}).`;
  }
  // Pydantic counts code points, not UTF-16 units.
  const length = [...value].length;
  if (length < OWN_SECRET_MIN_LENGTH) {
    return `secret is ${length} characters long; Polar requires at least ${OWN_SECRET_MIN_LENGTH}. Use the full signing secret of your existing endpoint, or remove secret to let Polar generate one.`;
  }
  if (value.includes("\u0000")) {
    return "secret contains a NUL character, which Polar rejects; check how the value was read (e.g. from a file).";
  }
  return undefined;
}

interface SecretInputs {
  url?: unknown;
  secret?: unknown;
  adoptId?: unknown;
  organizationId?: unknown;
  polarApiUrl?: unknown;
}

/**
 * `secret` only applies when an endpoint is created. Set, changed or added on an existing endpoint
 * (old inputs with a url), it fails the preview instead of being ignored or silently replacing
 * the live secret: a new secret needs a rollover, which is what `secretRotation` does. A change
 * that comes with a replacement (new organizationId, another Polar server) creates a new endpoint,
 * which takes the new secret. `olds` are the resource's previous inputs ({} on create).
 */
export function ownSecretChangeProblem(
  olds: SecretInputs,
  news: SecretInputs,
): { property: string; reason: string } | undefined {
  if (news.secret !== undefined && news.adoptId !== undefined) {
    return {
      property: "secret",
      reason:
        "secret cannot be combined with adoptId: an adopted endpoint keeps the secret it has. Remove secret, or remove adoptId to create a new endpoint with this secret.",
    };
  }
  const existing = olds.url !== undefined;
  if (!existing || news.secret === undefined || news.secret === UNKNOWN) return undefined;
  if (olds.secret === news.secret) return undefined;
  const replaced =
    (news.organizationId !== undefined && news.organizationId !== olds.organizationId) ||
    (olds.polarApiUrl !== undefined && olds.polarApiUrl !== news.polarApiUrl);
  if (replaced) return undefined;
  return {
    property: "secret",
    reason: `secret ${olds.secret === undefined ? "was added" : "changed"} on an endpoint that already exists; it is only used when the endpoint is created. To get a new signing secret without downtime, set secretRotation (Polar generates the secret and previousSecret keeps the old one during the rollover); to keep the current one, ${olds.secret === undefined ? "remove secret again" : "set secret back or remove it"}.`,
  };
}
