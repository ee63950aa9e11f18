/**
 * Polar signs with the standard key (base64 after `whsec_`; secrets since 2026-09-08, polar#14117)
 * or the legacy one (the whole string's UTF-8 bytes). A reset can switch schemes, so both keys of
 * the current and the previous secret are tried; the previous one only before it expires, checked
 * against the clock on every request (no re-read of the secrets needed).
 */
import { isUtf8 } from "node:buffer";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
// zod/mini: the full build adds ~440 KB to the bundle [measured].
import * as z from "zod/mini";
import {
  BodyNotEnqueueableError,
  ExpiredSecretError,
  InvalidSignatureError,
  MissingHeadersError,
  NoMatchingSignatureError,
  NotAPolarEventError,
  StaleTimestampError,
} from "./errors";

/** `standardwebhooks` enforces the same constant itself (not configurable). */
export const WEBHOOK_TOLERANCE_IN_SECONDS = 5 * 60;

export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/** Our message attributes take at most 451 bytes (names, types, values), so 1 KiB is headroom. */
export const MAX_BODY_BYTES = SQS_MAX_MESSAGE_BYTES - 1024;

export const WEBHOOK_HEADERS = {
  ID: "webhook-id",
  TIMESTAMP: "webhook-timestamp",
  SIGNATURE: "webhook-signature",
} as const;

export const SIGNING_SCHEME = { STANDARD: "standard", LEGACY: "legacy" } as const;
export type SigningScheme = (typeof SIGNING_SCHEME)[keyof typeof SIGNING_SCHEME];

export const SECRET_SLOT = { CURRENT: "current", PREVIOUS: "previous" } as const;
export type SecretSlot = (typeof SECRET_SLOT)[keyof typeof SECRET_SLOT];

export interface WebhookSecrets {
  readonly current: string;
  readonly previous: string | null;
  /**
   * Epoch milliseconds from which `previous` is refused (the SSM value's `previousExpiresAt`).
   * Null or absent: no expiry, as in values written before rotations expired.
   */
  readonly previousExpiresAt?: number | null;
}

/** `webhook` holds the key bytes: never log it. */
export interface CandidateKey {
  readonly slot: SecretSlot;
  readonly scheme: SigningScheme;
  readonly webhook: Webhook;
  /** Epoch milliseconds from which this key is refused; absent: it does not expire. */
  readonly expiresAt?: number;
}

export interface VerifiedDelivery {
  readonly webhookId: string;
  readonly timestamp: string;
  readonly matchedSlot: SecretSlot;
  readonly matchedScheme: SigningScheme;
  /** The matched key's expiry (a previous secret in its grace period). */
  readonly expiresAt?: number;
}

export interface PolarEvent {
  readonly type: string;
}

// Within MAX_BODY_BYTES's attribute headroom and SQS's FIFO id rules.
const MAX_WEBHOOK_ID_LENGTH = 128;
const MAX_EVENT_TYPE_LENGTH = 256;
// Canonical digits only: standardwebhooks signs the parsed number, so "0" + a genuine timestamp
// would verify and be forwarded as a webhook-timestamp nobody signed.
const TIMESTAMP_PATTERN = /^[1-9]\d{0,11}$/;

/**
 * In the order tried: current before previous, standard before legacy. A key that cannot be derived
 * (a `polar_whs_…` secret is not base64) is skipped: such a secret only signs the legacy way.
 */
export function candidateKeys(secrets: WebhookSecrets): CandidateKey[] {
  const keys: CandidateKey[] = [];
  const slots: Array<[SecretSlot, string | null]> = [
    [SECRET_SLOT.CURRENT, secrets.current],
    [SECRET_SLOT.PREVIOUS, secrets.previous === secrets.current ? null : secrets.previous],
  ];
  const previousExpiry =
    secrets.previousExpiresAt == null ? {} : { expiresAt: secrets.previousExpiresAt };
  for (const [slot, secret] of slots) {
    if (!secret) {
      continue;
    }
    const expiry = slot === SECRET_SLOT.PREVIOUS ? previousExpiry : {};
    const standard = tryWebhook(() => new Webhook(secret));
    if (standard) {
      keys.push({ slot, scheme: SIGNING_SCHEME.STANDARD, webhook: standard, ...expiry });
    }
    // Bytes, not the string: `format: "raw"` maps a string as Latin-1 (standard-webhooks#261).
    const legacy = tryWebhook(() => new Webhook(Buffer.from(secret, "utf8"), { format: "raw" }));
    if (legacy) {
      keys.push({ slot, scheme: SIGNING_SCHEME.LEGACY, webhook: legacy, ...expiry });
    }
  }
  return keys;
}

