// Where an endpoint lives (location.ts) and the diff rules that depend on it, adoption of the
// resource's own endpoint and removing a declared apiVersion: pure, no Polar.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  apiUrlOf,
  checkWebhookEndpointInputs,
  describeApiUrl,
  diffWebhookEndpoint,
  locationChange,
  normalizeApiUrl,
  POLAR_DEFAULT_API_VERSION,
  tokenFingerprint,
  unreachableMessage,
  updateBody,
  type WebhookEndpointInputs,
  type WebhookEndpointOutputs,
} from "../../providers/polar";

const ID = "0b6f5a52-93a4-4c3e-9f0e-5d2f4b7d1a10";
const ORG = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const SANDBOX = "https://sandbox-api.polar.sh";
const PRODUCTION = "https://api.polar.sh";

const stored: WebhookEndpointOutputs = {
  url: "https://example.com/hook",
  events: ["order.paid"],
  format: "raw",
  name: "ingress",
  enabled: true,
  apiVersion: "2026-04",
  organizationId: ORG,
  secret: "whsec_test",
  usesStandardWebhookSignature: true,
  createdAt: "2026-11-24T00:00:00Z",
  modifiedAt: null,
  organizationIdDeclared: false,
  apiVersionDeclared: false,
  polarApiUrl: SANDBOX,
  tokenFingerprint: tokenFingerprint("polar_oat_first"),
};
const same: WebhookEndpointInputs = {
  url: "https://example.com/hook",
  events: ["order.paid"],
  format: "raw",
  name: "ingress",
  enabled: true,
  polarApiUrl: SANDBOX,
  tokenFingerprint: tokenFingerprint("polar_oat_first"),
};

describe("the API URL an endpoint lives at", () => {
  it("has one spelling per server", () => {
    expect(normalizeApiUrl("https://API.polar.sh/v1/")).toBe(PRODUCTION);
    expect(normalizeApiUrl("http://127.0.0.1:4010/")).toBe("http://127.0.0.1:4010");
    expect(normalizeApiUrl("https://proxy.example.com/polar/v1")).toBe(
      "https://proxy.example.com/polar",
    );
  });

  it("follows polar:server, and polar:apiUrl overrides it", () => {
    expect(apiUrlOf({})).toBe(SANDBOX);
    expect(apiUrlOf({ server: "sandbox" })).toBe(SANDBOX);
    expect(apiUrlOf({ server: "production" })).toBe(PRODUCTION);
    expect(apiUrlOf({ server: "sandbox", baseUrl: "https://api.polar.sh/" })).toBe(PRODUCTION);
    expect(describeApiUrl(PRODUCTION)).toBe("https://api.polar.sh (Polar production)");
    expect(describeApiUrl("http://127.0.0.1:4010")).toBe("http://127.0.0.1:4010");
  });

  it("replaces the endpoint when polar:server switches sandbox → production, without asking Polar", () => {
    const moved = { ...same, polarApiUrl: apiUrlOf({ server: "production" }) };
    expect(locationChange(stored, moved)).toEqual({
      kind: "moved",
      from: SANDBOX,
      to: PRODUCTION,
    });
    expect(diffWebhookEndpoint(stored, moved)).toEqual({
      updates: [],
      replaces: ["polarApiUrl"],
      rotateSecret: false,
    });
    // apiUrl spelled differently for the same server is no move.
    const spelled = {
      ...same,
      polarApiUrl: apiUrlOf({ baseUrl: "https://Sandbox-API.polar.sh/" }),
    };
    expect(diffWebhookEndpoint(stored, spelled).replaces).toEqual([]);
  });

  it("leaves a changed token on the same server to Polar", () => {
    const rotated = { ...same, tokenFingerprint: tokenFingerprint("polar_oat_second") };
    expect(locationChange(stored, rotated)).toEqual({ kind: "token-changed" });
    expect(diffWebhookEndpoint(stored, rotated).replaces).toEqual([]);
    expect(locationChange(stored, same)).toEqual({ kind: "same" });
  });

  it("records the location of older state with an update, never a replacement", () => {
    const legacy = { ...stored, polarApiUrl: undefined, tokenFingerprint: undefined };
    expect(locationChange(legacy, { ...same, polarApiUrl: PRODUCTION })).toEqual({
      kind: "unrecorded",
    });
    expect(diffWebhookEndpoint(legacy, { ...same, polarApiUrl: PRODUCTION })).toEqual({
      updates: ["polarApiUrl"],
      replaces: [],
      rotateSecret: false,
    });
    expect(updateBody(diffWebhookEndpoint(legacy, same), same)).toEqual({});
  });
});

