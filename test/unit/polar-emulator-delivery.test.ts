// The pure parts of the emulator's webhook delivery: backoff, signing, what is recorded of an
// attempt, payload overrides and rendering, typo suggestions, the deliveries search.
import { describe, expect, it } from "vitest";

import { fifoGuardDelayMs, retryDelayMs } from "../../local/polar-emulator/delivery/backoff";
import {
  isStandardWebhookSecret,
  signingKey,
  signPayload,
} from "../../local/polar-emulator/delivery/signing";
import { statusErrorText } from "../../local/polar-emulator/delivery/transport";
import { deliveryOutcome } from "../../local/polar-emulator/delivery/worker";
import { ilikeContains } from "../../local/polar-emulator/listing";
import {
  createEventContent,
  createSample,
  renderPayload,
} from "../../providers/polar/samples/payloads";
import { pythonJsonDumps } from "../../providers/polar/samples/chat";
import { deepMerge } from "../../providers/polar/samples/merge";
import { suggestEventType } from "../../providers/polar/events";

describe("Function: retryDelayMs (dramatiq compute_backoff, factor 2 s, max 20 min)", () => {
  it("waits between half and all of 2 s·2ⁿ after n failed attempts, in whole seconds", () => {
    const shortest = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => retryDelayMs(n, () => 0) / 1000);
    const longest = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => retryDelayMs(n, () => 0.9999) / 1000);

    expect(shortest).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512]);
    expect(longest).toEqual([4, 8, 16, 32, 64, 128, 256, 512, 1024]);
  });

  it("caps the base at 20 minutes", () => {
    expect(retryDelayMs(10, () => 0)).toBe(600_000);
    expect(retryDelayMs(20, () => 0.9999)).toBe(1_200_000);
  });

  it("rounds a jittered delay up to the next second", () => {
    expect(retryDelayMs(1, () => 0.3)).toBe(3_000);
  });
});

describe("Function: fifoGuardDelayMs", () => {
  it("waits 300 ms per earlier pending event, at most a minute", () => {
    expect([1, 3, 200, 1000].map(fifoGuardDelayMs)).toEqual([300, 900, 60_000, 60_000]);
  });
});

describe("Function: signPayload with Polar's test vectors (webhook-ingress.md §1.1)", () => {
  const id = "00000000-0000-4000-8000-000000000000";
  const timestamp = 1767225600;
  const body =
    '{"type":"order.paid","timestamp":"2026-01-01T00:00:00Z","data":{"id":"00000000-0000-4000-8000-000000000001"}}';

  it("signs the legacy way with the UTF-8 bytes of the whole secret", () => {
    const key = signingKey("whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK", false);

    expect(signPayload(key, id, timestamp, body)).toBe(
      "v1,iqeUYP8PkL4AO5cJ7S3LyHjwPWMqtmsvv1y8ldGzQT0=",
    );
  });

  it("signs the standard way with the base64-decoded key after whsec_", () => {
    const key = signingKey("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", true);

    expect(key).toEqual(Buffer.from([...Array(32).keys()]));
    expect(signPayload(key, id, timestamp, body)).toBe(
      "v1,X2IkPvzwDsjZqicC7m3HtLi4Kww98u5+7vQjm1A5yHM=",
    );
  });

  it("refuses a standard scheme for a secret that is not whsec_ + base64", () => {
    expect(isStandardWebhookSecret("whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK")).toBe(
      false,
    );
    expect(isStandardWebhookSecret("whsec_")).toBe(false);
    expect(() => signingKey("whsec_not base64!", true)).toThrow(
      "a Standard Webhooks secret must be whsec_ followed by a base64 key",
    );
  });
});

