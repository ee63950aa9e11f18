/**
 * The end of a rotation: which secrets the receiver accepts, and until when, from the endpoint's
 * outputs and `polar-webhooks:rotationGraceHours`. Pure (no clock: the same outputs and config
 * always give the same SSM value, so a preview after the grace period shows no change; the receiver
 * compares `previousExpiresAt` with its own clock on every request).
 */
import type { SigningSecrets } from "./secret";

/** The WebhookEndpoint outputs a rotation is read from. */
export interface RotatedEndpoint {
  readonly secret: string;
  readonly previousSecret?: string | null;
  readonly secretRotatedAt?: string | null;
  readonly modifiedAt?: string | null;
}

const HOUR_MS = 3_600_000;
export const MAX_ROTATION_GRACE_HOURS = 168;

/**
 * `previousExpiresAt` = `secretRotatedAt` + grace. With a grace of 0 the previous secret is not
 * written at all (`previous: null`): it would be expired from the start, and leaving it out keeps a
 * dead secret out of SSM and does not depend on the receiver's clock. State from providers that did
 * not record `secretRotatedAt` counts from `modifiedAt`, the endpoint's last change, which is never
 * earlier than its reset; with neither, the previous secret is dropped.
 */
export function signingSecretsFor(endpoint: RotatedEndpoint, graceHours: number): SigningSecrets {
  if (!Number.isInteger(graceHours) || graceHours < 0 || graceHours > MAX_ROTATION_GRACE_HOURS) {
    throw new Error(
      `rotationGraceHours must be a whole number of hours from 0 to ${MAX_ROTATION_GRACE_HOURS}, got ${graceHours}`,
    );
  }
  const none: SigningSecrets = {
    current: endpoint.secret,
    previous: null,
    previousExpiresAt: null,
  };
  const rotatedAt = Date.parse(endpoint.secretRotatedAt ?? endpoint.modifiedAt ?? "");
  if (!endpoint.previousSecret || graceHours === 0 || !Number.isFinite(rotatedAt)) return none;
  return {
    current: endpoint.secret,
    previous: endpoint.previousSecret,
    previousExpiresAt: new Date(rotatedAt + graceHours * HOUR_MS).toISOString(),
  };
}