describe("tokenFingerprint", () => {
  it("is a short keyed hash: stable per token, different across tokens, not the token's SHA-256", () => {
    const token = "polar_oat_abcdefghijklmnopqrstuvwxyz0123456789ABCDEF";
    const fingerprint = tokenFingerprint(token);
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(tokenFingerprint(token)).toBe(fingerprint);
    expect(tokenFingerprint(`${token}x`)).not.toBe(fingerprint);
    expect(createHash("sha256").update(token).digest("hex")).not.toContain(fingerprint);
    expect(token).not.toContain(fingerprint);
  });
});

describe("checkWebhookEndpointInputs and the provider-recorded inputs", () => {
  it("refuses polarApiUrl and tokenFingerprint set by the program", () => {
    const { failures } = checkWebhookEndpointInputs(
      {
        url: "https://example.com/hook",
        events: [],
        polarApiUrl: PRODUCTION,
        tokenFingerprint: "0123456789abcdef",
      },
      "organization",
    );
    expect(failures).toEqual([
      {
        property: "polarApiUrl",
        reason:
          "polarApiUrl is recorded by the provider (where the endpoint lives, from polar:server, polar:apiUrl and the access token) and cannot be set; remove it from the resource's arguments.",
      },
      {
        property: "tokenFingerprint",
        reason:
          "tokenFingerprint is recorded by the provider (where the endpoint lives, from polar:server, polar:apiUrl and the access token) and cannot be set; remove it from the resource's arguments.",
      },
    ]);
  });
});

describe("unreachableMessage", () => {
  it("names the endpoint, where it lives, why, and both ways to finish", () => {
    const message = unreachableMessage({
      id: ID,
      operation: "delete",
      storedUrl: SANDBOX,
      organizationId: ORG,
      reasons: ["the provider is now configured for https://api.polar.sh (Polar production)"],
    });
    expect(message).toContain(`Cannot delete Polar webhook endpoint ${ID}`);
    expect(message).toContain(`${SANDBOX} (Polar sandbox), organization ${ORG}`);
    expect(message).toContain("now configured for https://api.polar.sh (Polar production)");
    expect(message).toContain("POLAR_PREVIOUS_ACCESS_TOKEN");
    expect(message).toContain("pulumi config set --secret polar:previousAccessToken");
    expect(message).toContain("run `pulumi up` again");
    expect(message).toContain("Settings → Webhooks");
  });
});

describe("diffWebhookEndpoint: adoptId naming the resource's own endpoint", () => {
  it("only records it (no replace); another id still replaces", () => {
    expect(diffWebhookEndpoint(stored, { ...same, adoptId: ID }, ID)).toEqual({
      updates: ["adoptId"],
      replaces: [],
      rotateSecret: false,
    });
    expect(diffWebhookEndpoint({ ...stored, adoptId: ID }, { ...same, adoptId: ID }, ID)).toEqual({
      updates: [],
      replaces: [],
      rotateSecret: false,
    });
    const other = "5c6f5a52-93a4-4c3e-9f0e-5d2f4b7d1a10";
    expect(diffWebhookEndpoint(stored, { ...same, adoptId: other }, ID).replaces).toEqual([
      "adoptId",
    ]);
    expect(updateBody(diffWebhookEndpoint(stored, { ...same, adoptId: ID }, ID), same)).toEqual({});
  });
});

describe("diffWebhookEndpoint: removing apiVersion", () => {
  const declared = { ...stored, apiVersion: "2026-10", apiVersionDeclared: true };

  it("goes back to Polar's default explicitly when it was declared", () => {
    const diff = diffWebhookEndpoint(declared, same);
    expect(diff).toEqual({ updates: ["apiVersion"], replaces: [], rotateSecret: false });
    expect(updateBody(diff, same)).toEqual({ api_version: POLAR_DEFAULT_API_VERSION });
    expect(POLAR_DEFAULT_API_VERSION).toBe("2026-04");
  });

  it("changes nothing when the endpoint already has the default", () => {
    expect(diffWebhookEndpoint({ ...declared, apiVersion: "2026-04" }, same).updates).toEqual([]);
  });

  it("keeps the version of an endpoint whose version was never declared (adopted, or older state)", () => {
    expect(diffWebhookEndpoint({ ...declared, apiVersionDeclared: false }, same).updates).toEqual(
      [],
    );
    const legacy: WebhookEndpointOutputs = { ...declared };
    delete legacy.apiVersionDeclared;
    expect(diffWebhookEndpoint(legacy, same).updates).toEqual([]);
  });

  it("still updates to a newly declared version", () => {
    const diff = diffWebhookEndpoint(declared, { ...same, apiVersion: "2027-01" });
    expect(updateBody(diff, { ...same, apiVersion: "2027-01" })).toEqual({
      api_version: "2027-01",
    });
  });
});