function tryWebhook(make: () => Webhook): Webhook | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** HTTP API lower-cases header names already; other callers might not. */
export function normalizeHeaders(
  headers: Readonly<Record<string, string | undefined>> | undefined,
): Record<string, string> {
  const normalized: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) {
      normalized[name.toLowerCase()] = value;
    }
  }
  return normalized;
}

export function decodeBody(body: string | undefined, isBase64Encoded: boolean): Buffer {
  return Buffer.from(body ?? "", isBase64Encoded ? "base64" : "utf8");
}

export function requireWebhookHeaders(headers: Readonly<Record<string, string>>): {
  webhookId: string;
  timestamp: string;
  signature: string;
} {
  const webhookId = headers[WEBHOOK_HEADERS.ID];
  const timestamp = headers[WEBHOOK_HEADERS.TIMESTAMP];
  const signature = headers[WEBHOOK_HEADERS.SIGNATURE];
  if (!webhookId || !timestamp || !signature) {
    throw new MissingHeadersError();
  }
  return { webhookId, timestamp, signature };
}

/**
 * Verifies the raw body against every candidate key not expired at `now` (epoch ms) and returns
 * the one that matched. Only when none did are the expired keys tried, so that a request signed
 * with an expired previous secret is refused as such (ExpiredSecretError). The body must be UTF-8:
 * the library verifies `buffer.toString()`, which maps distinct invalid sequences to the same
 * U+FFFD text, so a tampered non-UTF-8 body could verify.
 */
export function verifyDelivery(
  body: Buffer,
  headers: Readonly<Record<string, string>>,
  keys: readonly CandidateKey[],
  now: number = Date.now(),
): VerifiedDelivery {
  const { webhookId, timestamp, signature } = requireWebhookHeaders(headers);
  if (webhookId.length > MAX_WEBHOOK_ID_LENGTH) {
    throw new InvalidSignatureError("Invalid webhook-id");
  }
  if (!TIMESTAMP_PATTERN.test(timestamp)) {
    // The library's parseInt would accept "123abc", and the header is forwarded verbatim.
    throw new InvalidSignatureError("Invalid webhook-timestamp");
  }
  if (!isUtf8(body)) {
    throw new InvalidSignatureError("Body is not valid UTF-8");
  }
  const libraryHeaders = {
    [WEBHOOK_HEADERS.ID]: webhookId,
    [WEBHOOK_HEADERS.TIMESTAMP]: timestamp,
    [WEBHOOK_HEADERS.SIGNATURE]: signature,
  };
  const expired = (key: CandidateKey) => key.expiresAt !== undefined && now >= key.expiresAt;
  for (const key of keys.filter((k) => !expired(k))) {
    if (matches(key, body, libraryHeaders)) {
      return {
        webhookId,
        timestamp,
        matchedSlot: key.slot,
        matchedScheme: key.scheme,
        ...(key.expiresAt === undefined ? {} : { expiresAt: key.expiresAt }),
      };
    }
  }
  for (const key of keys.filter(expired)) {
    if (matches(key, body, libraryHeaders)) {
      throw new ExpiredSecretError(`${key.slot}/${key.scheme}`, key.expiresAt as number);
    }
  }
  throw new NoMatchingSignatureError();
}

function matches(key: CandidateKey, body: Buffer, headers: Record<string, string>): boolean {
  try {
    // jsonParse: false, else a signed non-JSON body throws SyntaxError [measured].
    key.webhook.verify(body, headers, { jsonParse: false });
    return true;
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) {
      throw new InvalidSignatureError("Signature could not be checked", { cause: error });
    }
    // Checked before the HMAC, independent of the key: no other key can do better.
    if (
      error.message === "Message timestamp too old" ||
      error.message === "Message timestamp too new"
    ) {
      throw new StaleTimestampError(error.message, { cause: error });
    }
    return false;
  }
}

const PolarEventEnvelope = z.object({
  type: z.string().check(z.minLength(1), z.maxLength(MAX_EVENT_TYPE_LENGTH)),
});

/** What SQS accepts; valid JSON can still hold U+FFFE/U+FFFF, refused on every retry. */
const SQS_FORBIDDEN_CHARACTERS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** A `{"type": …}` envelope SQS can carry. Slack/Discord-format deliveries have no `type`. */
export function parsePolarEvent(body: Buffer): PolarEvent {
  const text = body.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new NotAPolarEventError("Body is not JSON", { cause: error });
  }
  const result = PolarEventEnvelope.safeParse(json);
  if (!result.success) {
    throw new NotAPolarEventError("Body has no string type", { cause: result.error });
  }
  if (SQS_FORBIDDEN_CHARACTERS.test(text)) {
    throw new BodyNotEnqueueableError();
  }
  return { type: result.data.type };
}
