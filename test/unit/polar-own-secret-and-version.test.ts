// The `secret` input's rules and the provider version: pure functions, exact messages, and the
// promise that no message ever contains the secret.
import { describe, expect, it } from "vitest";
import {
  checkWebhookEndpointInputs,
  diffWebhookEndpoint,
  ownSecretChangeProblem,
  providerVersionOf,
  type WebhookEndpointOutputs,
} from "../../providers/polar";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const OWN = "whsec_" + "m".repeat(40);
const valid = { url: "https://example.com/hook", events: ["order.paid"] };

describe("checkWebhookEndpointInputs: secret", () => {
  it("passes a secret of 32 or more characters (code points) through, unchanged", () => {
    const result = checkWebhookEndpointInputs({ ...valid, secret: OWN }, "organization");
    expect(result.failures).toEqual([]);
    expect(result.inputs.secret).toBe(OWN);
    const emoji = "🔑".repeat(32); // 64 UTF-16 units, 32 characters
    expect(
      checkWebhookEndpointInputs({ ...valid, secret: emoji }, "organization").failures,
    ).toEqual([]);
  });

  it("refuses a short secret with its length and the fix, never the value", () => {
    const short = "s3cr3t-but-too-short";
    const { failures } = checkWebhookEndpointInputs({ ...valid, secret: short }, "organization");
    expect(failures).toEqual([
      {
        property: "secret",
        reason:
          "secret is 20 characters long; Polar requires at least 32. Use the full signing secret of your existing endpoint, or remove secret to let Polar generate one.",
      },
    ]);
    expect(JSON.stringify(failures)).not.toContain(short);
  });

  it("refuses a non-string and a NUL character without quoting them", () => {
    const withNul = "x".repeat(40) + "\u0000";
    const { failures } = checkWebhookEndpointInputs({ ...valid, secret: 12345 }, "organization");
    expect(failures).toEqual([
      {
        property: "secret",
        reason:
          "secret must be a string: the signing secret your receiver verifies with today (e.g. POLAR_WEBHOOK_SECRET), passed as a Pulumi secret (got a number).",
      },
    ]);
    expect(JSON.stringify(failures)).not.toContain("12345");
    const nul = checkWebhookEndpointInputs({ ...valid, secret: withNul }, "organization");
    expect(nul.failures).toEqual([
      {
        property: "secret",
        reason:
          "secret contains a NUL character, which Polar rejects; check how the value was read (e.g. from a file).",
      },
    ]);
  });

  it("lets an unknown secret through at preview, and treats null as not set", () => {
    expect(
      checkWebhookEndpointInputs({ ...valid, secret: UNKNOWN }, "organization").failures,
    ).toEqual([]);
    const cleared = checkWebhookEndpointInputs({ ...valid, secret: null }, "organization");
    expect(cleared.failures).toEqual([]);
    expect(cleared.inputs).not.toHaveProperty("secret");
  });

  it("refuses a providerVersion set by the program", () => {
    const { failures } = checkWebhookEndpointInputs(
      { ...valid, providerVersion: "1.0.0" },
      "organization",
    );
    expect(failures.map((f) => f.property)).toEqual(["providerVersion"]);
    expect(failures[0].reason).toBe(
      "providerVersion is recorded by the provider (which provider code wrote the state) and cannot be set; remove it from the resource's arguments.",
    );
  });
});

