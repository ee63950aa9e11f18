import { describe, expect, it } from "vitest";
import {
  checkWebhookEndpointInputs,
  diffWebhookEndpoint,
  type WebhookEndpointOutputs,
} from "../../providers/polar";

const ORG = "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("checkWebhookEndpointInputs", () => {
  it("normalizes the url, applies defaults and drops duplicate events", () => {
    const result = checkWebhookEndpointInputs(
      { url: " https://Example.com ", events: ["order.paid", "order.paid", "checkout.created"] },
      "organization",
    );
    expect(result).toEqual({
      failures: [],
      inputs: {
        url: "https://example.com/",
        events: ["order.paid", "checkout.created"],
        format: "raw",
        enabled: true,
      },
    });
  });

  it("detects the format from Slack and Discord URLs unless one is given", () => {
    const slack = checkWebhookEndpointInputs(
      { url: "https://hooks.slack.com/services/T/B/X", events: [] },
      "organization",
    );
    expect(slack.inputs.format).toBe("slack");
    const explicit = checkWebhookEndpointInputs(
      { url: "https://hooks.slack.com/services/T/B/X", events: [], format: "raw" },
      "organization",
    );
    expect(explicit.inputs.format).toBe("raw");
  });

  it("names the field, the value and what is allowed for each bad input", () => {
    const { failures } = checkWebhookEndpointInputs(
      {
        url: "http://example.com/hook",
        events: ["order.payed", "banana"],
        format: "teams",
        enabled: "yes",
        apiVersion: "2025-01",
        adoptId: "not-an-id",
        secretRotation: { at: 1 },
      },
      "organization",
    );
    expect(failures).toEqual([
      {
        property: "url",
        reason: 'url "http://example.com/hook" uses http; Polar only delivers to https URLs.',
      },
      {
        property: "events[0]",
        reason: 'events[0] "order.payed" is not a Polar event type; did you mean "order.paid"?',
      },
      {
        property: "events[1]",
        reason: expect.stringMatching(
          /^events\[1\] "banana" is not a Polar event type; allowed: checkout\.created, .*organization\.updated\.$/,
        ),
      },
      {
        property: "format",
        reason:
          'format "teams" is not supported; use one of raw, slack, discord (or omit it to detect Slack/Discord from the url).',
      },
      { property: "enabled", reason: 'enabled must be true or false (got "yes").' },
      {
        property: "apiVersion",
        reason:
          'apiVersion "2025-01" is not a Polar API version; use one of 2026-04, 2026-10, 2027-01.',
      },
      {
        property: "adoptId",
        reason:
          'adoptId "not-an-id" is not a Polar webhook endpoint id (a UUID, shown in the dashboard and by the API).',
      },
      {
        property: "secretRotation",
        reason: 'secretRotation must be a string or number marker, e.g. "2026-11" (got {"at":1}).',
      },
    ]);
  });

  it("rejects localhost and private URLs with the fix", () => {
    const { failures } = checkWebhookEndpointInputs(
      { url: "https://localhost:3000/", events: [] },
      "organization",
    );
    expect(failures).toEqual([
      {
        property: "url",
        reason:
          'url "https://localhost:3000/" points to localhost or a private IP address, which Polar rejects; expose the receiver on a public https URL (e.g. through a tunnel).',
      },
    ]);
  });

  it("forbids organizationId with an organization token and requires it with a user token", () => {
    const withOat = checkWebhookEndpointInputs(
      { url: "https://example.com/", events: [], organizationId: ORG },
      "organization",
    );
    expect(withOat.failures).toEqual([
      {
        property: "organizationId",
        reason:
          "organizationId must be omitted with an organization access token (polar_oat_…): the endpoint always belongs to the token's organization. Remove organizationId, or use a personal access token.",
      },
    ]);
    const userWithout = checkWebhookEndpointInputs(
      { url: "https://example.com/", events: [] },
      "user",
    );
    expect(userWithout.failures.map((f) => f.property)).toEqual(["organizationId"]);
    const userWith = checkWebhookEndpointInputs(
      { url: "https://example.com/", events: [], organizationId: ORG.toUpperCase() },
      "user",
    );
    expect(userWith).toEqual({
      failures: [],
      inputs: {
        url: "https://example.com/",
        events: [],
        format: "raw",
        enabled: true,
        organizationId: ORG,
      },
    });
  });

  it("lets unknown values through at preview", () => {
    const { inputs, failures } = checkWebhookEndpointInputs(
      { url: UNKNOWN, events: UNKNOWN, name: UNKNOWN },
      "organization",
    );
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      url: UNKNOWN,
      events: [UNKNOWN],
      format: "raw",
      enabled: true,
      name: UNKNOWN,
    });
  });
});

