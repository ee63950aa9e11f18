/**
 * Polar signs with the standard key (base64 after `whsec_`; secrets since 2026-09-08, polar#14117)
 * or the legacy one (the whole string's UTF-8 bytes). A reset can switch schemes, so both keys of
 * the current and the previous secret are tried; the previous one only before it expires, checked
 * against the clock on every request (no re-read of the secrets needed).
 *
 * We depart from `standardwebhooks`' `Webhook.verify` for speed alone: it hashes with fast-sha256
 * in pure JavaScript and decodes the body to text and back once per key, so trying 4 keys cost
 * ~0.24 ms for 1 KB and ~14 ms for 1 MB [measured; bench/sections/verify.ts: ~10× node:crypto].
 * Its rules are kept exactly (header names, ±300 s before any HMAC, `v1,` entries, the same key
 * decoding); test/lambda/verify-differential.test.ts checks that both decide alike.
 */
import { isUtf8 } from "node:buffer";
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";
// The decoder `new Webhook(secret)` uses, so the same secrets give the same (or no) standard key.
import { decode as decodeBase64 } from "@stablelib/base64";
import {
  BodyNotEnqueueableError,
  ExpiredSecretError,
  InvalidSignatureError,
  MissingHeadersError,
  NoMatchingSignatureError,
  NotAPolarEventError,
  StaleTimestampError,
} from "./errors";

/** The same constant as `standardwebhooks` (not configurable there either). */
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

export interface CandidateKey {
  readonly slot: SecretSlot;
  readonly scheme: SigningScheme;
  /** The HMAC key, derived once per secret; a KeyObject never prints its bytes. */
  readonly key: KeyObject;
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
const STANDARD_SECRET_PREFIX = "whsec_";
/**
 * A `v1,` entry (at the start or after a space) whose signature, up to a comma, a space or the end,
 * is canonical base64 of 32 bytes: the only text `standardwebhooks` can find equal to a MAC.
 */
const V1_ENTRY = /(?:^| )v1,([A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)(?=[, ]|$)/g;

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
    const standard = standardKeyBytes(secret);
    if (standard) {
      keys.push({
        slot,
        scheme: SIGNING_SCHEME.STANDARD,
        key: createSecretKey(standard),
        ...expiry,
      });
    }
    // Bytes, not `format: "raw"` with a string, which maps it as Latin-1 (standard-webhooks#261).
    const legacy = Buffer.from(secret, "utf8");
    if (legacy.length > 0) {
      keys.push({ slot, scheme: SIGNING_SCHEME.LEGACY, key: createSecretKey(legacy), ...expiry });
    }
  }
  return keys;
}

/** As `new Webhook(secret)`: strip `whsec_`, decode strictly; none when it throws or is empty. */
function standardKeyBytes(secret: string): Uint8Array | undefined {
  const encoded = secret.startsWith(STANDARD_SECRET_PREFIX)
    ? secret.slice(STANDARD_SECRET_PREFIX.length)
    : secret;
  try {
    const bytes = decodeBase64(encoded);
    return bytes.length > 0 ? bytes : undefined;
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
 * with an expired previous secret is refused as such (ExpiredSecretError). The timestamp is
 * checked against `Date.now()` before any HMAC, as the library does.
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
    // parseInt would accept "123abc", and the header is forwarded verbatim.
    throw new InvalidSignatureError("Invalid webhook-timestamp");
  }
  const seconds = checkTolerance(timestamp);
  const signatures = v1Signatures(signature);
  // Canonical digits (TIMESTAMP_PATTERN): the number signed is the header's own text.
  const signedPrefix = `${webhookId}.${seconds}.`;
  const matched = firstMatch(keys, false, now, signedPrefix, body, signatures);
  if (!matched) {
    const expired = firstMatch(keys, true, now, signedPrefix, body, signatures);
    if (expired) {
      throw new ExpiredSecretError(
        `${expired.slot}/${expired.scheme}`,
        expired.expiresAt as number,
      );
    }
    throw new NoMatchingSignatureError();
  }
  // After the match, so a forgery costs the HMACs alone. Needed because the body is enqueued as
  // text; it also keeps the library's outcome, which verifies the body decoded to text.
  if (!isUtf8(body)) {
    throw new InvalidSignatureError("Body is not valid UTF-8");
  }
  const verified: Mutable<VerifiedDelivery> = {
    webhookId,
    timestamp,
    matchedSlot: matched.slot,
    matchedScheme: matched.scheme,
  };
  if (matched.expiresAt !== undefined) {
    verified.expiresAt = matched.expiresAt;
  }
  return verified;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The first key, among the expired ones or the others, whose MAC is one of `signatures`. Plain loops,
 * no closures: this runs once per request and once per key.
 */
function firstMatch(
  keys: readonly CandidateKey[],
  expired: boolean,
  now: number,
  signedPrefix: string,
  body: Buffer,
  signatures: readonly Buffer[],
): CandidateKey | undefined {
  if (signatures.length === 0) {
    return undefined;
  }
  for (const key of keys) {
    if ((key.expiresAt !== undefined && now >= key.expiresAt) !== expired) {
      continue;
    }
    const mac = createHmac("sha256", key.key).update(signedPrefix, "utf8").update(body).digest();
    for (const signature of signatures) {
      if (timingSafeEqual(signature, mac)) {
        return key;
      }
    }
  }
  return undefined;
}

/** Seconds since the epoch; throws when more than the tolerance away from now, either way. */
function checkTolerance(timestamp: string): number {
  const seconds = Number.parseInt(timestamp, 10);
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (nowSeconds - seconds > WEBHOOK_TOLERANCE_IN_SECONDS) {
    throw new StaleTimestampError("Message timestamp too old");
  }
  if (seconds > nowSeconds + WEBHOOK_TOLERANCE_IN_SECONDS) {
    throw new StaleTimestampError("Message timestamp too new");
  }
  return seconds;
}

/**
 * The MACs of the header's `v1,` entries, decoded once for all keys. Like the library: entries are
 * split on single spaces, only what lies between an entry's first and second comma counts, other
 * versions are skipped. The library compares base64 text, so only the canonical encoding of 32
 * bytes can match, and such text decodes to exactly 32 bytes.
 */
function v1Signatures(header: string): Buffer[] {
  const signatures: Buffer[] = [];
  V1_ENTRY.lastIndex = 0;
  for (let match = V1_ENTRY.exec(header); match; match = V1_ENTRY.exec(header)) {
    signatures.push(Buffer.from(match[1] as string, "base64"));
  }
  return signatures;
}

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
  // A plain check, not a schema library: the Lambda's cold start loads only what it needs.
  const type = typeof json === "object" && json !== null ? (json as { type?: unknown }).type : null;
  if (typeof type !== "string" || type.length < 1 || type.length > MAX_EVENT_TYPE_LENGTH) {
    throw new NotAPolarEventError("Body has no string type");
  }
  if (SQS_FORBIDDEN_CHARACTERS.test(text)) {
    throw new BodyNotEnqueueableError();
  }
  return { type };
}
