import { afterEach, describe, expect, it, vi } from "vitest";
import {
  BodyNotEnqueueableError,
  InvalidSignatureError,
  MissingHeadersError,
  NotAPolarEventError,
  StaleTimestampError,
} from "../../lambda/errors";
import { buildSendMessageInput } from "../../lambda/queue";
import {
  candidateKeys,
  NoMatchingSignatureError,
  parsePolarEvent,
  verifyDelivery,
  type CandidateKey,
} from "../../lambda";
import { decodeBody, normalizeHeaders, WEBHOOK_TOLERANCE_IN_SECONDS } from "../../lambda/verify";
import {
  expectThrows,
  legacySecret,
  polarSignature,
  SCHEME,
  standardSecret,
  TestDelivery,
} from "./support";

/** Standard Webhooks' official vectors (webhook-ingress.md §2.2). */
const STANDARD_WEBHOOKS_VECTORS = [
  {
    name: "vector 1 (JavaScript/Go/Python/… test suites)",
    secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
    timestamp: 1614265330,
    payload: '{"test": 2432232314}',
    signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
  },
  {
    name: "vector 2 (Rust test_sign)",
    secret: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    id: "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
    timestamp: 1649367553,
    payload: '{"email":"test@example.com","username":"test_user"}',
    signature: "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
  },
] as const;

/** Polar's vectors (webhook-ingress.md §1.1, polar-api.md §5). */
const POLAR_ID = "00000000-0000-4000-8000-000000000000";
const POLAR_TIMESTAMP = 1767225600;
const POLAR_BODY =
  '{"type":"order.paid","timestamp":"2026-01-01T00:00:00Z","data":{"id":"00000000-0000-4000-8000-000000000001"}}';
const POLAR_VECTORS = [
  {
    scheme: SCHEME.LEGACY,
    secret: "whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK",
    signature: "v1,iqeUYP8PkL4AO5cJ7S3LyHjwPWMqtmsvv1y8ldGzQT0=",
  },
  {
    scheme: SCHEME.STANDARD,
    secret: "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    signature: "v1,X2IkPvzwDsjZqicC7m3HtLi4Kww98u5+7vQjm1A5yHM=",
  },
] as const;

function headersFor(id: string, timestamp: number | string, signature: string) {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature,
  };
}

