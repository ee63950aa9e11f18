// A rotation that ends: the previous secret is accepted only before `previousExpiresAt`, checked
// per request against the clock (injected here), with the keys already cached: no re-read of SSM.
import { describe, expect, it } from "vitest";
import {
  candidateKeys,
  createHandler,
  NoMatchingSignatureError,
  SecretUnavailableError,
  verifyDelivery,
  type RequestLogEntry,
} from "../../lambda";
import { ExpiredSecretError, StaleTimestampError } from "../../lambda/errors";
import { parseSecretParameterValue } from "../../lambda/secrets";
import { SsmSecretProvider } from "../../lambda/aws-sdk";
import {
  legacySecret,
  nowSeconds,
  SCHEME,
  standardSecret,
  startTestSqs,
  stubbedSsm,
  TestDelivery,
} from "./support";

const EXPIRES_AT = Date.parse("2026-11-25T09:30:00.000Z");

function keysFor(current: string, previous: string | null, previousExpiresAt?: number | null) {
  return candidateKeys({ current, previous, previousExpiresAt });
}

function verify(delivery: TestDelivery, keys: ReturnType<typeof keysFor>, now: number) {
  return verifyDelivery(delivery.body, delivery.headers(), keys, now);
}

describe("Function: candidateKeys with previousExpiresAt", () => {
  it("gives the expiry to both keys of the previous secret only", () => {
    const keys = keysFor(standardSecret(), standardSecret(), EXPIRES_AT);
    expect(keys.map((key) => [`${key.slot}/${key.scheme}`, key.expiresAt])).toEqual([
      ["current/standard", undefined],
      ["current/legacy", undefined],
      ["previous/standard", EXPIRES_AT],
      ["previous/legacy", EXPIRES_AT],
    ]);
  });
});

