// Our verifyDelivery (node:crypto) against standardwebhooks' Webhook.verify, which it replaced for
// speed: the same inputs must get the same decision and the same kind of error, except where ours
// is stricter on purpose (the last table, each row saying why).
import { createHmac } from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { candidateKeys, NoMatchingSignatureError, verifyDelivery } from "../../lambda";
import {
  InvalidSignatureError,
  MissingHeadersError,
  StaleTimestampError,
} from "../../lambda/errors";
import { normalizeHeaders, type WebhookSecrets } from "../../lambda/verify";
import { legacySecret, polarSignature, SCHEME, standardSecret, type Scheme } from "./support";

const NOW = 1767225600;
const ID = "00000000-0000-4000-8000-000000000000";
const BODY = '{"type":"order.paid","data":{"id":"00000000-0000-4000-8000-000000000001"}}';
const STANDARD = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const OTHER = standardSecret();
const LEGACY = legacySecret();
const POLAR_WHS = legacySecret("polar_whs_");

interface Case {
  readonly name: string;
  readonly secrets: WebhookSecrets;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
  /** The clock, in seconds (default NOW). */
  readonly now?: number;
}

function sign(secret: string, scheme: Scheme, options: { id?: string; ts?: string | number } = {}) {
  return polarSignature(secret, scheme, options.id ?? ID, options.ts ?? NOW, BODY);
}

function delivery(
  name: string,
  secrets: WebhookSecrets,
  signature: string,
  changes: { headers?: Record<string, string>; body?: Buffer | string; now?: number } = {},
): Case {
  const body = changes.body ?? BODY;
  return {
    name,
    secrets,
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8"),
    headers: {
      "webhook-id": ID,
      "webhook-timestamp": String(NOW),
      "webhook-signature": signature,
      ...changes.headers,
    },
    ...(changes.now === undefined ? {} : { now: changes.now }),
  };
}

const only = (current: string): WebhookSecrets => ({ current, previous: null });
const good = sign(STANDARD, SCHEME.STANDARD);
const goodText = good.slice("v1,".length);

function ours(input: Case): string {
  try {
    const verified = verifyDelivery(
      input.body,
      normalizeHeaders(input.headers),
      candidateKeys(input.secrets),
    );
    return `accepted ${verified.matchedSlot}/${verified.matchedScheme}`;
  } catch (error) {
    if (error instanceof MissingHeadersError) return "missing headers";
    if (error instanceof StaleTimestampError) return `stale: ${error.message}`;
    if (error instanceof NoMatchingSignatureError) return "no match";
    if (error instanceof InvalidSignatureError) return `invalid: ${error.message}`;
    throw error;
  }
}

/** The library, with the keys in our order: current before previous, standard before legacy. */
function library(input: Case): string {
  const { current, previous } = input.secrets;
  const secrets: Array<[string, string]> = [["current", current]];
  if (previous && previous !== current) secrets.push(["previous", previous]);
  for (const [slot, secret] of secrets) {
    const verifiers: Array<[string, () => Webhook]> = [
      ["standard", () => new Webhook(secret)],
      ["legacy", () => new Webhook(Buffer.from(secret, "utf8"), { format: "raw" })],
    ];
    for (const [scheme, make] of verifiers) {
      let webhook: Webhook;
      try {
        webhook = make();
      } catch {
        continue; // no such key (not base64, or empty)
      }
      try {
        webhook.verify(input.body, input.headers, { jsonParse: false });
        return `accepted ${slot}/${scheme}`;
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        if (error.message === "No matching signature found") continue;
        if (error.message === "Missing required headers") return "missing headers";
        if (error.message.startsWith("Message timestamp")) return `stale: ${error.message}`;
        return `invalid: ${error.message}`;
      }
    }
  }
  return "no match";
}

afterEach(() => {
  vi.useRealTimers();
});

function at(input: Case): void {
  vi.useFakeTimers({ now: (input.now ?? NOW) * 1000 });
}