function keysOf(keys: readonly CandidateKey[]) {
  return keys.map((key) => `${key.slot}/${key.scheme}`);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Module: verify", () => {
  describe("Standard Webhooks official vectors", () => {
    it.each(STANDARD_WEBHOOKS_VECTORS)("the test signer reproduces $name", (vector) => {
      // Act
      const signature = polarSignature(
        vector.secret,
        SCHEME.STANDARD,
        vector.id,
        vector.timestamp,
        vector.payload,
      );
      // Assess
      expect(signature).toBe(vector.signature);
    });

    it.each(STANDARD_WEBHOOKS_VECTORS)("verifies $name with the standard key", (vector) => {
      // Prepare
      vi.useFakeTimers({ now: vector.timestamp * 1000 });
      // Act
      const verified = verifyDelivery(
        Buffer.from(vector.payload, "utf8"),
        headersFor(vector.id, vector.timestamp, vector.signature),
        candidateKeys({ current: vector.secret, previous: null }),
      );
      // Assess
      expect(verified).toEqual({
        webhookId: vector.id,
        timestamp: String(vector.timestamp),
        matchedSlot: "current",
        matchedScheme: "standard",
      });
    });

    const vector = STANDARD_WEBHOOKS_VECTORS[0];
    const keys = () => candidateKeys({ current: vector.secret, previous: null });
    const body = Buffer.from(vector.payload, "utf8");

    it("accepts the valid signature among decoys (multi-signature header)", () => {
      vi.useFakeTimers({ now: vector.timestamp * 1000 });
      const header = [
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        vector.signature,
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
      ].join(" ");
      expect(verifyDelivery(body, headersFor(vector.id, vector.timestamp, header), keys())).toEqual(
        {
          webhookId: vector.id,
          timestamp: String(vector.timestamp),
          matchedSlot: "current",
          matchedScheme: "standard",
        },
      );
    });

    it.each([
      ["a changed last character", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="],
      ["a partial signature", vector.signature.slice(0, 8)],
      ["a bare v1,", "v1,"],
      ["the right signature under another version", vector.signature.replace("v1,", "v2,")],
    ])("rejects %s", (_name, signature) => {
      vi.useFakeTimers({ now: vector.timestamp * 1000 });
      expectThrows(
        () => verifyDelivery(body, headersFor(vector.id, vector.timestamp, signature), keys()),
        NoMatchingSignatureError,
        "No matching signature found",
      );
    });

    it.each([
      ["too old", -(WEBHOOK_TOLERANCE_IN_SECONDS + 1), "Message timestamp too old"],
      ["too new", WEBHOOK_TOLERANCE_IN_SECONDS + 1, "Message timestamp too new"],
    ])("rejects a timestamp %s by 301 s (tolerance ±300 s)", (_name, offset, message) => {
      // The signature is valid for its timestamp; only the clock moved.
      vi.useFakeTimers({ now: (vector.timestamp - offset) * 1000 });
      expectThrows(
        () =>
          verifyDelivery(body, headersFor(vector.id, vector.timestamp, vector.signature), keys()),
        StaleTimestampError,
        message,
      );
    });

    it.each([-WEBHOOK_TOLERANCE_IN_SECONDS, WEBHOOK_TOLERANCE_IN_SECONDS])(
      "accepts a timestamp exactly %i s away",
      (offset) => {
        vi.useFakeTimers({ now: (vector.timestamp - offset) * 1000 });
        expect(
          verifyDelivery(body, headersFor(vector.id, vector.timestamp, vector.signature), keys())
            .matchedScheme,
        ).toBe("standard");
      },
    );
  });

  describe("Polar vectors", () => {
    it.each(POLAR_VECTORS)("the test signer reproduces the $scheme vector", (vector) => {
      expect(
        polarSignature(vector.secret, vector.scheme, POLAR_ID, POLAR_TIMESTAMP, POLAR_BODY),
      ).toBe(vector.signature);
    });

    it.each(POLAR_VECTORS)("verifies the $scheme vector with the $scheme key", (vector) => {
      // Prepare
      vi.useFakeTimers({ now: POLAR_TIMESTAMP * 1000 });
      // Act
      const verified = verifyDelivery(
        Buffer.from(POLAR_BODY, "utf8"),
        headersFor(POLAR_ID, POLAR_TIMESTAMP, vector.signature),
        candidateKeys({ current: vector.secret, previous: null }),
      );
      // Assess: standard is tried first, so a legacy match proves the standard key alone would have
      // failed.
      expect(verified).toEqual({
        webhookId: POLAR_ID,
        timestamp: String(POLAR_TIMESTAMP),
        matchedSlot: "current",
        matchedScheme: vector.scheme,
      });
    });

    it("does not accept the legacy vector with the standard key alone", () => {
      vi.useFakeTimers({ now: POLAR_TIMESTAMP * 1000 });
      const [legacy] = POLAR_VECTORS;
      const standardOnly = candidateKeys({ current: legacy.secret, previous: null }).filter(
        (key) => key.scheme === "standard",
      );
      expect(keysOf(standardOnly)).toEqual(["current/standard"]);
      expectThrows(
        () =>
          verifyDelivery(
            Buffer.from(POLAR_BODY, "utf8"),
            headersFor(POLAR_ID, POLAR_TIMESTAMP, legacy.signature),
            standardOnly,
          ),
        NoMatchingSignatureError,
        "No matching signature found",
      );
    });
  });

  describe("Function: candidateKeys", () => {
    it("orders current before previous and standard before legacy", () => {
      expect(
        keysOf(candidateKeys({ current: standardSecret(), previous: standardSecret() })),
      ).toEqual(["current/standard", "current/legacy", "previous/standard", "previous/legacy"]);
    });

    it("tries a secret only once when previous equals current", () => {
      const secret = standardSecret();
      expect(keysOf(candidateKeys({ current: secret, previous: secret }))).toEqual([
        "current/standard",
        "current/legacy",
      ]);
    });

    it("skips the standard key of a polar_whs_ secret (not base64) and keeps its legacy key", () => {
      expect(
        keysOf(candidateKeys({ current: legacySecret("polar_whs_"), previous: null })),
      ).toEqual(["current/legacy"]);
    });
  });

  describe("Function: verifyDelivery with deliveries signed like Polar's server", () => {
    it.each([
      [SCHEME.STANDARD, standardSecret],
      [SCHEME.LEGACY, standardSecret],
      [SCHEME.LEGACY, () => legacySecret()],
      [SCHEME.LEGACY, () => legacySecret("polar_whs_")],
    ] as const)("accepts a %s signature", (scheme, makeSecret) => {
      const delivery = new TestDelivery({ secret: makeSecret(), scheme });
      const verified = verifyDelivery(
        delivery.body,
        delivery.headers(),
        candidateKeys({ current: delivery.secret, previous: null }),
      );
      expect(verified).toEqual({
        webhookId: delivery.webhookId,
        timestamp: delivery.timestamp,
        matchedSlot: "current",
        matchedScheme: scheme,
      });
    });

    it.each([SCHEME.STANDARD, SCHEME.LEGACY])(
      "accepts a %s signature made with the previous secret during a rotation",
      (scheme) => {
        const previous = standardSecret();
        const delivery = new TestDelivery({ secret: previous, scheme });
        const verified = verifyDelivery(
          delivery.body,
          delivery.headers(),
          candidateKeys({ current: standardSecret(), previous }),
        );
        expect([verified.matchedSlot, verified.matchedScheme]).toEqual(["previous", scheme]);
      },
    );

    it("rejects a signature made with another secret", () => {
      const delivery = new TestDelivery({ secret: standardSecret() });
      expectThrows(
        () =>
          verifyDelivery(
            delivery.body,
            delivery.headers(),
            candidateKeys({ current: standardSecret(), previous: standardSecret() }),
          ),
        NoMatchingSignatureError,
        "No matching signature found",
      );
    });

    it("reads mixed-case header names after normalizeHeaders", () => {
      const delivery = new TestDelivery({ secret: standardSecret() });
      const headers = normalizeHeaders({
        "Webhook-Id": delivery.webhookId,
        "WEBHOOK-TIMESTAMP": delivery.timestamp,
        "Webhook-Signature": delivery.signature,
      });
      expect(
        verifyDelivery(
          delivery.body,
          headers,
          candidateKeys({ current: delivery.secret, previous: null }),
        ).webhookId,
      ).toBe(delivery.webhookId);
    });

    it.each(["webhook-id", "webhook-timestamp", "webhook-signature"])(
      "rejects a missing %s",
      (name) => {
        const delivery = new TestDelivery({ secret: standardSecret() });
        const headers: Record<string, string> = delivery.headers();
        delete headers[name];
        expectThrows(
          () =>
            verifyDelivery(
              delivery.body,
              headers,
              candidateKeys({ current: delivery.secret, previous: null }),
            ),
          MissingHeadersError,
          "Missing required headers",
        );
      },
    );

    it.each([
      ["a non-numeric timestamp", { "webhook-timestamp": "soon" }, "Invalid webhook-timestamp"],
      [
        "a timestamp with a suffix",
        { "webhook-timestamp": `${Math.floor(Date.now() / 1000)}abc` },
        "Invalid webhook-timestamp",
      ],
      ["an id over 128 characters", { "webhook-id": "x".repeat(129) }, "Invalid webhook-id"],
    ])("rejects %s", (_name, override, message) => {
      const delivery = new TestDelivery({ secret: standardSecret() });
      expectThrows(
        () =>
          verifyDelivery(
            delivery.body,
            { ...delivery.headers(), ...override },
            candidateKeys({ current: delivery.secret, previous: null }),
          ),
        InvalidSignatureError,
        message,
      );
    });

    // standardwebhooks signs the parsed number: with a zero in front, the genuine signature still
    // matched and the request was enqueued with a webhook-timestamp nobody signed (found by
    // test/adversarial).
    it.each(["0", "00"])("rejects a timestamp with leading %s before a genuine one", (zeros) => {
      const delivery = new TestDelivery({ secret: standardSecret() });
      expectThrows(
        () =>
          verifyDelivery(
            delivery.body,
            { ...delivery.headers(), "webhook-timestamp": `${zeros}${delivery.timestamp}` },
            candidateKeys({ current: delivery.secret, previous: null }),
          ),
        InvalidSignatureError,
        "Invalid webhook-timestamp",
      );
    });

    it("rejects a correctly signed body that is not valid UTF-8", () => {
      const delivery = new TestDelivery({
        secret: standardSecret(),
        body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      });
      expectThrows(
        () =>
          verifyDelivery(
            delivery.body,
            delivery.headers(),
            candidateKeys({ current: delivery.secret, previous: null }),
          ),
        InvalidSignatureError,
        "Body is not valid UTF-8",
      );
    });

    it("rejects a tampered body", () => {
      const delivery = new TestDelivery({ secret: standardSecret() });
      const tampered = Buffer.from(
        delivery.body.toString("utf8").replace("order.paid", "order.refunded"),
      );
      expectThrows(
        () =>
          verifyDelivery(
            tampered,
            delivery.headers(),
            candidateKeys({ current: delivery.secret, previous: null }),
          ),
        NoMatchingSignatureError,
        "No matching signature found",
      );
    });
  });

  describe("Function: decodeBody", () => {
    it("decodes base64 bodies and keeps UTF-8 bodies byte-for-byte", () => {
      const bytes = Buffer.from('{"type":"café ✓"}', "utf8");
      expect(decodeBody(bytes.toString("base64"), true).equals(bytes)).toBe(true);
      expect(decodeBody(bytes.toString("utf8"), false).equals(bytes)).toBe(true);
      expect(decodeBody(undefined, false).length).toBe(0);
    });
  });

  describe("Function: parsePolarEvent", () => {
    it("returns the type of a Polar envelope", () => {
      expect(parsePolarEvent(Buffer.from('{"type":"subscription.updated","data":{}}'))).toEqual({
        type: "subscription.updated",
      });
    });

    it.each([
      ["plain text", "hello", NotAPolarEventError, "Body is not JSON"],
      ["an empty body", "", NotAPolarEventError, "Body is not JSON"],
      ["a JSON string", '"order.paid"', NotAPolarEventError, "Body has no string type"],
      ["null", "null", NotAPolarEventError, "Body has no string type"],
      ["an array", '[{"type":"order.paid"}]', NotAPolarEventError, "Body has no string type"],
      [
        "no type (Slack format)",
        '{"text":"order.paid"}',
        NotAPolarEventError,
        "Body has no string type",
      ],
      ["a numeric type", '{"type":1}', NotAPolarEventError, "Body has no string type"],
      ["an empty type", '{"type":""}', NotAPolarEventError, "Body has no string type"],
      [
        "U+FFFF inside a string",
        '{"type":"order.paid","data":{"note":"\uffff"}}',
        BodyNotEnqueueableError,
        "Body contains characters SQS does not accept",
      ],
    ] as const)("rejects %s", (_name, body, errorClass, message) => {
      expectThrows(() => parsePolarEvent(Buffer.from(body, "utf8")), errorClass, message);
    });
  });

  describe("Function: buildSendMessageInput", () => {
    const request = {
      body: '{"type":"order.paid"}',
      webhookId: "00000000-0000-4000-8000-000000000000",
      timestamp: "1767225600",
      eventType: "order.paid",
    };
    const attributes = {
      "webhook-id": { DataType: "String", StringValue: "00000000-0000-4000-8000-000000000000" },
      "webhook-timestamp": { DataType: "String", StringValue: "1767225600" },
      "event-type": { DataType: "String", StringValue: "order.paid" },
    };

    it("sends body and attributes to a standard queue, without FIFO fields", () => {
      expect(buildSendMessageInput("https://sqs.us-east-1.amazonaws.com/1/q", request)).toEqual({
        QueueUrl: "https://sqs.us-east-1.amazonaws.com/1/q",
        MessageBody: '{"type":"order.paid"}',
        MessageAttributes: attributes,
      });
    });

    it("deduplicates and groups by webhook-id on a FIFO queue", () => {
      expect(
        buildSendMessageInput("https://sqs.us-east-1.amazonaws.com/1/q.fifo", request),
      ).toEqual({
        QueueUrl: "https://sqs.us-east-1.amazonaws.com/1/q.fifo",
        MessageBody: '{"type":"order.paid"}',
        MessageAttributes: attributes,
        MessageDeduplicationId: "00000000-0000-4000-8000-000000000000",
        MessageGroupId: "00000000-0000-4000-8000-000000000000",
      });
    });
  });
});
