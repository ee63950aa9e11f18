// PolarClient against the Polar emulator over a real socket: routes, error mapping, retries.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  PolarApiError,
  PolarClient,
  PolarConnectionError,
  type PolarClientOptions,
} from "../../providers/polar";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";

let polar: PolarEmulator;
const clients: PolarClient[] = [];

function client(overrides: Partial<PolarClientOptions> = {}): PolarClient {
  const c = new PolarClient({
    accessToken: polar.organizationToken,
    baseUrl: polar.url,
    retry: { minDelayMs: 10, maxDelayMs: 2_000, totalBudgetMs: 10_000 },
    ...overrides,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  polar = await startPolarEmulator();
});
afterEach(async () => {
  polar.faults.clear();
  polar.resetRequests();
  for (const e of polar.endpoints()) polar.deleteEndpointOutOfBand(e.id);
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await polar?.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("PolarClient routes", () => {
  it("creates, reads, lists, updates, rotates and deletes an endpoint", async () => {
    const api = client();
    const created = await api.createWebhookEndpoint({
      url: "https://Example.com",
      format: "raw",
      events: ["order.paid"],
      name: "ingress",
    });
    expect(created).toMatchObject({
      url: "https://example.com/",
      name: "ingress",
      format: "raw",
      events: ["order.paid"],
      enabled: true,
      organization_id: polar.organizationId,
      modified_at: null,
      uses_standard_webhook_signature: true,
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    expect(await api.getWebhookEndpoint(created.id)).toEqual(created);
    expect((await api.listWebhookEndpoints()).items.map((e) => e.id)).toEqual([created.id]);

    const updated = await api.updateWebhookEndpoint(created.id, {
      events: ["order.paid", "order.refunded"],
      enabled: false,
    });
    expect(updated).toMatchObject({
      id: created.id,
      events: ["order.paid", "order.refunded"],
      enabled: false,
      secret: created.secret,
    });
    expect(updated.modified_at).not.toBeNull();

    const rotated = await api.resetWebhookEndpointSecret(created.id);
    expect(rotated.id).toBe(created.id);
    expect(rotated.secret).not.toBe(created.secret);

    await api.deleteWebhookEndpoint(created.id);
    const gone = await rejection(api.getWebhookEndpoint(created.id));
    expect(gone).toBeInstanceOf(PolarApiError);
    expect(gone).toMatchObject({ status: 404, error: "ResourceNotFound" });
  });

  it("sends Polar-Version and JSON, never records or echoes the token", async () => {
    await client().listWebhookEndpoints();
    const [request] = polar.requests;
    expect(request.headers["polar-version"]).toBe("2026-10");
    expect(request.headers.authorization).toBe("[redacted]");
  });

  it("follows pagination with Polar's maximum page size", async () => {
    for (let i = 0; i < 230; i++)
      polar.insertEndpoint({ url: `https://example.com/${i}`, events: [] });
    polar.resetRequests();
    const all = await client().listAllWebhookEndpoints();
    expect(all).toHaveLength(230);
    expect(new Set(all.map((e) => e.id)).size).toBe(230);
    expect(polar.requests.map((r) => r.query)).toEqual([
      { page: ["1"], limit: ["100"] },
      { page: ["2"], limit: ["100"] },
      { page: ["3"], limit: ["100"] },
    ]);
  });

  it("lists deliveries and redelivers events", async () => {
    // A receiver on this machine, so the redelivery the emulator sends is observed, not sent out.
    const received: (string | undefined)[] = [];
    const receiver = createServer((request, response) => {
      received.push(request.headers["webhook-id"] as string | undefined);
      request.resume().on("end", () => response.writeHead(202).end());
    });
    await new Promise<void>((listening) => receiver.listen(0, "127.0.0.1", listening));
    const { port } = receiver.address() as AddressInfo;
    const endpoint = polar.insertEndpoint({
      url: `http://127.0.0.1:${port}/hook`,
      events: ["order.paid"],
    });
    const event = polar.insertEvent({
      endpointId: endpoint.id,
      type: "order.paid",
      payload: '{"type":"order.paid"}',
    });
    polar.insertDelivery({ eventId: event.id, succeeded: false, httpCode: 500 });
    const api = client();
    const deliveries = await api.listWebhookDeliveries({ endpointId: endpoint.id });
    expect(deliveries.items).toHaveLength(1);
    expect(deliveries.items[0]).toMatchObject({
      succeeded: false,
      http_code: 500,
      webhook_event: { id: event.id, type: "order.paid" },
    });
    await api.redeliverWebhookEvent(event.id);
    await polar.settled();
    await new Promise((closed) => receiver.close(closed));
    expect(polar.redeliveries.map((e) => e.id)).toEqual([event.id]);
    expect(received).toEqual([event.id]);
  });

  it("filters deliveries by time, text and HTTP code class, and keeps the event's api_version", async () => {
    const endpoint = polar.insertEndpoint({
      url: "https://example.com/hook",
      events: ["order.paid"],
      apiVersion: "2026-10",
    });
    const first = polar.insertEvent({ endpointId: endpoint.id, type: "order.paid", payload: "{}" });
    const second = polar.insertEvent({
      endpointId: endpoint.id,
      type: "order.paid",
      payload: "{}",
    });
    const older = polar.insertDelivery({ eventId: first.id, succeeded: false, httpCode: 503 });
    const newer = polar.insertDelivery({ eventId: second.id, succeeded: true, httpCode: 202 });
    const api = client();
    polar.resetRequests();

    const endpointId = endpoint.id;
    const after = await api.listWebhookDeliveries({ endpointId, startTimestamp: older.created_at });
    const before = await api.listWebhookDeliveries({ endpointId, endTimestamp: newer.created_at });
    const minuteAgo = new Date(Date.parse(older.created_at) - 60_000);
    const both = await api.listWebhookDeliveries({ endpointId, startTimestamp: minuteAgo });
    const byEvent = await api.listWebhookDeliveries({ endpointId, query: first.id });
    const server = await api.listWebhookDeliveries({ endpointId, httpCodeClass: "5xx" });

    expect(after.items.map((d) => d.id)).toEqual([newer.id]);
    expect(before.items.map((d) => d.id)).toEqual([older.id]);
    expect(both.items.map((d) => d.id)).toEqual([newer.id, older.id]);
    expect(byEvent.items.map((d) => d.id)).toEqual([older.id]);
    expect(server.items.map((d) => d.id)).toEqual([older.id]);
    expect(after.items[0]?.webhook_event.api_version).toBe("2026-10");
    expect(polar.requests.map((r) => r.query)).toEqual([
      { endpoint_id: [endpointId], start_timestamp: [older.created_at] },
      { endpoint_id: [endpointId], end_timestamp: [newer.created_at] },
      { endpoint_id: [endpointId], start_timestamp: [minuteAgo.toISOString()] },
      { endpoint_id: [endpointId], query: [first.id] },
      { endpoint_id: [endpointId], http_code_class: ["5xx"] },
    ]);
  });
});

describe("PolarClient errors", () => {
  it("maps a 422 to PolarApiError with the offending field", async () => {
    const error = await rejection(
      client().createWebhookEndpoint({
        url: "https://example.com/",
        format: "raw",
        events: [],
        organization_id: polar.organizationId,
      }),
    );
    expect(error).toBeInstanceOf(PolarApiError);
    expect(error).toMatchObject({
      status: 422,
      error: "PolarRequestValidationError",
      field: "organization_id",
    });
    expect(error.message).toBe(
      "Polar API POST /v1/webhooks/endpoints failed: 422 PolarRequestValidationError; organization_id: Setting organization_id is disallowed when using an organization token.",
    );
  });

  it("maps 401 and 403 with a hint and without the token", async () => {
    const readOnly = polar.createToken({ kind: "organization", scopes: ["webhooks:read"] });
    const forbidden = await rejection(
      client({ accessToken: readOnly }).createWebhookEndpoint({
        url: "https://example.com/",
        format: "raw",
        events: [],
      }),
    );
    expect(forbidden).toMatchObject({ status: 403, error: "insufficient_scope" });
    expect(forbidden.message).toContain("lacks the webhooks:write scope");

    const revoked = polar.createToken({ kind: "organization" });
    polar.revokeToken(revoked);
    const unauthorized = await rejection(client({ accessToken: revoked }).listWebhookEndpoints());
    expect(unauthorized).toMatchObject({ status: 401, error: "invalid_token" });
    for (const error of [forbidden, unauthorized]) {
      const everything = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
      expect(everything).not.toContain(readOnly);
      expect(everything).not.toContain(revoked);
    }
  });

  it("reports a connection failure as PolarConnectionError without the token", async () => {
    const closed = await startPolarEmulator();
    const url = closed.url;
    await closed.close();
    const error = await rejection(
      client({ baseUrl: url, retry: { maxRetries: 1, minDelayMs: 1 } }).listWebhookEndpoints(),
    );
    expect(error).toBeInstanceOf(PolarConnectionError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", method: "GET" });
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(polar.organizationToken);
  });

  it("rejects an empty token before sending anything", () => {
    expect(() => new PolarClient({ accessToken: " " })).toThrow(
      "Polar access token is missing: set it with `pulumi config set --secret polar:accessToken <token>` or the POLAR_ACCESS_TOKEN environment variable.",
    );
  });
});

describe("PolarClient retries", () => {
  it("waits out a 429 burst, honouring Retry-After", async () => {
    polar.faults.set({ rateLimit: { count: 2, retryAfterSeconds: 1 } });
    const started = Date.now();
    const page = await client().listWebhookEndpoints();
    expect(page.items).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(polar.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it("retries a 429 on create, which Polar did not process", async () => {
    polar.faults.set({ rateLimit: { count: 1, retryAfterSeconds: 0, method: "POST" } });
    await client().createWebhookEndpoint({
      url: "https://example.com/",
      format: "raw",
      events: [],
    });
    expect(polar.requests.map((r) => [r.method, r.status])).toEqual([
      ["POST", 429],
      ["POST", 201],
    ]);
    expect(polar.endpoints()).toHaveLength(1);
  });

  it("retries 502/503/504 and dropped connections on reads and updates", async () => {
    const api = client();
    const endpoint = polar.insertEndpoint({ url: "https://example.com/hook", events: [] });
    polar.faults.set({
      serverError: { count: 3, status: 502 },
      dropConnection: { count: 1, mode: "reset" },
    });
    expect((await api.getWebhookEndpoint(endpoint.id)).id).toBe(endpoint.id);
    polar.faults.set({ serverError: { count: 1, status: 504, method: "PATCH" } });
    expect((await api.updateWebhookEndpoint(endpoint.id, { name: "x" })).name).toBe("x");
    expect(polar.requests.map((r) => r.status)).toEqual([502, 502, 502, null, 200, 504, 200]);
  });

  it("retries a 500 on reads, updates and deletes, which a repeat cannot change", async () => {
    const api = client();
    const endpoint = polar.insertEndpoint({ url: "https://example.com/hook", events: [] });
    polar.faults.set({ serverError: { count: 2, status: 500 } });
    expect((await api.listWebhookEndpoints()).items.map((e) => e.id)).toEqual([endpoint.id]);
    polar.faults.set({ serverError: { count: 1, status: 500, method: "PATCH" } });
    expect((await api.updateWebhookEndpoint(endpoint.id, { name: "x" })).name).toBe("x");
    polar.faults.set({ serverError: { count: 1, status: 500, method: "DELETE" } });
    await api.deleteWebhookEndpoint(endpoint.id);
    expect(polar.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      "GET 500",
      "GET 500",
      "GET 200",
      "PATCH 500",
      "PATCH 200",
      "DELETE 500",
      "DELETE 204",
    ]);
  });

  it("does not retry a create that may have been committed (5xx, lost answer)", async () => {
    const api = client();
    for (const status of [500, 503] as const) {
      polar.faults.set({ serverError: { count: 1, status, method: "POST" } });
      expect(
        await rejection(
          api.createWebhookEndpoint({ url: "https://example.com/", format: "raw", events: [] }),
        ),
      ).toMatchObject({ status });
    }
    polar.faults.set({ commitThenDrop: { count: 1, method: "POST" } });
    expect(
      await rejection(
        api.createWebhookEndpoint({ url: "https://example.com/", format: "raw", events: [] }),
      ),
    ).toBeInstanceOf(PolarConnectionError);
    expect(polar.requests.filter((r) => r.method === "POST")).toHaveLength(3);
    expect(polar.endpoints()).toHaveLength(1);
  });

  it("never repeats a secret reset whose answer was lost: one reset, found by reading", async () => {
    const api = client();
    const endpoint = polar.insertEndpoint({ url: "https://example.com/hook", events: [] });
    polar.faults.set({
      commitThenDrop: { count: 1, method: "PATCH", path: "/v1/webhooks/endpoints/{id}/secret" },
    });
    const { endpoint: rotated, previousSecret } = await api.rotateWebhookEndpointSecret(
      endpoint.id,
    );
    const resets = polar.requests.filter((r) => r.route === "/v1/webhooks/endpoints/{id}/secret");
    expect(resets.map((r) => [r.status, r.fault])).toEqual([[200, "commitThenDrop"]]);
    expect(previousSecret).toBe(endpoint.secret);
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(polar.getEndpoint(endpoint.id)?.secret).toBe(rotated.secret);
    expect(polar.requests.map((r) => `${r.method} ${r.route}`)).toEqual([
      "GET /v1/webhooks/endpoints/{id}",
      "PATCH /v1/webhooks/endpoints/{id}/secret",
      "GET /v1/webhooks/endpoints/{id}",
    ]);
  });

  it("resets again when the lost reset did not take effect (secret unchanged)", async () => {
    const api = client();
    const endpoint = polar.insertEndpoint({ url: "https://example.com/hook", events: [] });
    polar.faults.set({
      dropConnection: { count: 1, method: "PATCH", mode: "reset" },
      serverError: { count: 1, status: 502, method: "PATCH" },
    });
    const { endpoint: rotated, previousSecret } = await api.rotateWebhookEndpointSecret(
      endpoint.id,
      { currentSecret: endpoint.secret },
    );
    expect(polar.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      "PATCH 502",
      "GET 200",
      "PATCH null",
      "GET 200",
      "PATCH 200",
    ]);
    expect(previousSecret).toBe(endpoint.secret);
    expect(polar.getEndpoint(endpoint.id)?.secret).toBe(rotated.secret);
  });

  it("a single reset is not retried after a lost answer", async () => {
    const endpoint = polar.insertEndpoint({ url: "https://example.com/hook", events: [] });
    polar.faults.set({ commitThenDrop: { count: 1, method: "PATCH" } });
    const error = await rejection(client().resetWebhookEndpointSecret(endpoint.id));
    expect(error).toBeInstanceOf(PolarConnectionError);
    expect(polar.requests).toHaveLength(1);
  });

  it("never retries other 4xx", async () => {
    await rejection(client().getWebhookEndpoint("00000000-0000-4000-8000-000000000000"));
    expect(polar.requests.map((r) => r.status)).toEqual([404]);
  });

  it("gives up within its budget when Polar keeps rate limiting", async () => {
    polar.faults.set({ rateLimit: { count: 100, retryAfterSeconds: 30 } });
    const started = Date.now();
    const error = await rejection(client().listWebhookEndpoints());
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 30 });
    expect(error.message).toBe(
      "Polar API GET /v1/webhooks/endpoints failed: 429 rate limited by Polar; retried until the time budget ran out",
    );
  });
});
