// The owner marker in an endpoint's name (providers/polar/owner.ts): what a later run reads to know
// which resource made or manages an endpoint.
import { describe, expect, it } from "vitest";
import {
  isOwner,
  markedName,
  markerOwner,
  ownerKey,
  ownerLabel,
  ownerOf,
  parseName,
  stackOfLabel,
} from "../../providers/polar/owner";
import { diffWebhookEndpoint, updateBody } from "../../providers/polar";
import type { WebhookEndpointInputs, WebhookEndpointOutputs } from "../../providers/polar";

const resource = { organization: "acme", project: "polar-webhooks", stack: "prod", name: "orders" };

describe("ownerOf", () => {
  it("names the project, stack and resource, and keys them with the organization", () => {
    const owner = ownerOf(resource);
    expect(owner).toMatch(/^polar-webhooks\/prod\/orders [0-9a-f]{12}$/);
    expect(isOwner(owner)).toBe(true);
    expect(ownerLabel(owner)).toBe("polar-webhooks/prod/orders");
    expect(ownerOf(resource)).toBe(owner);
    // Same names, another organization (or stack, or resource): another key.
    for (const other of [
      { ...resource, organization: "other" },
      { ...resource, stack: "dev" },
      { ...resource, name: "orders-v2" },
    ]) {
      expect(ownerKey(ownerOf(other))).not.toBe(ownerKey(owner));
    }
  });
});

describe("markedName and parseName", () => {
  const owner = "polar-webhooks/prod/slack alerts 0123456789ab";

  it("append the marker to the declared name, `creating` until the create finished", () => {
    expect(markedName("Orders", owner, "creating")).toBe(
      "Orders [pulumi polar-webhooks/prod/slack alerts 0123456789ab creating]",
    );
    expect(markedName(undefined, owner, "owned")).toBe(
      "[pulumi polar-webhooks/prod/slack alerts 0123456789ab]",
    );
    expect(markedName("Orders", undefined, "owned")).toBe("Orders");
    expect(markedName(undefined, undefined, "owned")).toBe("");
  });

  it("read back what they wrote, and leave other names alone", () => {
    expect(parseName(markedName("Orders [v2]", owner, "creating"))).toEqual({
      declared: "Orders [v2]",
      marker: { label: "polar-webhooks/prod/slack alerts", key: "0123456789ab", creating: true },
    });
    const alone = parseName(markedName(undefined, owner, "owned"));
    expect(alone.declared).toBeNull();
    expect(markerOwner(alone.marker)).toBe(owner);
    expect(stackOfLabel(alone.marker!.label)).toBe("polar-webhooks/prod");
    for (const name of ["made in the dashboard", "[pulumi x]", "a [pulumi p/s/n 0123]", ""]) {
      expect(parseName(name)).toEqual({ declared: name, marker: undefined });
    }
    expect(parseName(null)).toEqual({ declared: null, marker: undefined });
  });
});

describe("diff and the owner marker", () => {
  const owner = ownerOf(resource);
  const olds = {
    url: "https://example.com/hook",
    events: ["order.paid"],
    format: "raw",
    name: "Orders",
    enabled: true,
    apiVersion: "2026-04",
    organizationId: "0b0c6a4e-5a3f-4c8e-9d43-2f1e6f7b8a90",
    secret: "whsec_x",
    usesStandardWebhookSignature: true,
    createdAt: "2026-11-30T00:00:00Z",
    modifiedAt: null,
    organizationIdDeclared: false,
    owner,
    markedOwner: owner,
  } as WebhookEndpointOutputs;
  const news = {
    url: olds.url,
    events: olds.events,
    format: "raw",
    name: "Orders",
    enabled: true,
    owner,
  } as WebhookEndpointInputs;

  it("is nothing to change when Polar's name names this resource", () => {
    expect(diffWebhookEndpoint(olds, news).updates).toEqual([]);
  });

  it("renames the endpoint in Polar when the marker was removed or names another resource", () => {
    for (const markedOwner of [undefined, ownerOf({ ...resource, name: "other" })]) {
      const diff = diffWebhookEndpoint({ ...olds, markedOwner }, news);
      expect(diff.updates).toEqual(["owner"]);
      expect(updateBody(diff, news)).toEqual({ name: `Orders [pulumi ${owner}]` });
    }
  });

  it("keeps the marker when the declared name changes", () => {
    const diff = diffWebhookEndpoint(olds, { ...news, name: "Refunds" });
    expect(updateBody(diff, { ...news, name: "Refunds" })).toEqual({
      name: `Refunds [pulumi ${owner}]`,
    });
  });
});
