// Pure parts of the CLI: the request pacer, signing a test event, finding a stack's secret.
import { webhooks } from "@polar-sh/sdk/2026-10";
import { describe, expect, it } from "vitest";
import { defaultPerMinute, Pacer } from "../../cli/pacer";
import {
  looksStandard,
  signDelivery,
  signingMaterial,
  WEBHOOK_ENDPOINT_TYPE,
} from "../../cli/signing";
import { regionOf } from "../../cli/sqs";
import { candidateKeys, verifyDelivery } from "../../lambda/index";
import { sampleWebhookPayload } from "../../local/polar-emulator";

const STANDARD = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
const LEGACY = "whsec_" + "Ab3".repeat(14) + "x";

describe("Pacer", () => {
  it("spaces request starts at the base pace", () => {
    const pacer = new Pacer({ perMinute: 120 });
    expect(pacer.baseIntervalMs).toBe(500);
    expect(pacer.delayBefore(0)).toBe(0);
    pacer.started(0);
    expect(pacer.delayBefore(100)).toBe(400);
    pacer.started(500);
    expect(pacer.delayBefore(500)).toBe(500);
    // A slow request eats into its own interval: no extra wait after it.
    pacer.started(5_000);
    expect(pacer.delayBefore(5_500)).toBe(0);
  });

  it("waits out Retry-After after a 429, halves the pace, and recovers it gradually", () => {
    const pacer = new Pacer({ perMinute: 120, maxSlowdown: 4 });
    pacer.started(0);
    expect(pacer.rateLimited(100, 3_000)).toBe(3_000);
    expect(pacer.currentIntervalMs).toBe(1_000);
    expect(pacer.rateLimited(3_100, 3_000)).toBe(3_000);
    expect(pacer.rateLimited(6_100, undefined)).toBe(2_000);
    expect(pacer.currentIntervalMs).toBe(2_000);
    pacer.rateLimited(8_100, 0);
    expect(pacer.currentIntervalMs).toBe(2_000);
    for (let i = 0; i < 50; i++) pacer.succeeded();
    expect(pacer.currentIntervalMs).toBe(500);
  });

  it("defaults to 80 % of Polar's limits and refuses nonsense", () => {
    expect(defaultPerMinute("sandbox")).toBe(80);
    expect(defaultPerMinute("production")).toBe(400);
    expect(() => new Pacer({ perMinute: 0 })).toThrow(
      "requests per minute must be a positive number, got 0",
    );
  });
});

describe("signDelivery", () => {
  it.each([
    ["standard", STANDARD],
    ["legacy", LEGACY],
  ] as const)(
    "signs the %s way: our receiver and Polar's SDK accept it",
    async (scheme, secret) => {
      const body = sampleWebhookPayload("order.paid", { apiVersion: "2026-10" });
      const signed = signDelivery({
        secret,
        scheme,
        webhookId: "0b0c6a4e-5a3f-4c8e-9d43-2f1e6f7b8a90",
        timestamp: new Date(),
        body,
        apiVersion: "2026-10",
      });
      expect(Object.keys(signed.headers).sort()).toEqual([
        "content-type",
        "user-agent",
        "webhook-api-version",
        "webhook-id",
        "webhook-signature",
        "webhook-timestamp",
      ]);
      const verified = verifyDelivery(
        Buffer.from(body),
        signed.headers,
        candidateKeys({ current: secret, previous: null }),
      );
      expect(verified.matchedScheme).toBe(scheme);
      const event = await webhooks.validateEvent(body, signed.headers, secret);
      expect(event).toMatchObject({ type: "order.paid", api_version: "2026-10" });
    },
  );

  it("tells the two secret forms apart", () => {
    expect(looksStandard(STANDARD)).toBe(true);
    expect(looksStandard(LEGACY)).toBe(false);
    expect(looksStandard("polar_whs_abc")).toBe(false);
  });
});

describe("signingMaterial", () => {
  const encrypted = (value: unknown) => ({
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    plaintext: JSON.stringify(value),
  });
  const endpoint = (id: string, secret: string, standard: boolean) => ({
    urn: `urn:pulumi:s::p::${WEBHOOK_ENDPOINT_TYPE}::${id}`,
    type: WEBHOOK_ENDPOINT_TYPE,
    id,
    outputs: {
      secret: encrypted(secret),
      usesStandardWebhookSignature: standard,
      apiVersion: "2026-10",
      organizationId: "org-1",
    },
  });

  it("prefers the stack's secret output and takes the scheme from the endpoint", () => {
    const material = signingMaterial({ endpointId: "e1", secret: LEGACY }, [
      endpoint("e1", LEGACY, false),
    ]);
    expect(material).toEqual({
      secret: LEGACY,
      scheme: "legacy",
      schemeSource: "endpoint",
      secretSource: "stack output secret",
      apiVersion: "2026-10",
      organizationId: "org-1",
    });
  });

  it("reads the endpoint named by endpointId from state, not a chat endpoint beside it", () => {
    const material = signingMaterial({ endpointId: "e2" }, [
      endpoint("chat", LEGACY, false),
      endpoint("e2", STANDARD, true),
    ]);
    expect(material).toMatchObject({
      secret: STANDARD,
      scheme: "standard",
      secretSource: "endpoint in the stack's state",
    });
  });

  it("infers the scheme from the secret without the endpoint, and finds nothing without a secret", () => {
    expect(signingMaterial({ secret: STANDARD }, [])).toMatchObject({
      scheme: "standard",
      schemeSource: "secret format",
    });
    expect(signingMaterial({ secret: LEGACY }, [])).toMatchObject({
      scheme: "legacy",
      schemeSource: "secret format",
    });
    expect(
      signingMaterial({ endpointId: "gone" }, [endpoint("e1", STANDARD, true)]),
    ).toBeUndefined();
    expect(
      signingMaterial({}, [endpoint("a", STANDARD, true), endpoint("b", LEGACY, false)]),
    ).toBeUndefined();
  });
});

describe("sampleWebhookPayload", () => {
  it("builds Polar's envelope, merges data and refuses an unknown type with a suggestion", () => {
    const body = JSON.parse(
      sampleWebhookPayload("order.created", {
        data: { billing_reason: "subscription_cycle" },
        organizationId: "org-9",
      }),
    ) as {
      type: string;
      api_version: string;
      data: {
        billing_reason: string;
        subscription: unknown;
        customer: { organization_id: string };
      };
    };
    expect(body).toMatchObject({
      type: "order.created",
      api_version: "2026-04",
      data: { billing_reason: "subscription_cycle", customer: { organization_id: "org-9" } },
    });
    expect(body.data.subscription).not.toBeNull();
    expect(() => sampleWebhookPayload("order.payed")).toThrow('Did you mean "order.paid"?');
  });
});

describe("regionOf", () => {
  it("reads the region from an SQS queue URL", () => {
    expect(regionOf("https://sqs.eu-west-1.amazonaws.com/123456789012/q")).toBe("eu-west-1");
    expect(regionOf("https://us-east-2.queue.amazonaws.com/123456789012/q")).toBe("us-east-2");
    expect(regionOf("http://127.0.0.1:5000/123456789012/q")).toBeUndefined();
    expect(regionOf("not a url")).toBeUndefined();
  });
});