const stored: WebhookEndpointOutputs = {
  url: "https://example.com/hook",
  events: ["order.paid", "checkout.created"],
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
};
const same = {
  url: "https://example.com/hook",
  events: ["checkout.created", "order.paid"],
  format: "raw" as const,
  name: "ingress",
  enabled: true,
};

describe("diffWebhookEndpoint", () => {
  it("finds no change when only event order differs", () => {
    expect(diffWebhookEndpoint(stored, same)).toEqual({
      updates: [],
      replaces: [],
      rotateSecret: false,
    });
  });

  it("updates url, events, format, name, enabled and apiVersion in place", () => {
    const diff = diffWebhookEndpoint(stored, {
      url: "https://example.com/other",
      events: ["order.paid"],
      format: "slack",
      name: "renamed",
      enabled: false,
      apiVersion: "2026-10",
    });
    expect(diff).toEqual({
      updates: ["url", "events", "format", "name", "enabled", "apiVersion"],
      replaces: [],
      rotateSecret: false,
    });
  });

  it("re-enables an endpoint Polar auto-disabled", () => {
    expect(diffWebhookEndpoint({ ...stored, enabled: false }, same).updates).toEqual(["enabled"]);
  });

  it('treats a removed name as clearing it (Polar stores "")', () => {
    expect(diffWebhookEndpoint(stored, { ...same, name: undefined }).updates).toEqual(["name"]);
    expect(
      diffWebhookEndpoint({ ...stored, name: "" }, { ...same, name: undefined }).updates,
    ).toEqual([]);
  });

  it("replaces on a new organizationId or adoptId, never on other fields", () => {
    const other = "9f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    expect(diffWebhookEndpoint(stored, { ...same, organizationId: other }).replaces).toEqual([
      "organizationId",
    ]);
    expect(diffWebhookEndpoint(stored, { ...same, organizationId: ORG }).replaces).toEqual([]);
    expect(
      diffWebhookEndpoint({ ...stored, adoptId: ORG }, { ...same, adoptId: other }).replaces,
    ).toEqual(["adoptId"]);
    expect(diffWebhookEndpoint({ ...stored, adoptId: ORG }, same).replaces).toEqual([]);
  });

  it("rotates the secret when the rotation marker is set or changed, not when removed", () => {
    expect(diffWebhookEndpoint(stored, { ...same, secretRotation: "1" })).toEqual({
      updates: ["secretRotation"],
      replaces: [],
      rotateSecret: true,
    });
    expect(
      diffWebhookEndpoint({ ...stored, secretRotation: "1" }, { ...same, secretRotation: "1" })
        .rotateSecret,
    ).toBe(false);
    expect(diffWebhookEndpoint({ ...stored, secretRotation: "1" }, same)).toEqual({
      updates: ["secretRotation"],
      replaces: [],
      rotateSecret: false,
    });
  });

  it("reports unknown values as changes", () => {
    expect(diffWebhookEndpoint(stored, { ...same, url: UNKNOWN }).updates).toEqual(["url"]);
  });
});