describe("Function: deliveryOutcome", () => {
  const url = "https://example.com/hook";

  it("counts only 2xx as success and keeps an empty body as null", () => {
    const ok = {
      kind: "response",
      status: 204,
      reason: "No Content",
      location: undefined,
      text: "",
    } as const;

    expect(deliveryOutcome(url, ok)).toEqual({ succeeded: true, httpCode: 204, response: null });
    expect(deliveryOutcome(url, { ...ok, status: 301, reason: "Moved Permanently" })).toMatchObject(
      {
        succeeded: false,
        httpCode: 301,
      },
    );
  });

  it("stores httpx's error text for a failure without a body, the error for no response", () => {
    const notFound = {
      kind: "response",
      status: 404,
      reason: "Not Found",
      location: undefined,
      text: "",
    } as const;

    expect(deliveryOutcome(url, notFound).response).toBe(
      "Client error '404 Not Found' for url 'https://example.com/hook'\n" +
        "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/404",
    );
    expect(deliveryOutcome(url, { kind: "error", message: "timed out" })).toEqual({
      succeeded: false,
      httpCode: null,
      response: "timed out",
    });
  });
});

describe("Function: statusErrorText", () => {
  it("names the redirect location only for redirect statuses that have one", () => {
    expect(
      statusErrorText("https://a.example/", 307, "Temporary Redirect", "https://b.example/"),
    ).toBe(
      "Redirect response '307 Temporary Redirect' for url 'https://a.example/'\n" +
        "Redirect location: 'https://b.example/'\n" +
        "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/307",
    );
    expect(statusErrorText("https://a.example/", 304, "Not Modified", undefined)).not.toContain(
      "Redirect location",
    );
    expect(statusErrorText("https://a.example/", 600, "", undefined)).toMatch(
      /^Invalid status code/,
    );
  });
});

describe("Function: deepMerge", () => {
  it("merges objects key by key, replaces arrays, scalars and nulls, and changes no input", () => {
    const base = { a: { b: 1, c: [1, 2], d: { e: "x" } }, f: "keep" };
    const override = { a: { b: 2, c: [3], d: null }, g: true, h: undefined };

    const merged = deepMerge(base, override);

    expect(merged).toEqual({ a: { b: 2, c: [3], d: null }, f: "keep", g: true });
    expect(base).toEqual({ a: { b: 1, c: [1, 2], d: { e: "x" } }, f: "keep" });
  });
});

describe("Function: suggestEventType", () => {
  it("suggests the type a typo was meant to be, and nothing for unrelated words", () => {
    expect(suggestEventType("order.payed")).toBe("order.paid");
    expect(suggestEventType("subscription.cancelled")).toBe("subscription.canceled");
    expect(suggestEventType("Checkout.Created")).toBe("checkout.created");
    expect(suggestEventType("refunds")).toBeUndefined();
  });
});

describe("Function: ilikeContains (the deliveries `query` filter)", () => {
  it("matches a substring case-insensitively with LIKE's wildcards and escapes", () => {
    expect(ilikeContains("ABC")("xxabcxx")).toBe(true);
    expect(ilikeContains("5_3")("503")).toBe(true);
    expect(ilikeContains("5%3")("5000003")).toBe(true);
    expect(ilikeContains("5\\_3")("503")).toBe(false);
    expect(ilikeContains("5\\_3")("5_3")).toBe(true);
    expect(ilikeContains("a.c")("abc")).toBe(false);
  });
});

describe("Function: renderPayload", () => {
  it("renders raw payloads compactly as {type, timestamp, api_version, data}", () => {
    const sample = createSample("11111111-1111-4111-8111-111111111111", new Date(0));
    const content = createEventContent("order.paid", sample, {}, "2026-01-01T00:00:00Z");

    const body = renderPayload(content, "2026-10", "raw");

    expect(Object.keys(JSON.parse(body) as object)).toEqual([
      "type",
      "timestamp",
      "api_version",
      "data",
    ]);
    expect(
      body.startsWith(
        '{"type":"order.paid","timestamp":"2026-01-01T00:00:00Z","api_version":"2026-10","data":{',
      ),
    ).toBe(true);
  });

  it("writes chat bodies the way Python's json.dumps does", () => {
    expect(pythonJsonDumps({ a: [1, "é"], b: { c: null } })).toBe(
      '{"a": [1, "\\u00e9"], "b": {"c": null}}',
    );
  });
});
