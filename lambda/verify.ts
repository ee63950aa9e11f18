/**
 * Pure verification of a Polar delivery: no I/O, no AWS. Everything here is deterministic given the
 * clock (`Date.now()`, which `standardwebhooks` reads itself).
 *
 * Polar signs with one of two keys derived from the endpoint secret (webhook-ingress.md §1.1):
 * - standard (secrets generated on/after 2026-09-08): base64-decode the part after `whsec_`;
 * - legacy (older secrets, and every `polar_whs_` secret): the UTF-8 bytes of the whole secret
 *   string.
 * An endpoint's scheme changes when its secret is reset, so we try both keys of both the current
 * and the previous secret instead of configuring a mode.
 */
import { isUtf8 } from "node:buffer";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
// zod/mini, not "zod": same parser, tree-shakeable; the full build adds ~440 KB to the Lambda
// bundle.
import * as z from "zod/mini";
import {
  BodyNotEnqueueableError,
  InvalidSignatureError,
  MissingHeadersError,
  NoMatchingSignatureError,
  NotAPolarEventError,
  StaleTimestampError,
} from "./errors";

/**
 * ±5 minutes, as in every Standard Webhooks reference implementation. `standardwebhooks` enforces
 * its own identical constant (not configurable); this one documents it and is what the tests check
 * against.
 */
export const WEBHOOK_TOLERANCE_IN_SECONDS = 5 * 60;

/** SQS's hard limit for one message, body and attributes together. */
export const SQS_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * Largest body we accept. The SQS limit counts message attributes too: ours are at most 10+6+128
 * (webhook-id) + 17+6+12 (webhook-timestamp) + 10+6+256 (event-type) = 451 bytes, so 1 KiB of
 * headroom always suffices. The queue's `MaximumMessageSize` must be left at (or set to) 1 MiB.
 */
export const MAX_BODY_BYTES = SQS_MAX_MESSAGE_BYTES - 1024;

/** Headers the receiver reads, as named by the Standard Webhooks spec (lower case). */
export const WEBHOOK_HEADERS = {
  ID: "webhook-id",
  TIMESTAMP: "webhook-timestamp",
  SIGNATURE: "webhook-signature",
} as const;

export const SIGNING_SCHEME = {
  /** key = base64-decode(secret without `whsec_`) — the Standard Webhooks spec. */
  STANDARD: "standard",
  /** key = UTF-8 bytes of the full secret string — Polar's pre-2026-09-08 signing. */
  LEGACY: "legacy",
} as const;
export type SigningScheme = (typeof SIGNING_SCHEME)[keyof typeof SIGNING_SCHEME];

export const SECRET_SLOT = { CURRENT: "current", PREVIOUS: "previous" } as const;
export type SecretSlot = (typeof SECRET_SLOT)[keyof typeof SECRET_SLOT];

/** The endpoint secret(s): `previous` stays valid during a rotation until it is cleared. */
export interface WebhookSecrets {
  readonly current: string;
  readonly previous: string | null;
}

/** One key to try. `webhook` holds the derived key bytes; never log it. */
export interface CandidateKey {
  readonly slot: SecretSlot;
  readonly scheme: SigningScheme;
  readonly webhook: Webhook;
}

export interface VerifiedDelivery {
  readonly webhookId: string;
  /** The `webhook-timestamp` header as sent (unix seconds of this delivery attempt). */
  readonly timestamp: string;
  /** Which key matched, e.g. for a log line showing that the previous secret is still in use. */
  readonly matchedSlot: SecretSlot;
  readonly matchedScheme: SigningScheme;
}

export interface PolarEvent {
  readonly type: string;
}

/**
 * Limits below keep every message attribute within the budget of MAX_BODY_BYTES and FIFO id rules.
 */
const MAX_WEBHOOK_ID_LENGTH = 128;
const MAX_EVENT_TYPE_LENGTH = 256;
const TIMESTAMP_PATTERN = /^\d{1,12}$/;

/**
 * Builds the candidate keys in the order they are tried: current before previous (the common case
 * after a rotation settles), standard before legacy (every secret Polar generates now is standard).
 * A key that cannot be derived (a `polar_whs_…` secret is not base64) is skipped: that secret can
 * only have signed with its legacy key anyway. Duplicate secrets are tried once.
 */