describe("Function: verifyDelivery against standardwebhooks (differential)", () => {
  const agreeing: Array<[Case, string]> = [
    [delivery("Polar's standard vector", only(STANDARD), good), "accepted current/standard"],
    [
      delivery(
        "Polar's legacy vector",
        only("whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK"),
        "v1,iqeUYP8PkL4AO5cJ7S3LyHjwPWMqtmsvv1y8ldGzQT0=",
        {
          body: '{"type":"order.paid","timestamp":"2026-01-01T00:00:00Z","data":{"id":"00000000-0000-4000-8000-000000000001"}}',
        },
      ),
      "accepted current/legacy",
    ],
    [
      {
        ...delivery(
          "Standard Webhooks vector 1",
          only("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
          "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
          {
            body: '{"test": 2432232314}',
            headers: {
              "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
              "webhook-timestamp": "1614265330",
            },
          },
        ),
        now: 1614265330,
      },
      "accepted current/standard",
    ],
    [
      delivery(
        "a legacy signature, standard-looking secret",
        only(STANDARD),
        sign(STANDARD, SCHEME.LEGACY),
      ),
      "accepted current/legacy",
    ],
    [
      delivery("a legacy secret", only(LEGACY), sign(LEGACY, SCHEME.LEGACY)),
      "accepted current/legacy",
    ],
    [
      delivery("a polar_whs_ secret", only(POLAR_WHS), sign(POLAR_WHS, SCHEME.LEGACY)),
      "accepted current/legacy",
    ],
    [
      delivery("the previous secret's standard key", { current: OTHER, previous: STANDARD }, good),
      "accepted previous/standard",
    ],
    [
      delivery(
        "the previous secret's legacy key",
        { current: OTHER, previous: LEGACY },
        sign(LEGACY, SCHEME.LEGACY),
      ),
      "accepted previous/legacy",
    ],
    [
      delivery(
        "among decoys of other versions",
        only(STANDARD),
        `v1a,${goodText} v2,${goodText} v1,${"A".repeat(43)}= ${good}`,
      ),
      "accepted current/standard",
    ],
    [
      delivery("text after a second comma", only(STANDARD), `${good},ignored`),
      "accepted current/standard",
    ],
    [delivery("a leading space", only(STANDARD), ` ${good}`), "accepted current/standard"],
    [
      delivery("two spaces between entries", only(STANDARD), `v1,x  ${good}`),
      "accepted current/standard",
    ],
    [
      delivery("mixed-case header names", only(STANDARD), good, {
        headers: { "Webhook-Id": ID, "WEBHOOK-TIMESTAMP": String(NOW), "Webhook-Signature": good },
      }),
      "accepted current/standard",
    ],
    [
      delivery("a timestamp 300 s old", only(STANDARD), good, { now: NOW + 300 }),
      "accepted current/standard",
    ],
    [
      delivery("a timestamp 300 s ahead", only(STANDARD), good, { now: NOW - 300 }),
      "accepted current/standard",
    ],
    [
      delivery(
        "an empty body",
        only(STANDARD),
        polarSignature(STANDARD, SCHEME.STANDARD, ID, NOW, ""),
        { body: "" },
      ),
      "accepted current/standard",
    ],
    [
      delivery(
        "a non-ASCII body with a BOM",
        only(STANDARD),
        polarSignature(STANDARD, SCHEME.STANDARD, ID, NOW, '\ufeff{"type":"café ✓ 😀"}'),
        {
          body: '\ufeff{"type":"café ✓ 😀"}',
        },
      ),
      "accepted current/standard",
    ],
    [
      delivery(
        "a non-ASCII webhook-id",
        only(STANDARD),
        sign(STANDARD, SCHEME.STANDARD, { id: "msg_é✓" }),
        {
          headers: { "webhook-id": "msg_é✓" },
        },
      ),
      "accepted current/standard",
    ],
    [
      // Trailing bits that base64 drops: "…Hh9=" decodes like "…Hh8=".
      delivery("a secret with non-canonical base64", only(`${STANDARD.slice(0, -2)}9=`), good),
      "accepted current/standard",
    ],
    [
      delivery("a secret without whsec_", only(STANDARD.slice("whsec_".length)), good),
      "accepted current/standard",
    ],
    [
      delivery("whsec_ alone (no standard key)", only("whsec_"), sign("whsec_", SCHEME.LEGACY)),
      "accepted current/legacy",
    ],
    [
      delivery(
        "a secret that is not base64 (no standard key)",
        only("whsec_ab!d"),
        sign("whsec_ab!d", SCHEME.STANDARD),
      ),
      "no match",
    ],
    [
      delivery(
        "a standard-scheme signature with a polar_whs_ secret",
        only(POLAR_WHS),
        sign(POLAR_WHS, SCHEME.STANDARD),
      ),
      "no match",
    ],
    [
      delivery(
        "a changed last character",
        only(STANDARD),
        `${good.slice(0, -2)}${good.at(-2) === "A" ? "B" : "A"}=`,
      ),
      "no match",
    ],
    [delivery("a partial signature", only(STANDARD), good.slice(0, 8)), "no match"],
    [delivery("a bare v1,", only(STANDARD), "v1,"), "no match"],
    [delivery("v1 without a comma", only(STANDARD), "v1"), "no match"],
    [delivery("the right MAC under v2", only(STANDARD), `v2,${goodText}`), "no match"],
    [delivery("the right MAC without padding", only(STANDARD), good.slice(0, -1)), "no match"],
    [
      // Decodes to the same 32 bytes, but is not the text the library compares.
      delivery("the right MAC, non-canonical last character", only(STANDARD), nonCanonical(good)),
      "no match",
    ],
    [
      delivery(
        "the right MAC in the URL-safe alphabet",
        only("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        "v1,g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        {
          body: '{"test": 2432232314}',
          headers: {
            "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "webhook-timestamp": "1614265330",
          },
          now: 1614265330,
        },
      ),
      "no match",
    ],
    [delivery("the right MAC with a trailing newline", only(STANDARD), `${good}\n`), "no match"],
    [
      delivery("a tampered body", only(STANDARD), good, { body: BODY.replace("paid", "refunded") }),
      "no match",
    ],
    [
      delivery("a tampered webhook-id", only(STANDARD), good, {
        headers: { "webhook-id": `${ID}1` },
      }),
      "no match",
    ],
    [
      delivery("a timestamp other than the signed one", only(STANDARD), good, {
        headers: { "webhook-timestamp": String(NOW + 1) },
      }),
      "no match",
    ],
    [delivery("another secret", { current: OTHER, previous: LEGACY }, good), "no match"],
    [
      delivery("a timestamp 301 s old", only(STANDARD), good, { now: NOW + 301 }),
      "stale: Message timestamp too old",
    ],
    [
      delivery("a timestamp 301 s ahead", only(STANDARD), good, { now: NOW - 301 }),
      "stale: Message timestamp too new",
    ],
    [
      delivery("a stale timestamp and a bad signature", only(STANDARD), "v1,x", {
        now: NOW + 10_000,
      }),
      "stale: Message timestamp too old",
    ],
    [delivery("no webhook-signature", only(STANDARD), ""), "missing headers"],
    [
      delivery("an empty webhook-id", only(STANDARD), good, { headers: { "webhook-id": "" } }),
      "missing headers",
    ],
    [withoutHeader("no webhook-id", "webhook-id"), "missing headers"],
    [withoutHeader("no webhook-timestamp", "webhook-timestamp"), "missing headers"],
  ];

  it.each(agreeing.map(([input, expected]) => ({ ...input, expected })))(
    "$name: both say $expected",
    (input) => {
      // Prepare
      at(input);
      // Act
      const decisions = { ours: ours(input), library: library(input) };
      // Assess
      expect(decisions).toEqual({ ours: input.expected, library: input.expected });
    },
  );

  const stricter: Array<[Case, { library: string; ours: string; why: string }]> = [
    [
      delivery("a zero-padded timestamp, signed as the number", only(STANDARD), good, {
        headers: { "webhook-timestamp": `0${NOW}` },
      }),
      {
        library: "accepted current/standard",
        ours: "invalid: Invalid webhook-timestamp",
        why: "the library signs the parsed number: a webhook-timestamp nobody signed would be forwarded",
      },
    ],
    [
      delivery(
        "a zero-padded timestamp, signed as the text",
        only(STANDARD),
        sign(STANDARD, SCHEME.STANDARD, { ts: `0${NOW}` }),
        {
          headers: { "webhook-timestamp": `0${NOW}` },
        },
      ),
      {
        library: "no match",
        ours: "invalid: Invalid webhook-timestamp",
        why: "refused before any HMAC, as every non-canonical timestamp",
      },
    ],
    [
      delivery("a timestamp with a suffix", only(STANDARD), good, {
        headers: { "webhook-timestamp": `${NOW}abc` },
      }),
      {
        library: "accepted current/standard",
        ours: "invalid: Invalid webhook-timestamp",
        why: "the header is forwarded verbatim",
      },
    ],
    [
      delivery("a timestamp with a fraction", only(STANDARD), good, {
        headers: { "webhook-timestamp": `${NOW}.5` },
      }),
      {
        library: "accepted current/standard",
        ours: "invalid: Invalid webhook-timestamp",
        why: "the header is forwarded verbatim",
      },
    ],
    [
      delivery("a timestamp with a leading space", only(STANDARD), good, {
        headers: { "webhook-timestamp": ` ${NOW}` },
      }),
      {
        library: "accepted current/standard",
        ours: "invalid: Invalid webhook-timestamp",
        why: "the header is forwarded verbatim",
      },
    ],
    [
      delivery("a 13-digit timestamp", only(STANDARD), good, {
        headers: { "webhook-timestamp": `000${NOW}` },
      }),
      {
        library: "accepted current/standard",
        ours: "invalid: Invalid webhook-timestamp",
        why: "at most 12 digits",
      },
    ],
    [
      delivery("a non-numeric timestamp", only(STANDARD), good, {
        headers: { "webhook-timestamp": "soon" },
      }),
      {
        library: "invalid: Invalid Signature Headers",
        ours: "invalid: Invalid webhook-timestamp",
        why: "our message names the header",
      },
    ],
    [
      delivery(
        "a webhook-id over 128 characters",
        only(STANDARD),
        sign(STANDARD, SCHEME.STANDARD, { id: "x".repeat(129) }),
        {
          headers: { "webhook-id": "x".repeat(129) },
        },
      ),
      {
        library: "accepted current/standard",
        ours: "invalid: Invalid webhook-id",
        why: "SQS attribute and FIFO id limits",
      },
    ],
    [
      delivery(
        "a non-UTF-8 body signed as bytes",
        only(STANDARD),
        polarSignature(STANDARD, SCHEME.STANDARD, ID, NOW, Buffer.from([0x7b, 0xff, 0x7d])),
        {
          body: Buffer.from([0x7b, 0xff, 0x7d]),
        },
      ),
      {
        library: "no match",
        ours: "invalid: Body is not valid UTF-8",
        why: "the body is enqueued as text",
      },
    ],
    [
      // The library hashes the body decoded to text, where 0xFF became U+FFFD.
      delivery(
        "a non-UTF-8 body signed as its decoded text",
        only(STANDARD),
        polarSignature(STANDARD, SCHEME.STANDARD, ID, NOW, "{\ufffd}"),
        {
          body: Buffer.from([0x7b, 0xff, 0x7d]),
        },
      ),
      { library: "accepted current/standard", ours: "no match", why: "we sign the exact bytes" },
    ],
  ];

  it.each(stricter.map(([input, expected]) => ({ ...input, ...expected })))(
    "$name: ours refuses ($why)",
    (input) => {
      at(input);
      expect({ ours: ours(input), library: library(input) }).toEqual({
        ours: input.ours,
        library: input.library,
      });
    },
  );

  it("derives the same standard key as the library from 2,000 odd secrets (seeded)", () => {
    // Prepare: strings near base64 (padding, bad characters, odd lengths), with or without whsec_.
    const random = mulberry32(12);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/==-_! é";
    const secrets = Array.from({ length: 2_000 }, () => {
      const length = Math.floor(random() * 50);
      const text = Array.from(
        { length },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join("");
      return random() < 0.7 ? `whsec_${text}` : text;
    });
    const date = new Date(NOW * 1000);
    // Act
    const differing = secrets.filter((secret) => {
      let theirs: string | undefined;
      try {
        theirs = new Webhook(secret).sign(ID, date, BODY);
      } catch {
        theirs = undefined;
      }
      const key = candidateKeys(only(secret)).find((k) => k.scheme === "standard")?.key;
      const mine =
        key && `v1,${createHmac("sha256", key).update(`${ID}.${NOW}.${BODY}`).digest("base64")}`;
      return mine !== theirs;
    });
    // Assess: and both kinds occur, so the comparison covered keys and non-keys.
    expect(differing).toEqual([]);
    const derived = secrets.filter((s) =>
      candidateKeys(only(s)).some((k) => k.scheme === "standard"),
    );
    expect(derived.length).toBeGreaterThan(100);
    expect(secrets.length - derived.length).toBeGreaterThan(100);
  });
});

function withoutHeader(name: string, header: string): Case {
  const input = delivery(name, only(STANDARD), good);
  const headers = { ...input.headers };
  delete headers[header];
  return { ...input, headers };
}

/** The same bytes with other padding bits: base64's last data character + 1. */
function nonCanonical(signature: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const last = signature.at(-2) as string;
  return `${signature.slice(0, -2)}${alphabet[alphabet.indexOf(last) + 1]}=`;
}

/** A small seeded PRNG, so the sweep is the same on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
