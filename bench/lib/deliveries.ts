/**
 * Signed deliveries as Polar sends them, built with node:crypto (independent of the code under
 * test) from fixed seeds, so every run verifies the same bytes.
 */
import { createHash, createHmac } from "node:crypto";
import { sampleWebhookPayload } from "../../local/polar-emulator";

/** A secret as Polar generates it since 2026-09-08 (`whsec_` + base64 of 32 bytes), from a seed. */
export function seededSecret(seed: string): string {
  return `whsec_${createHash("sha256").update(seed).digest("base64")}`;
}

/** The standard key: the bytes after `whsec_`. */
export function standardKey(secret: string): Buffer {
  return Buffer.from(secret.slice("whsec_".length), "base64");
}

const ORGANIZATION_ID = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
export const BENCH_EVENT_TYPE = "customer.state_changed";

/**
 * A realistic Polar payload (the emulator's sample) grown to exactly `bytes` with a metadata
 * string, since no event type is naturally 2 KB or 1 MB.
 */
export function polarBody(bytes: number): Buffer {
  const base = sampleWebhookPayload(BENCH_EVENT_TYPE, {
    organizationId: ORGANIZATION_ID,
    apiVersion: "2026-10",
    now: new Date("2026-11-30T12:00:00Z"),
    data: { metadata: { bench: "" } },
  });
  const missing = bytes - Buffer.byteLength(base, "utf8");
  if (missing < 0) throw new Error(`the sample payload is already ${bytes - missing} bytes`);
  const body = base.replace('"bench":""', `"bench":"${"x".repeat(missing)}"`);
  return Buffer.from(body, "utf8");
}

export interface SignedDelivery {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/** Polar's headers, signed with the standard key at `timestamp` (seconds). */
export function signDelivery(
  secret: string,
  body: Buffer,
  webhookId: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): SignedDelivery {
  const mac = createHmac("sha256", standardKey(secret))
    .update(`${webhookId}.${timestamp}.`)
    .update(body)
    .digest("base64");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "polar.sh webhooks",
      "webhook-id": webhookId,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": `v1,${mac}`,
    },
  };
}

/** A UUID-shaped webhook id from a counter (Polar's ids are event UUIDs). */
export function webhookIdFor(run: number, index: number): string {
  const hex = createHash("sha256").update(`${run}:${index}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