export function candidateKeys(secrets: WebhookSecrets): CandidateKey[] {
  const keys: CandidateKey[] = [];
  const slots: Array<[SecretSlot, string | null]> = [
    [SECRET_SLOT.CURRENT, secrets.current],
    [SECRET_SLOT.PREVIOUS, secrets.previous === secrets.current ? null : secrets.previous],
  ];
  for (const [slot, secret] of slots) {
    if (!secret) {
      continue;
    }
    const standard = tryWebhook(() => new Webhook(secret));
    if (standard) {
      keys.push({ slot, scheme: SIGNING_SCHEME.STANDARD, webhook: standard });
    }
    // `format: "raw"` maps each UTF-16 code unit to a byte (Latin-1); Polar secrets are ASCII,
    // where that equals UTF-8. A non-ASCII secret would need Buffer.from(secret, "utf8") instead,
    // so pass the bytes explicitly.
    const legacy = tryWebhook(() => new Webhook(Buffer.from(secret, "utf8"), { format: "raw" }));
    if (legacy) {
      keys.push({ slot, scheme: SIGNING_SCHEME.LEGACY, webhook: legacy });
    }
  }
  return keys;
}

function tryWebhook(make: () => Webhook): Webhook | undefined {
  try {
    return make();
  } catch {
    // Invalid base64 or an empty key: this derivation does not exist for this secret.
    return undefined;
  }
}

/**
 * Lower-cases header names (HTTP API already does; the local server and other callers might not).
 */
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

/** The exact bytes Polar sent: API Gateway base64-encodes bodies it considers binary. */
export function decodeBody(body: string | undefined, isBase64Encoded: boolean): Buffer {
  return Buffer.from(body ?? "", isBase64Encoded ? "base64" : "utf8");
}

/**
 * Throws MissingHeadersError unless all three Standard Webhooks headers are present and non-empty.
 */
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
 * Verifies `body` (the raw bytes) against every candidate key and returns which one matched.
 *
 * - Throws MissingHeadersError, StaleTimestampError (outside ±5 min, checked by the library before
 *   any HMAC) or NoMatchingSignatureError (no key matched any `v1,` entry of the space-separated
 *   header; the only failure a newer secret could fix) or InvalidSignatureError (garbled headers or
 *   body).
 * - The body must be valid UTF-8: the library verifies `buffer.toString()`, which would map
 *   distinct invalid byte sequences to the same U+FFFD text, so a tampered non-UTF-8 body could
 *   verify. Polar always sends UTF-8 JSON.
 * - `{ jsonParse: false }`: the library would otherwise throw SyntaxError on a signed non-JSON
 *   body; parsing is `parsePolarEvent`'s job, on the same bytes.
 */
export function verifyDelivery(
  body: Buffer,
  headers: Readonly<Record<string, string>>,
  keys: readonly CandidateKey[],
): VerifiedDelivery {
  const { webhookId, timestamp, signature } = requireWebhookHeaders(headers);
  if (webhookId.length > MAX_WEBHOOK_ID_LENGTH) {
    throw new InvalidSignatureError("Invalid webhook-id");
  }
  if (!TIMESTAMP_PATTERN.test(timestamp)) {
    // The library would accept "123abc" (parseInt); Polar sends plain integers and we forward the
    // header verbatim.
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
  for (const key of keys) {
    try {
      key.webhook.verify(body, libraryHeaders, { jsonParse: false });
      return { webhookId, timestamp, matchedSlot: key.slot, matchedScheme: key.scheme };
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) {
        throw new InvalidSignatureError("Signature could not be checked", { cause: error });
      }
      // The timestamp check runs before the HMAC and does not depend on the key: no other key can
      // do better.
      if (
        error.message === "Message timestamp too old" ||
        error.message === "Message timestamp too new"
      ) {
        throw new StaleTimestampError(error.message, { cause: error });
      }
      // "No matching signature found": try the next key.
    }
  }
  throw new NoMatchingSignatureError();
}

const PolarEventEnvelope = z.object({
  type: z.string().check(z.minLength(1), z.maxLength(MAX_EVENT_TYPE_LENGTH)),
});

/**
 * SQS accepts only #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. Valid JSON
 * text can still hold U+FFFE/U+FFFF inside a string; SQS would reject the send on every retry, so
 * we say so with a 400 instead of a 503 loop. (Lone surrogates cannot occur: the body is valid
 * UTF-8.)
 */
const SQS_FORBIDDEN_CHARACTERS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * Checks that a verified body is a Polar event envelope (`{"type": "<non-empty string>", …}`) SQS
 * can carry, and returns its type. The body is only read here; the bytes that get enqueued are the
 * original ones. Slack/Discord-format endpoints send no `type` and are rejected: this receiver is
 * for `format: raw`.
 */
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
