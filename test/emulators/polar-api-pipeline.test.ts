// Polar's request pipeline on the emulator: secret generations, Polar-Version, auth and scopes,
// routing, and out-of-band changes.
import { describe, expect, it } from "vitest";
import { call, LEGACY_SECRET, POLAR_TIMESTAMP, STANDARD_SECRET } from "./polar/testing";
import {
  polar,
  api,
  createBody,
  createEndpoint,
  ENDPOINTS,
  restartEmulator,
} from "./polar-api-support";

describe("secret generations", () => {
  it("creates legacy secrets when secretGeneration is legacy", async () => {
    await restartEmulator({ secretGeneration: "legacy" });

    const created = await api("POST", ENDPOINTS, { body: createBody() });
    const reset = await api("PATCH", `${ENDPOINTS}/${(created.json as { id: string }).id}/secret`);

    expect(created.json).toMatchObject({
      secret: expect.stringMatching(LEGACY_SECRET),
      uses_standard_webhook_signature: false,
    });
    expect(reset.json).toMatchObject({
      secret: expect.stringMatching(STANDARD_SECRET),
      uses_standard_webhook_signature: true,
    });
  });
});

describe("Polar-Version", () => {
  it("defaults to 2026-04 and echoes the version on every response", async () => {
    const absent = await api("GET", ENDPOINTS);
    const later = await api("GET", ENDPOINTS, { headers: { "polar-version": "2026-10" } });
    const notFound = await api("GET", `${ENDPOINTS}/2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7`, {
      headers: { "polar-version": "2027-01" },
    });

    expect(absent.headers.get("polar-version")).toBe("2026-04");
    expect(later.headers.get("polar-version")).toBe("2026-10");
    expect(notFound.headers.get("polar-version")).toBe("2027-01");
  });

  it.each(["2020-01", "latest", ""])(
    "answers 404 {detail: Not Found} for %j on every route",
    async (version) => {
      const list = await api("GET", ENDPOINTS, { headers: { "polar-version": version } });
      const create = await api("POST", ENDPOINTS, {
        headers: { "polar-version": version },
        body: createBody(),
      });

      for (const response of [list, create]) {
        expect(response.status).toBe(404);
        expect(response.json).toEqual({ detail: "Not Found" });
      }
      expect(polar.endpoints()).toEqual([]);
    },
  );
});

describe("authentication and scopes", () => {
  it("answers 401 Unauthorized without credentials", async () => {
    const response = await call(polar.url, "GET", ENDPOINTS);

    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="polar"');
  });

  it("answers 401 invalid_token for an unknown or revoked token", async () => {
    const revoked = polar.createToken({ kind: "organization" });
    polar.revokeToken(revoked);

    for (const token of [`polar_oat_${"x".repeat(43)}`, revoked, "not-a-polar-token"]) {
      const response = await call(polar.url, "GET", ENDPOINTS, { token });
      expect(response.status).toBe(401);
      expect(response.json).toEqual({
        error: "invalid_token",
        error_description:
          "The access token provided is expired, revoked, malformed, or invalid for other reasons.",
      });
      expect(response.headers.get("www-authenticate")).toMatch(
        /^Bearer realm="polar", error="invalid_token", error_description="/,
      );
    }
  });

  it("answers 403 insufficient_scope to a read-only token on write routes, 200 on reads", async () => {
    const readOnly = polar.createToken({ kind: "organization", scopes: ["webhooks:read"] });
    const writeOnly = polar.createToken({ kind: "organization", scopes: ["webhooks:write"] });

    const write = await call(polar.url, "POST", ENDPOINTS, { token: readOnly, body: createBody() });
    const read = await call(polar.url, "GET", ENDPOINTS, { token: readOnly });
    const readWithWrite = await call(polar.url, "GET", ENDPOINTS, { token: writeOnly });
    const none = polar.createToken({ kind: "user", scopes: [] });
    const readWithNone = await call(polar.url, "GET", ENDPOINTS, { token: none });

    expect(write.status).toBe(403);
    expect(write.json).toEqual({
      error: "insufficient_scope",
      error_description:
        "The request requires higher privileges than provided by the access token.",
    });
    expect(write.headers.get("www-authenticate")).toContain('scope="webhooks:write"');
    expect(read.status).toBe(200);
    expect(readWithWrite.status).toBe(200);
    expect(readWithNone.status).toBe(403);
    expect(readWithNone.headers.get("www-authenticate")).toContain(
      'scope="webhooks:read webhooks:write"',
    );
  });
});

describe("routing", () => {
  it("answers 404 for unknown routes and 405 for unknown methods", async () => {
    const unknown = await api("GET", "/v1/webhooks/nothing");
    const method = await api("PUT", ENDPOINTS, { body: createBody() });

    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ detail: "Not Found" });
    expect(method.status).toBe(405);
    expect(method.json).toEqual({ detail: "Method Not Allowed" });
    expect(method.headers.get("allow")).toBe("GET, POST");
  });

  it("redirects a trailing slash with 307", async () => {
    const response = await api("GET", `${ENDPOINTS}/?limit=5`);

    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe(`${ENDPOINTS}?limit=5`);
  });
});

describe("out-of-band changes", () => {
  it("edits an endpoint as the dashboard would, name clearing included", async () => {
    const created = await createEndpoint({ name: "orders" });

    const edited = polar.updateEndpointOutOfBand(created.id, {
      name: null,
      events: ["checkout.created"],
    });
    const fetched = await api("GET", `${ENDPOINTS}/${created.id}`);

    expect(edited).toMatchObject({ name: null, events: ["checkout.created"] });
    expect(edited.modified_at).toMatch(POLAR_TIMESTAMP);
    expect(fetched.json).toEqual(edited);
  });

  it("plants endpoints with an explicit legacy secret", async () => {
    const secret = "whsec_" + "L".repeat(43);
    const planted = polar.insertEndpoint({
      url: "https://example.com/x",
      secret,
      name: "dashboard",
    });

    const fetched = await api("GET", `${ENDPOINTS}/${planted.id}`);

    expect(fetched.json).toMatchObject({
      secret,
      uses_standard_webhook_signature: false,
      name: "dashboard",
      modified_at: null,
      enabled: true,
    });
  });
});
