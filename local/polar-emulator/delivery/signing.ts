/**
 * How Polar signs a delivery (polar-api.md §5 "Signature"): Standard Webhooks' `v1` HMAC-SHA256
 * over `{webhook-id}.{webhook-timestamp}.{body}`, keyed one of two ways.
 */
import { createHmac } from "node:crypto";

import { WEBHOOK_SECRET_PREFIX } from "../secrets";

/** A Standard Webhooks secret: the prefix, then the key in padded base64. */
const STANDARD_SECRET = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The HMAC key of an endpoint. Standard (`uses_standard_webhook_signature`, secrets generated on
 * or after 2026-09-08): the base64-decoded part after `whsec_`. Legacy: the UTF-8 bytes of the
 * whole secret, prefix included.
 */
export function signingKey(secret: string, usesStandardWebhookSignature: boolean): Buffer {
  if (!usesStandardWebhookSignature) {
    return Buffer.from(secret, "utf8");
  }
  if (!isStandardWebhookSecret(secret)) {
    // Polar's worker fails the same way: such an endpoint cannot be signed the standard way.
    throw new Error("a Standard Webhooks secret must be whsec_ followed by a base64 key");
  }
  return Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), "base64");
}

export function isStandardWebhookSecret(secret: string): boolean {
  return STANDARD_SECRET.test(secret) && secret.length > WEBHOOK_SECRET_PREFIX.length;
}

/** The `webhook-signature` header value: `v1,<base64 HMAC-SHA256>`. */
export function signPayload(key: Buffer, id: string, timestamp: number, body: string): string {
  const digest = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return `v1,${digest}`;
}
