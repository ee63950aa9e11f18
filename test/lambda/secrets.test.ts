import { SSMClient } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { Deadline } from "../../lambda/deadline";
import { DeadlineExceededError } from "../../lambda/errors";
import {
  DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS,
  DEFAULT_SECRET_TTL_SECONDS,
  parseSecretParameterValue,
} from "../../lambda/secrets";
import { SecretUnavailableError, type CandidateKey } from "../../lambda";
import { SsmSecretProvider } from "../../lambda/aws-sdk";
import { DUMMY_AWS, standardSecret, stubbedSsm } from "./support";

function secretsJson(current: string, previous: string | null = null): string {
  return JSON.stringify({ current, previous });
}

function slots(keys: readonly CandidateKey[] | undefined) {
  return keys?.map((key) => `${key.slot}/${key.scheme}`);
}

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (seconds: number) => (now += seconds * 1000) };
}

describe("Class: SsmSecretProvider", () => {
  it("documents its defaults: 300 s TTL, at most one forced refresh per 60 s", () => {
    expect([DEFAULT_SECRET_TTL_SECONDS, DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS]).toEqual([
      300, 60,
    ]);
  });

  it("reads the parameter with decryption once, then serves the cache within the TTL", async () => {
    // Prepare
    const { client, requests } = stubbedSsm(() => secretsJson(standardSecret(), standardSecret()));
    const clock = manualClock();
    const provider = new SsmSecretProvider({
      parameterName: "/polar/secret",
      ssmClient: client,
      now: clock.now,
    });
    // Act
    const first = await provider.getKeys();
    clock.advance(DEFAULT_SECRET_TTL_SECONDS - 1);
    const second = await provider.getKeys();
    // Assess
    expect(requests).toEqual([{ name: "/polar/secret", withDecryption: true }]);
    expect(second).toBe(first);
    expect(slots(first)).toEqual([
      "current/standard",
      "current/legacy",
      "previous/standard",
      "previous/legacy",
    ]);
  });

  it("re-reads after the TTL, so clearing previous revokes the old secret", async () => {
    let value = secretsJson(standardSecret(), standardSecret());
    const { client, requests } = stubbedSsm(() => value);
    const clock = manualClock();
    const provider = new SsmSecretProvider({
      parameterName: "p",
      ssmClient: client,
      now: clock.now,
    });
    await provider.getKeys();
    value = secretsJson(standardSecret(), null);
    clock.advance(DEFAULT_SECRET_TTL_SECONDS);
    expect(slots(await provider.getKeys())).toEqual(["current/standard", "current/legacy"]);
    expect(requests).toHaveLength(2);
  });

  it("allows one forced refresh after a miss, then none until 60 s after the last attempt", async () => {
    const { client, requests } = stubbedSsm(() => secretsJson(standardSecret()));
    const clock = manualClock();
    const provider = new SsmSecretProvider({
      parameterName: "p",
      ssmClient: client,
      now: clock.now,
    });
    await provider.getKeys();

    // Within 60 s of the cold fetch: a flood of misses causes no GetParameter at all.
    for (let i = 0; i < 50; i += 1) {
      expect(await provider.refreshAfterMiss()).toBeUndefined();
    }
    expect(requests).toHaveLength(1);

    clock.advance(DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS);
    expect(slots(await provider.refreshAfterMiss())).toEqual([
      "current/standard",
      "current/legacy",
    ]);
    for (let i = 0; i < 50; i += 1) {
      expect(await provider.refreshAfterMiss()).toBeUndefined();
    }
    expect(requests).toHaveLength(2);
  });

  it("shares one in-flight read between concurrent misses", async () => {
    const { client, requests } = stubbedSsm(() => secretsJson(standardSecret()));
    const clock = manualClock();
    const provider = new SsmSecretProvider({
      parameterName: "p",
      ssmClient: client,
      now: clock.now,
    });
    const results = await Promise.all([provider.refreshAfterMiss(), provider.refreshAfterMiss()]);
    expect(requests).toHaveLength(1);
    expect(results[0]).toBe(results[1]);
  });

  it("fails a cold start with SecretUnavailableError when SSM fails", async () => {
    const { client } = stubbedSsm(() =>
      Object.assign(new Error("boom"), { name: "InternalServerError" }),
    );
    const provider = new SsmSecretProvider({ parameterName: "p", ssmClient: client });
    const error = await provider.getKeys().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as Error).message).toBe("Could not read the secret parameter");
    expect(((error as Error).cause as Error).name).toBe("InternalServerError");
  });

  it("after a failed cold read, fails fast without calling SSM until the interval has passed", async () => {
    // Prepare
    let fail = true;
    const { client, requests } = stubbedSsm(() =>
      fail ? new Error("down") : secretsJson(standardSecret()),
    );
    const clock = manualClock();
    const provider = new SsmSecretProvider({
      parameterName: "p",
      ssmClient: client,
      now: clock.now,
    });
    await expect(provider.getKeys()).rejects.toThrow("Could not read the secret parameter");
    // Act
    clock.advance(DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS - 1);
    fail = false;
    const early = await Promise.allSettled([provider.getKeys(), provider.refreshAfterMiss()]);
    clock.advance(1);
    const keys = await provider.getKeys();
    // Assess
    expect(early.map((r) => (r.status === "rejected" ? String(r.reason) : r.value))).toEqual([
      "SecretUnavailableError: Secret parameter read failed recently; not retried yet",
      undefined,
    ]);
    expect(slots(keys)).toEqual(["current/standard", "current/legacy"]);
    expect(requests).toHaveLength(2);
  });

  it("gives up at the deadline even if the call ignores the abort signal", async () => {
    const client = new SSMClient(DUMMY_AWS);
    client.middlewareStack.add(() => () => new Promise<never>(() => undefined), {
      step: "initialize",
      name: "neverAnswer",
    });
    const provider = new SsmSecretProvider({ parameterName: "p", ssmClient: client });
    const error = await provider.getKeys(Deadline.in(50)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toBe("Deadline exceeded during GetParameter");
  });

  it("keeps serving cached keys when the TTL re-read fails, and retries only after the interval", async () => {
    let fail = false;
    const { client, requests } = stubbedSsm(() =>
      fail ? new Error("down") : secretsJson(standardSecret()),
    );
    const clock = manualClock();
    const provider = new SsmSecretProvider({
      parameterName: "p",
      ssmClient: client,
      now: clock.now,
    });
    const cached = await provider.getKeys();
    fail = true;
    clock.advance(DEFAULT_SECRET_TTL_SECONDS);
    expect(await provider.getKeys()).toBe(cached);
    expect(await provider.getKeys()).toBe(cached);
    expect(requests).toHaveLength(2);
    clock.advance(DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS);
    expect(await provider.getKeys()).toBe(cached);
    expect(requests).toHaveLength(3);
  });

  it("throws SecretUnavailableError when an allowed forced refresh fails (the caller answers 503)", async () => {
    let fail = false;
    const { client } = stubbedSsm(() => (fail ? new Error("down") : secretsJson(standardSecret())));
    const clock = manualClock();
    const provider = new SsmSecretProvider({
      parameterName: "p",
      ssmClient: client,
      now: clock.now,
    });
    await provider.getKeys();
    fail = true;
    clock.advance(DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS);
    await expect(provider.refreshAfterMiss()).rejects.toThrow(
      "Could not read the secret parameter",
    );
  });
});