describe("ownSecretChangeProblem", () => {
  const existing = { url: "https://example.com/hook", polarApiUrl: "https://api.polar.sh" };

  it("allows a secret on create, the same secret later, and removing it", () => {
    expect(ownSecretChangeProblem({}, { ...existing, secret: OWN })).toBeUndefined();
    expect(
      ownSecretChangeProblem({ ...existing, secret: OWN }, { ...existing, secret: OWN }),
    ).toBeUndefined();
    expect(ownSecretChangeProblem({ ...existing, secret: OWN }, existing)).toBeUndefined();
  });

  it("refuses a changed or added secret on an existing endpoint, pointing at secretRotation", () => {
    const changed = ownSecretChangeProblem(
      { ...existing, secret: OWN },
      { ...existing, secret: OWN + "2" },
    );
    expect(changed).toEqual({
      property: "secret",
      reason:
        "secret changed on an endpoint that already exists; it is only used when the endpoint is created. To get a new signing secret without downtime, set secretRotation (Polar generates the secret and previousSecret keeps the old one during the rollover); to keep the current one, set secret back or remove it.",
    });
    expect(JSON.stringify(changed)).not.toContain(OWN);
    expect(ownSecretChangeProblem(existing, { ...existing, secret: OWN })?.reason).toMatch(
      /^secret was added on an endpoint that already exists; .* to keep the current one, remove secret again\.$/,
    );
  });

  it("allows a new secret when the endpoint is replaced anyway, or still unknown", () => {
    const org = { ...existing, organizationId: "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" };
    const otherOrg = { ...org, organizationId: "9f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" };
    expect(ownSecretChangeProblem(org, { ...otherOrg, secret: OWN })).toBeUndefined();
    const production = { ...existing, polarApiUrl: "https://sandbox-api.polar.sh" };
    expect(ownSecretChangeProblem(production, { ...existing, secret: OWN })).toBeUndefined();
    expect(ownSecretChangeProblem(existing, { ...existing, secret: UNKNOWN })).toBeUndefined();
  });

  it("refuses secret with adoptId, even on create", () => {
    expect(ownSecretChangeProblem({}, { ...existing, secret: OWN, adoptId: "x" })?.reason).toBe(
      "secret cannot be combined with adoptId: an adopted endpoint keeps the secret it has. Remove secret, or remove adoptId to create a new endpoint with this secret.",
    );
  });
});

describe("providerVersionOf", () => {
  it("hashes the serialized provider it is given, and nothing else", () => {
    const a = providerVersionOf({ __provider: "exports.handler = __f0; // v1" });
    const b = providerVersionOf({ __provider: "exports.handler = __f0; // v2" });
    expect(a.providerVersion).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(b.providerVersion).not.toBe(a.providerVersion);
    expect(providerVersionOf({ __provider: "exports.handler = __f0; // v1", url: "x" })).toEqual(a);
    expect(providerVersionOf({})).toEqual({});
    expect(providerVersionOf({ __provider: UNKNOWN })).toEqual({});
  });
});

describe("diffWebhookEndpoint: providerVersion", () => {
  const stored: WebhookEndpointOutputs = {
    url: "https://example.com/hook",
    events: ["order.paid"],
    format: "raw",
    name: null,
    enabled: true,
    apiVersion: "2026-04",
    organizationId: "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    secret: "whsec_test",
    usesStandardWebhookSignature: true,
    createdAt: "2026-11-24T00:00:00Z",
    modifiedAt: null,
    organizationIdDeclared: false,
    providerVersion: "sha256:0000000000000001",
  };
  const news = { url: stored.url, events: stored.events, format: "raw" as const, enabled: true };

  it("updates in place (never replaces) when the provider code changed, also from state without one", () => {
    const upgrade = { updates: ["providerVersion"], replaces: [], rotateSecret: false };
    expect(
      diffWebhookEndpoint(stored, { ...news, providerVersion: "sha256:0000000000000002" }),
    ).toEqual(upgrade);
    expect(
      diffWebhookEndpoint(
        { ...stored, providerVersion: undefined },
        { ...news, providerVersion: "sha256:0000000000000002" },
      ),
    ).toEqual(upgrade);
  });

  it("finds no change for the same code, or for inputs without a version (direct calls)", () => {
    expect(
      diffWebhookEndpoint(stored, { ...news, providerVersion: stored.providerVersion }).updates,
    ).toEqual([]);
    expect(diffWebhookEndpoint(stored, news).updates).toEqual([]);
  });

  it("ignores the secret input: it only applies on create", () => {
    expect(diffWebhookEndpoint(stored, { ...news, secret: "whsec_" + "o".repeat(40) })).toEqual({
      updates: [],
      replaces: [],
      rotateSecret: false,
    });
  });
});
