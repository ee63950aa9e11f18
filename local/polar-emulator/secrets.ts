/**
 * Random tokens and webhook secrets in Polar's formats (polar-api.md §2 "Secret generation").
 *
 * Everything is generated at run time; nothing realistic-looking is ever written in source.
 */
import { randomBytes } from "node:crypto";
import { channel } from "node:diagnostics_channel";
import { generatePolarToken } from "../../providers/polar/samples";

export const WEBHOOK_SECRET_PREFIX = "whsec_";
export const ORGANIZATION_TOKEN_PREFIX = "polar_oat_";
export const PERSONAL_TOKEN_PREFIX = "polar_pat_";

/** Bytes of HMAC key in a Standard Webhooks secret (`WEBHOOK_SECRET_KEY_BYTES`). */
const STANDARD_SECRET_KEY_BYTES = 32;

/**
 * `standard`: `whsec_` + base64(32 random bytes); Polar signs with the decoded bytes (secrets
 * generated on or after 2026-09-08). `legacy`: `whsec_` + 43 alphanumerics; Polar signs with the
 * UTF-8 bytes of the whole string.
 */
export type SecretGeneration = "standard" | "legacy";

export interface GeneratedSecret {
  readonly secret: string;
  readonly usesStandardWebhookSignature: boolean;
}

/**
 * Every access token and webhook secret the emulator issues is published on this diagnostics
 * channel as an `IssuedSecret`, so that whoever runs it (a test's leak scanner) can look for them
 * where they must not be. Without subscribers nothing is sent.
 */
export const ISSUED_SECRETS_CHANNEL = "polar-emulator:issued-secret";

export interface IssuedSecret {
  readonly kind: "webhook secret" | "organization token" | "personal token";
  readonly value: string;
}

const issued = channel(ISSUED_SECRETS_CHANNEL);

export function announceIssued(secret: IssuedSecret): void {
  if (issued.hasSubscribers) {
    issued.publish(secret);
  }
}

export function generateWebhookSecret(generation: SecretGeneration): GeneratedSecret {
  const generated =
    generation === "standard"
      ? {
          secret: WEBHOOK_SECRET_PREFIX + randomBytes(STANDARD_SECRET_KEY_BYTES).toString("base64"),
          usesStandardWebhookSignature: true,
        }
      : { secret: generatePolarToken(WEBHOOK_SECRET_PREFIX), usesStandardWebhookSignature: false };
  announceIssued({ kind: "webhook secret", value: generated.secret });
  return generated;
}

export { generatePolarToken };