describe("Function: verifyDelivery against the clock", () => {
  const current = standardSecret();
  const previous = legacySecret();
  const keys = keysFor(current, previous, EXPIRES_AT);

  it.each([SCHEME.STANDARD, SCHEME.LEGACY])(
    "accepts the previous secret (%s key) until the last millisecond before it expires",
    (scheme) => {
      const delivery = new TestDelivery({ secret: previous, scheme });
      expect(verify(delivery, keys, EXPIRES_AT - 1)).toMatchObject({
        matchedSlot: "previous",
        matchedScheme: scheme,
        expiresAt: EXPIRES_AT,
      });
    },
  );

  it.each([0, 1, 3_600_000])(
    "refuses the previous secret %s ms after it expired, naming the key and the instant",
    (late) => {
      const delivery = new TestDelivery({ secret: previous, scheme: SCHEME.LEGACY });
      let error: unknown;
      try {
        verify(delivery, keys, EXPIRES_AT + late);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(ExpiredSecretError);
      expect(error).not.toBeInstanceOf(NoMatchingSignatureError);
      expect(error).toMatchObject({
        message: "Signed with the previous secret, which has expired",
        key: "previous/legacy",
        expiredAt: "2026-11-25T09:30:00.000Z",
        outcome: "invalid_signature",
      });
      expect(JSON.stringify({ ...(error as object), m: (error as Error).message })).not.toContain(
        previous,
      );
    },
  );

  it("keeps accepting the current secret after the previous one expired", () => {
    const delivery = new TestDelivery({ secret: current });
    expect(verify(delivery, keys, EXPIRES_AT + 1)).toMatchObject({ matchedSlot: "current" });
    expect(verify(delivery, keys, EXPIRES_AT + 1)).not.toHaveProperty("expiresAt");
  });

  it("still reports a forged signature as a miss and a stale one as stale", () => {
    const forged = new TestDelivery({ secret: standardSecret() });
    const stale = new TestDelivery({ secret: previous, timestamp: nowSeconds() - 3600 });
    expect(() => verify(forged, keys, EXPIRES_AT + 1)).toThrow(NoMatchingSignatureError);
    expect(() => verify(stale, keys, EXPIRES_AT + 1)).toThrow(StaleTimestampError);
  });

  it("never expires a previous secret written without previousExpiresAt", () => {
    const delivery = new TestDelivery({ secret: previous, scheme: SCHEME.LEGACY });
    const keysWithoutExpiry = keysFor(current, previous, null);
    expect(verify(delivery, keysWithoutExpiry, EXPIRES_AT * 10).matchedSlot).toBe("previous");
  });
});

describe("Function: parseSecretParameterValue with previousExpiresAt", () => {
  it("reads the instant in any offset, and a missing or null one as no expiry", () => {
    const parse = (previousExpiresAt: unknown) =>
      parseSecretParameterValue(
        JSON.stringify({ current: "whsec_a", previous: "whsec_b", previousExpiresAt }),
      ).previousExpiresAt;
    expect(parse("2026-11-25T09:30:00.000Z")).toBe(EXPIRES_AT);
    expect(parse("2026-11-25T10:30:00+01:00")).toBe(EXPIRES_AT);
    expect(parse("2026-11-25T09:30:00.000000Z")).toBe(EXPIRES_AT);
    expect(parse(null)).toBeNull();
    expect(parse(undefined)).toBeNull();
  });

  it.each([
    ["words", "tomorrow"],
    ["a date without a time", "2026-11-25"],
    ["a time without an offset", "2026-11-25T09:30:00"],
    ["a number", 1795599000000],
    ["the secret pasted into the wrong field", "whsec_b"],
  ])(
    "refuses %s as SecretUnavailableError without echoing the value",
    (_name, previousExpiresAt) => {
      const value = JSON.stringify({ current: "whsec_a", previous: "whsec_b", previousExpiresAt });
      let error: unknown;
      try {
        parseSecretParameterValue(value);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(SecretUnavailableError);
      expect((error as Error).message).toBe(
        "Secret parameter's previousExpiresAt is not an ISO 8601 instant (e.g. 2026-11-25T09:30:00.000Z)",
      );
      expect(
        JSON.stringify({ m: (error as Error).message, c: (error as Error).cause }),
      ).not.toMatch(/whsec_|tomorrow|1795599000000/);
    },
  );
});

describe("Function: handler with an injectable clock", () => {
  it("stops accepting the previous secret at previousExpiresAt without reading SSM again", async () => {
    // Prepare: the parameter as the program writes it, read once into the cache.
    const sqs = await startTestSqs();
    try {
      const current = standardSecret();
      const previous = standardSecret();
      const { client, requests } = stubbedSsm(() =>
        JSON.stringify({ current, previous, previousExpiresAt: "2026-11-25T09:30:00.000Z" }),
      );
      let now = EXPIRES_AT - 60_000;
      const logs: RequestLogEntry[] = [];
      const handler = createHandler({
        queueUrl: await sqs.createQueue(),
        sqsClient: sqs.client,
        secretProvider: new SsmSecretProvider({
          parameterName: "/polar/secrets",
          ssmClient: client,
        }),
        log: (entry) => logs.push(entry),
        now: () => now,
      });
      // Act
      const before = await handler(new TestDelivery({ secret: previous }).event());
      now = EXPIRES_AT;
      const after = await handler(new TestDelivery({ secret: previous }).event());
      const fresh = await handler(new TestDelivery({ secret: current }).event());
      // Assess
      expect([before.statusCode, after.statusCode, fresh.statusCode]).toEqual([202, 403, 202]);
      expect(requests).toHaveLength(1);
      expect(logs[0]).toMatchObject({
        outcome: "enqueued",
        key: "previous/standard",
        previousExpiresAt: "2026-11-25T09:30:00.000Z",
      });
      expect(logs[1]).toMatchObject({
        level: "warn",
        outcome: "invalid_signature",
        status: 403,
        reason: "Signed with the previous secret, which has expired",
        expiredKey: "previous/standard",
        previousExpiresAt: "2026-11-25T09:30:00.000Z",
      });
      expect(logs[1]).not.toHaveProperty("key");
      expect(logs[1]).not.toHaveProperty("secretRefresh");
      expect(logs[2]).toMatchObject({ outcome: "enqueued", key: "current/standard" });
      expect(logs[2]).not.toHaveProperty("previousExpiresAt");
      const logText = JSON.stringify(logs);
      expect(logText).not.toContain(current.slice(6));
      expect(logText).not.toContain(previous.slice(6));
    } finally {
      await sqs.stop();
    }
  });
});
