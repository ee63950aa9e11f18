/**
 * Random tokens and webhook secrets in Polar's formats (polar-api.md §2 "Secret generation").
 *
 * Everything is generated at run time; nothing realistic-looking is ever written in source.
 */
import { randomBytes, randomInt } from "node:crypto";
import { crc32 } from "node:zlib";

export const WEBHOOK_SECRET_PREFIX = "whsec_";
export const ORGANIZATION_TOKEN_PREFIX = "polar_oat_";
export const PERSONAL_TOKEN_PREFIX = "polar_pat_";

/** Bytes of HMAC key in a Standard Webhooks secret (`WEBHOOK_SECRET_KEY_BYTES`). */
const STANDARD_SECRET_KEY_BYTES = 32;

/** Random part of `polar.kit.crypto.generate_token`; a 6-character base62 CRC32 follows. */
const TOKEN_RANDOM_LENGTH = 37;
const CHECKSUM_LENGTH = 6;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

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

export function generateWebhookSecret(generation: SecretGeneration): GeneratedSecret {
  if (generation === "standard") {
    return {
      secret: WEBHOOK_SECRET_PREFIX + randomBytes(STANDARD_SECRET_KEY_BYTES).toString("base64"),
      usesStandardWebhookSignature: true,
    };
  }
  return { secret: generatePolarToken(WEBHOOK_SECRET_PREFIX), usesStandardWebhookSignature: false };
}

/** `generate_token(prefix)`: prefix + 37 random alphanumerics + base62 CRC32 of them. */
export function generatePolarToken(prefix: string): string {
  let random = "";
  for (let i = 0; i < TOKEN_RANDOM_LENGTH; i++) {
    random += BASE62[randomInt(BASE62.length)];
  }
  return prefix + random + toBase62(crc32(random)).padStart(CHECKSUM_LENGTH, "0");
}

function toBase62(value: number): string {
  let rest = value;
  let digits = "";
  do {
    digits = BASE62[rest % 62] + digits;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return digits;
}
