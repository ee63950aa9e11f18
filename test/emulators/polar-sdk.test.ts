import { createPolar } from "@polar-sh/sdk/2026-04";
import { createPolar as createPolar202701 } from "@polar-sh/sdk/2027-01";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { type PolarEmulator, startPolarEmulator } from "./polar";
import { POLAR_TIMESTAMP, STANDARD_SECRET, UUID4 } from "./polar/testing";

let polar: PolarEmulator;

beforeEach(async () => {
  polar = await startPolarEmulator();
});

afterEach(async () => {
  await polar.close();
});

describe("@polar-sh/sdk@1.0.1 against the emulator", () => {
  it("creates, lists, gets, updates, resets and deletes an endpoint", async () => {
    const sdk = createPolar({ accessToken: polar.organizationToken, baseUrl: polar.url });

    const created = await sdk.webhooks.createWebhookEndpoint({
      url: "https://Example.COM:443",
      format: "raw",
      events: ["order.paid", "subscription.migrated"],
    });
    const listed = await sdk.webhooks.listWebhookEndpoints();
    const fetched = await sdk.webhooks.getWebhookEndpoint(created.id);
    const updated = await sdk.webhooks.updateWebhookEndpoint(created.id, { enabled: false });
    const reset = await sdk.webhooks.resetWebhookEndpointSecret(created.id);
    await sdk.webhooks.deleteWebhookEndpoint(created.id);
    const afterDelete = await sdk.webhooks.getWebhookEndpoint(created.id).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(created).toEqual({
      created_at: expect.stringMatching(POLAR_TIMESTAMP),
      modified_at: null,
      id: expect.stringMatching(UUID4),
      url: "https://example.com/",
      name: null,
      api_version: "2026-04",
      format: "raw",
      secret: expect.stringMatching(STANDARD_SECRET),
      organization_id: polar.organizationId,
      events: ["order.paid", "subscription.migrated"],
      enabled: true,
      uses_standard_webhook_signature: true,
    });
    expect(listed).toEqual({ items: [created], pagination: { total_count: 1, max_page: 1 } });
    expect(fetched).toEqual(created);
    expect(updated.enabled).toBe(false);
    expect(reset.secret).not.toBe(created.secret);
    expect(afterDelete).toMatchObject({ name: "ResourceNotFound", statusCode: 404 });
    expect(
      polar.requests.map((request) => [request.method, request.route, request.status]),
    ).toEqual([
      ["POST", "/v1/webhooks/endpoints", 201],
      ["GET", "/v1/webhooks/endpoints", 200],
      ["GET", "/v1/webhooks/endpoints/{id}", 200],
      ["PATCH", "/v1/webhooks/endpoints/{id}", 200],
      ["PATCH", "/v1/webhooks/endpoints/{id}/secret", 200],
      ["DELETE", "/v1/webhooks/endpoints/{id}", 204],
      ["GET", "/v1/webhooks/endpoints/{id}", 404],
    ]);
    expect(polar.requests[0]?.headers["polar-version"]).toBe("2026-04");
  });

  it("surfaces 422 bodies as HTTPValidationError and 429 as PolarRateLimitError", async () => {
    const sdk = createPolar({ accessToken: polar.organizationToken, baseUrl: polar.url });

    const invalid = await sdk.webhooks
      .createWebhookEndpoint({ url: "https://localhost/x", format: "raw", events: [] })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    polar.faults.set({ rateLimit: { count: 1, retryAfterSeconds: 3 } });
    const limited = await sdk.webhooks.listWebhookEndpoints().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(invalid).toMatchObject({
      statusCode: 422,
      error: {
        error: "RequestValidationError",
        detail: [{ type: "value_error", loc: ["body", "url"] }],
      },
    });
    expect(limited).toMatchObject({ name: "PolarRateLimitError", statusCode: 429, retryAfter: 3 });
  });

  it("works with the 2027-01 client and a user token narrowed by organizationId", async () => {
    const sdk = createPolar202701({
      accessToken: polar.userToken,
      baseUrl: polar.url,
      organizationId: polar.otherOrganizationId,
    });

    const created = await sdk.webhooks.createWebhookEndpoint({
      url: "https://example.com/hook",
      format: "slack",
      events: [],
      api_version: "2027-01",
    });
    const pages = [];
    for await (const endpoint of sdk.webhooks.iterListWebhookEndpoints({ limit: 1 })) {
      pages.push(endpoint.id);
    }

    expect(created).toMatchObject({
      organization_id: polar.otherOrganizationId,
      api_version: "2027-01",
      format: "slack",
    });
    expect(pages).toEqual([created.id]);
    expect(polar.requests[0]?.headers["polar-version"]).toBe("2027-01");
  });
});
