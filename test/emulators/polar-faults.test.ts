import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { type PolarEmulator, startPolarEmulator } from "./polar";
import { call, type CallOptions, rootCause } from "./polar/testing";

const ENDPOINTS = "/v1/webhooks/endpoints";
const BODY = { url: "https://example.com/hook", format: "raw", events: ["order.paid"] };

let polar: PolarEmulator;

beforeEach(async () => {
  polar = await startPolarEmulator();
});

afterEach(async () => {
  await polar.close();
});

function api(method: string, path: string, options: CallOptions = {}) {
  return call(polar.url, method, path, { token: polar.organizationToken, ...options });
}

async function networkError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the request to fail at the network level");
}

describe("faults: rate limit", () => {
  it("answers the next N requests with 429, an empty body and retry-after, then recovers", async () => {
    polar.faults.set({ rateLimit: { count: 2, retryAfterSeconds: 7 } });

    const first = await api("GET", ENDPOINTS);
    const second = await api("POST", ENDPOINTS, { body: BODY });
    const third = await api("GET", ENDPOINTS);

    for (const response of [first, second]) {
      expect(response.status).toBe(429);
      expect(response.text).toBe("");
      expect(response.headers.get("retry-after")).toBe("7");
    }
    expect(third.status).toBe(200);
    expect(polar.endpoints()).toEqual([]);
    expect(polar.faults.active()).toEqual({});
  });

  it("limits a fault to a method and a route template", async () => {
    polar.faults.set({
      rateLimit: { count: 1, method: "patch", path: "/v1/webhooks/endpoints/{id}" },
    });
    const created = (await api("POST", ENDPOINTS, { body: BODY })).json as { id: string };

    const get = await api("GET", `${ENDPOINTS}/${created.id}`);
    const reset = await api("PATCH", `${ENDPOINTS}/${created.id}/secret`);
    const patch = await api("PATCH", `${ENDPOINTS}/${created.id}`, { body: { name: "x" } });
    const patchAgain = await api("PATCH", `${ENDPOINTS}/${created.id}`, { body: { name: "y" } });

    expect([get.status, reset.status, patch.status, patchAgain.status]).toEqual([
      200, 200, 429, 200,
    ]);
    expect(polar.getEndpoint(created.id)?.name).toBe("y");
  });

  it("can be active from start-up and cleared at run time", async () => {
    await polar.close();
    polar = await startPolarEmulator({ faults: { rateLimit: { count: 5, path: /endpoints$/ } } });

    const limited = await api("GET", ENDPOINTS);
    polar.faults.clear("rateLimit");
    const cleared = await api("GET", ENDPOINTS);

    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(cleared.status).toBe(200);
  });
});

describe("faults: server errors", () => {
  it.each([502, 503, 504] as const)("answers the next request with %i", async (status) => {
    polar.faults.set({ serverError: { count: 1, status } });

    const failed = await api("POST", ENDPOINTS, { body: BODY });
    const next = await api("POST", ENDPOINTS, { body: BODY });

    expect(failed.status).toBe(status);
    expect(failed.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(next.status).toBe(201);
    expect(polar.endpoints()).toHaveLength(1);
  });
});

describe("faults: dropped connections", () => {
  it("destroys the connection without a response: the client sees a socket error", async () => {
    polar.faults.set({ dropConnection: { count: 1, method: "POST" } });

    const error = await networkError(api("POST", ENDPOINTS, { body: BODY }));
    const next = await api("POST", ENDPOINTS, { body: BODY });

    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("fetch failed");
    expect((rootCause(error) as { code?: string }).code).toBe("UND_ERR_SOCKET");
    // The dropped request never reached the handler.
    expect(next.status).toBe(201);
    expect(polar.endpoints()).toHaveLength(1);
  });

  it("resets the connection (ECONNRESET) in reset mode", async () => {
    polar.faults.set({ dropConnection: { count: 1, mode: "reset" } });

    const error = await networkError(api("GET", ENDPOINTS));

    expect((error as Error).message).toBe("fetch failed");
    expect((rootCause(error) as { code?: string }).code).toBe("ECONNRESET");
  });

  it("commits then drops: the endpoint exists although the client saw an error", async () => {
    polar.faults.set({ commitThenDrop: { count: 1, method: "POST", path: ENDPOINTS } });

    const error = await networkError(api("POST", ENDPOINTS, { body: BODY }));

    expect((error as Error).message).toBe("fetch failed");
    const stored = polar.endpoints();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.url).toBe("https://example.com/hook");
    const log = polar.requests;
    expect(log.map((entry) => [entry.method, entry.status, entry.fault])).toEqual([
      ["POST", 201, "commitThenDrop"],
    ]);
  });
});