describe("Function: parseSecretParameterValue", () => {
  it("reads current and previous, defaulting a missing previous (and its expiry) to null", () => {
    expect(parseSecretParameterValue('{"current":"whsec_a","previous":"whsec_b"}')).toEqual({
      current: "whsec_a",
      previous: "whsec_b",
      previousExpiresAt: null,
    });
    expect(parseSecretParameterValue('{"current":"whsec_a"}')).toEqual({
      current: "whsec_a",
      previous: null,
      previousExpiresAt: null,
    });
  });

  it.each([
    ["no value", undefined, "Secret parameter has no value"],
    ["a bare secret", "whsec_notjson", "Secret parameter is not JSON"],
    [
      "no current",
      '{"previous":"whsec_b"}',
      'Secret parameter is not {"current", "previous", "previousExpiresAt"}',
    ],
    [
      "an empty current",
      '{"current":""}',
      'Secret parameter is not {"current", "previous", "previousExpiresAt"}',
    ],
    [
      "a numeric previous",
      '{"current":"whsec_a","previous":1}',
      'Secret parameter is not {"current", "previous", "previousExpiresAt"}',
    ],
  ])("rejects %s without echoing the value", (_name, value, message) => {
    let error: unknown;
    try {
      parseSecretParameterValue(value);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as Error).message).toBe(message);
    expect(
      JSON.stringify({ message: (error as Error).message, cause: String((error as Error).cause) }),
    ).not.toContain("whsec_");
  });
});
