import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from "../../providers/polar";

const policy: RetryPolicy = {
  maxRetries: 3,
  minDelayMs: 100,
  maxDelayMs: 10_000,
  totalBudgetMs: 20_000,
};
const base = { idempotent: true, retry: 1, elapsedMs: 0, random: 1, now: 0 };

describe("retryDelayMs", () => {
  it("honours Retry-After in seconds for a 429", () => {
    expect(retryDelayMs({ ...base, statusCode: 429, retryAfter: "3" }, policy)).toBe(3000);
  });

  it("honours Retry-After as an HTTP date", () => {
    const now = Date.parse("2026-11-24T00:00:00Z");
    const attempt = { ...base, now, statusCode: 429, retryAfter: "Tue, 24 Nov 2026 00:00:05 GMT" };
    expect(retryDelayMs(attempt, policy)).toBe(5000);
  });

  it("backs off exponentially with jitter between half and all of the step", () => {
    expect(retryDelayMs({ ...base, statusCode: 503, retry: 1, random: 1 }, policy)).toBe(100);
    expect(retryDelayMs({ ...base, statusCode: 503, retry: 2, random: 1 }, policy)).toBe(200);
    expect(retryDelayMs({ ...base, statusCode: 503, retry: 3, random: 0 }, policy)).toBe(200);
  });

  it("retries a 500 only for idempotent calls: it may have been processed in part", () => {
    expect(retryDelayMs({ ...base, statusCode: 500 }, policy)).toBe(100);
    expect(retryDelayMs({ ...base, idempotent: false, statusCode: 500 }, policy)).toBeUndefined();
  });

  it("retries connection resets and timeouts for idempotent calls", () => {
    expect(retryDelayMs({ ...base, errorCode: "ECONNRESET" }, policy)).toBe(100);
    expect(retryDelayMs({ ...base, errorCode: "UND_ERR_HEADERS_TIMEOUT" }, policy)).toBe(100);
  });

  it("retries a non-idempotent call (create, secret reset) only on 429, which was not processed", () => {
    const once = { ...base, idempotent: false };
    expect(retryDelayMs({ ...once, statusCode: 429, retryAfter: "1" }, policy)).toBe(1000);
    for (const statusCode of [500, 502, 503, 504]) {
      expect(retryDelayMs({ ...once, statusCode }, policy)).toBeUndefined();
    }
    for (const errorCode of ["ECONNRESET", "UND_ERR_SOCKET", "UND_ERR_HEADERS_TIMEOUT"]) {
      expect(retryDelayMs({ ...once, errorCode }, policy)).toBeUndefined();
    }
  });

  it("never retries other 4xx or unknown errors", () => {
    for (const statusCode of [400, 401, 403, 404, 422]) {
      expect(retryDelayMs({ ...base, statusCode }, policy)).toBeUndefined();
    }
    expect(retryDelayMs({ ...base, errorCode: "ENOTFOUND" }, policy)).toBeUndefined();
  });

  it("stops after maxRetries, past maxDelay and past the time budget", () => {
    expect(retryDelayMs({ ...base, statusCode: 503, retry: 4 }, policy)).toBeUndefined();
    expect(retryDelayMs({ ...base, statusCode: 429, retryAfter: "11" }, policy)).toBeUndefined();
    expect(
      retryDelayMs({ ...base, statusCode: 429, retryAfter: "5", elapsedMs: 16_000 }, policy),
    ).toBeUndefined();
  });

  it("has a default budget that fits a minute-long Retry-After", () => {
    expect(retryDelayMs({ ...base, statusCode: 429, retryAfter: "60" }, DEFAULT_RETRY_POLICY)).toBe(
      60_000,
    );
  });
});