describe("faults: commit then hold", () => {
  it("commits, then answers nothing until the client goes away; the next request is answered", async () => {
    polar.faults.set({ commitThenHold: { count: 1, method: "POST", path: ENDPOINTS } });
    const { request } = await import("node:http");
    const target = new URL(`${polar.url}${ENDPOINTS}`);
    let answered = false;
    const held = request(target, {
      method: "POST",
      headers: {
        authorization: `Bearer ${polar.organizationToken}`,
        "content-type": "application/json",
      },
    });
    held.on("response", () => (answered = true));
    held.on("error", () => undefined);
    held.end(JSON.stringify(BODY));

    await vi.waitFor(() => expect(polar.endpoints()).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    expect(polar.requests.map((entry) => [entry.method, entry.status, entry.fault])).toEqual([
      ["POST", 201, "commitThenHold"],
    ]);
    held.destroy();

    const next = await api("POST", ENDPOINTS, { body: BODY });
    expect(next.status).toBe(201);
    expect(polar.endpoints()).toHaveLength(2);
  });
});

describe("faults: latency", () => {
  it("delays matching requests by a fixed time", async () => {
    polar.faults.set({ latency: { ms: 200, method: "GET" } });

    const started = performance.now();
    const order: string[] = [];
    const slow = api("GET", ENDPOINTS).then(() => order.push("GET"));
    // Sent after the GET, the POST is not delayed, so it answers first.
    const fast = api("POST", ENDPOINTS, { body: BODY }).then(() => order.push("POST"));
    await Promise.all([slow, fast]);

    expect(order).toEqual(["POST", "GET"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });

  it("lets a client time out while the request is still handled", async () => {
    polar.faults.set({ latency: { ms: 300 } });

    const error = await networkError(
      fetch(`${polar.url}${ENDPOINTS}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${polar.organizationToken}`,
          "content-type": "application/json",
        },
        body: JSON.stringify(BODY),
        signal: AbortSignal.timeout(50),
      }),
    );
    await vi.waitFor(() => expect(polar.requests).toHaveLength(1), { timeout: 5_000 });

    expect((error as Error).name).toBe("TimeoutError");
    expect(polar.requests[0]?.status).toBe(201);
    expect(polar.endpoints()).toHaveLength(1);
  });

  it("refuses negative settings", () => {
    expect(() => polar.faults.set({ latency: { ms: -1 } })).toThrow(
      "faults.latency.ms must be a non-negative number, got -1",
    );
  });
});

describe("request recording", () => {
  it("records method, path, route, query, status and headers without the credential", async () => {
    const created = (await api("POST", ENDPOINTS, { body: { ...BODY, name: "n" } })).json as {
      id: string;
    };
    await api("GET", `${ENDPOINTS}?limit=500&organization_id=${polar.organizationId}`);
    await api("GET", `${ENDPOINTS}/${created.id}`, { headers: { "polar-version": "2026-10" } });

    const log = polar.requests;

    expect(log.map((entry) => [entry.method, entry.path, entry.route, entry.status])).toEqual([
      ["POST", ENDPOINTS, ENDPOINTS, 201],
      ["GET", ENDPOINTS, ENDPOINTS, 200],
      ["GET", `${ENDPOINTS}/${created.id}`, "/v1/webhooks/endpoints/{id}", 200],
    ]);
    expect(log[0]?.body).toEqual({ ...BODY, name: "n" });
    expect(log[1]?.query).toEqual({ limit: ["500"], organization_id: [polar.organizationId] });
    expect(log[2]?.headers["polar-version"]).toBe("2026-10");
    for (const entry of log) {
      expect(entry.headers.authorization).toBe("[redacted]");
      expect(JSON.stringify(entry)).not.toContain(polar.organizationToken);
      expect(entry.fault).toBeUndefined();
    }
  });

  it("records faulted requests and can be reset", async () => {
    polar.faults.set({ rateLimit: { count: 1 }, dropConnection: { count: 1, method: "DELETE" } });
    await api("GET", ENDPOINTS);
    await networkError(api("DELETE", `${ENDPOINTS}/2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7`));

    expect(polar.requests.map((entry) => [entry.method, entry.status, entry.fault])).toEqual([
      ["GET", 429, "rateLimit"],
      ["DELETE", null, "dropConnection"],
    ]);

    polar.resetRequests();
    expect(polar.requests).toEqual([]);
  });
});

describe("deliveries and redelivery", () => {
  it("lists no deliveries by default", async () => {
    const response = await api("GET", "/v1/webhooks/deliveries");

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
  });

  it("lists recorded deliveries with their event, filtered and newest first", async () => {
    const endpoint = polar.insertEndpoint({ url: "https://example.com/x", events: ["order.paid"] });
    const payload = '{"type":"order.paid","timestamp":"2026-01-01T00:00:00Z","data":{}}';
    const event = polar.insertEvent({ endpointId: endpoint.id, type: "order.paid", payload });
    const failed = polar.insertDelivery({ eventId: event.id, succeeded: false, httpCode: 503 });
    const succeeded = polar.insertDelivery({
      eventId: event.id,
      succeeded: true,
      httpCode: 202,
      response: "ok",
    });

    const all = await api("GET", `/v1/webhooks/deliveries?endpoint_id=${endpoint.id}`);
    const only5xx = await api("GET", "/v1/webhooks/deliveries?http_code_class=5xx");
    const onlySucceeded = await api("GET", "/v1/webhooks/deliveries?succeeded=true");
    // `query` is a case-insensitive substring match on the delivery id, event id and HTTP code.
    const searched = await api("GET", `/v1/webhooks/deliveries?query=${failed.id.toUpperCase()}`);

    const listed = all.json as { items: { id: string }[]; pagination: unknown };
    expect(listed.items.map((item) => item.id)).toEqual([succeeded.id, failed.id]);
    expect(listed.items[0]).toEqual(succeeded);
    expect(listed.pagination).toEqual({ total_count: 2, max_page: 1 });
    expect(succeeded.webhook_event).toMatchObject({
      id: event.id,
      payload,
      succeeded: true,
      last_http_code: 202,
      api_version: "2026-04",
      type: "order.paid",
      skipped: false,
      is_archived: false,
    });
    expect((only5xx.json as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([
      failed.id,
    ]);
    expect((searched.json as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([
      failed.id,
    ]);
    expect(
      (onlySucceeded.json as { items: { id: string }[] }).items.map((item) => item.id),
    ).toEqual([succeeded.id]);
  });

  it("hides deliveries of other organizations", async () => {
    const endpoint = polar.insertEndpoint({
      url: "https://example.com/x",
      organizationId: polar.otherOrganizationId,
    });
    const event = polar.insertEvent({ endpointId: endpoint.id, type: "order.paid" });
    polar.insertDelivery({ eventId: event.id, succeeded: true, httpCode: 200 });

    const asOrganization = await api("GET", "/v1/webhooks/deliveries");
    const asUser = await api("GET", "/v1/webhooks/deliveries", { token: polar.userToken });

    expect((asOrganization.json as { pagination: unknown }).pagination).toEqual({
      total_count: 0,
      max_page: 0,
    });
    expect((asUser.json as { pagination: unknown }).pagination).toEqual({
      total_count: 1,
      max_page: 1,
    });
  });

  it("schedules a redelivery with 202 null and 404s unknown events", async () => {
    // Port 9 (discard) on loopback refuses: the scheduled attempt fails here instead of going out.
    const endpoint = polar.insertEndpoint({ url: "http://127.0.0.1:9/x" });
    const event = polar.insertEvent({ endpointId: endpoint.id, type: "order.paid", payload: "{}" });

    const scheduled = await api("POST", `/v1/webhooks/events/${event.id}/redeliver`);
    const unknown = await api(
      "POST",
      "/v1/webhooks/events/2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7/redeliver",
    );
    const malformed = await api("POST", "/v1/webhooks/events/123/redeliver");

    expect(scheduled.status).toBe(202);
    expect(scheduled.text).toBe("null");
    expect(polar.redeliveries.map((redelivered) => redelivered.id)).toEqual([event.id]);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    expect(malformed.status).toBe(422);
  });

  it("validates delivery filters", async () => {
    const response = await api(
      "GET",
      "/v1/webhooks/deliveries?http_code_class=6xx&start_timestamp=2026-01-01T00:00:00",
    );

    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "timezone_aware",
          loc: ["query", "start_timestamp"],
          msg: "Input should have timezone info",
          input: "2026-01-01T00:00:00",
        },
        {
          type: "literal_error",
          loc: ["query", "http_code_class"],
          msg: "Input should be '2xx', '3xx', '4xx' or '5xx'",
          input: "6xx",
          ctx: { expected: "'2xx', '3xx', '4xx' or '5xx'" },
        },
      ],
    });
  });

  it("requires webhooks:write to redeliver", async () => {
    const readOnly = polar.createToken({ kind: "organization", scopes: ["webhooks:read"] });

    const response = await call(
      polar.url,
      "POST",
      "/v1/webhooks/events/2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7/redeliver",
      { token: readOnly },
    );

    expect(response.status).toBe(403);
  });
});
