// The fuzzer's oracle checked on its own, against the published vectors (webhook-ingress.md
// §1.1, §2.2): if it were wrong, the fuzzer would agree with a wrong receiver.
import { describe, expect, it } from "vitest";
import { expectedOutcome, signature, type FuzzRequest } from "./contract";

const POLAR = {
  id: "00000000-0000-4000-8000-000000000000",
  timestamp: 1767225600,
  body: '{"type":"order.paid","timestamp":"2026-01-01T00:00:00Z","data":{"id":"00000000-0000-4000-8000-000000000001"}}',
  legacySecret: "whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK",
  legacySignature: "v1,iqeUYP8PkL4AO5cJ7S3LyHjwPWMqtmsvv1y8ldGzQT0=",
  standardSecret: "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  standardSignature: "v1,X2IkPvzwDsjZqicC7m3HtLi4Kww98u5+7vQjm1A5yHM=",
} as const;

const settings = {
  keys: [
    Buffer.from(POLAR.legacySecret, "utf8"),
    Buffer.from(POLAR.standardSecret.slice("whsec_".length), "base64"),
  ],
  maxBodyBytes: 1000,
};

type Header = readonly [string, string];

function webhookHeaders(signatureHeader: string = POLAR.standardSignature): Header[] {
  return [
    ["webhook-id", POLAR.id],
    ["webhook-timestamp", String(POLAR.timestamp)],
    ["webhook-signature", signatureHeader],
  ];
}

function request(overrides: Partial<FuzzRequest> = {}): FuzzRequest {
  return {
    method: "POST",
    headers: webhookHeaders(),
    body: POLAR.body,
    isBase64Encoded: false,
    ...overrides,
  };
}

function withSignature(header: string): FuzzRequest {
  return request({ headers: webhookHeaders(header) });
}

const at = (offsetSeconds: number) => (POLAR.timestamp + offsetSeconds) * 1000;

describe("Module: contract (the fuzzer's oracle)", () => {
  describe("Function: signature", () => {
    it("reproduces the Standard Webhooks and Polar test vectors", () => {
      const key = Buffer.from("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "base64");
      expect(
        signature(
          key,
          "msg_p5jXN8AQM9LWM0D4loKWxJek",
          "1614265330",
          Buffer.from('{"test": 2432232314}'),
        ),
      ).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
      const body = Buffer.from(POLAR.body);
      const ts = String(POLAR.timestamp);
      expect(signature(settings.keys[0]!, POLAR.id, ts, body)).toBe(POLAR.legacySignature);
      expect(signature(settings.keys[1]!, POLAR.id, ts, body)).toBe(POLAR.standardSignature);
    });
  });

  describe("Function: expectedOutcome", () => {
    it.each([POLAR.legacySignature, POLAR.standardSignature])("accepts %s", (header) => {
      expect(expectedOutcome(withSignature(header), settings, at(0))).toMatchObject({
        status: 202,
        triple: { id: POLAR.id, timestamp: String(POLAR.timestamp) },
      });
    });

    it.each([
      ["300 s old", -300, 202],
      ["301 s old", -301, 403],
      ["300 s ahead", 300, 202],
      ["301 s ahead", 301, 403],
    ])("floors the clock to seconds: a timestamp %s", (_name, offset, status) => {
      // .999 s past the second: standardwebhooks floors, so this is still "offset" seconds.
      expect(expectedOutcome(request(), settings, at(-offset) + 999).status).toBe(status);
    });

    it.each([
      ["last character changed", "v1,X2IkPvzwDsjZqicC7m3HtLi4Kww98u5+7vQjm1A5yHA="],
      ["first 8 characters", POLAR.standardSignature.slice(0, 8)],
      ["a bare v1,", "v1,"],
      ["version v1a", POLAR.standardSignature.replace("v1,", "v1a,")],
      ["no padding", POLAR.standardSignature.replace("=", "")],
    ])("refuses %s", (_name, header) => {
      expect(expectedOutcome(withSignature(header), settings, at(0)).status).toBe(403);
    });

    it("compares the text: a non-canonical base64 of the right bytes does not match", () => {
      // "M" and "N" differ only in the 2 bits the 44-character form leaves unused.
      const header = POLAR.standardSignature.replace("yHM=", "yHN=");
      const bytes = (h: string) => Buffer.from(h.slice("v1,".length), "base64");
      expect(bytes(header).equals(bytes(POLAR.standardSignature))).toBe(true);
      expect(expectedOutcome(withSignature(header), settings, at(0)).status).toBe(403);
    });

    it("accepts a valid signature among decoys and refuses the decoys alone", () => {
      const decoys = ["v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", "v2,abc"];
      const mixed = withSignature([decoys[0], POLAR.standardSignature, decoys[1]].join(" "));
      expect(expectedOutcome(mixed, settings, at(0)).status).toBe(202);
      expect(expectedOutcome(withSignature(decoys.join(" ")), settings, at(0)).status).toBe(403);
    });

    it("refuses a timestamp with a leading zero, whose text was not what was signed", () => {
      const zero = request({
        headers: [
          ["webhook-id", POLAR.id],
          ["webhook-timestamp", `0${POLAR.timestamp}`],
          ["webhook-signature", POLAR.standardSignature],
        ],
      });
      expect(expectedOutcome(zero, settings, at(0))).toEqual({
        status: 403,
        reason: "timestamp format",
      });
    });

    it("checks method, size, headers, UTF-8 and the envelope in the contract's order", () => {
      expect(expectedOutcome(request({ method: "GET", headers: [] }), settings, at(0)).status).toBe(
        405,
      );
      const big = request({ body: "x".repeat(1001), headers: [] });
      expect(expectedOutcome(big, settings, at(0)).status).toBe(413);
      expect(expectedOutcome(request({ headers: [] }), settings, at(0)).status).toBe(403);
      const binary = request({ body: Buffer.from([0x7b, 0xff, 0x7d]).toString("base64") });
      expect(expectedOutcome({ ...binary, isBase64Encoded: true }, settings, at(0)).reason).toBe(
        "body not UTF-8",
      );
      const signedNotPolar = (body: string) => {
        const header = signature(
          settings.keys[1]!,
          POLAR.id,
          String(POLAR.timestamp),
          Buffer.from(body),
        );
        return expectedOutcome({ ...withSignature(header), body }, settings, at(0));
      };
      expect(signedNotPolar('{"data":{}}')).toEqual({ status: 400, reason: "no string type" });
      expect(signedNotPolar("[]")).toEqual({ status: 400, reason: "not an object" });
      expect(signedNotPolar('\uFEFF{"type":"a"}')).toEqual({ status: 400, reason: "not JSON" });
      expect(signedNotPolar('{"type":"a\uFFFE"}')).toEqual({
        status: 400,
        reason: "characters SQS refuses",
      });
    });
  });
});
