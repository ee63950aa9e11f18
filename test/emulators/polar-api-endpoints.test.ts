// Reading, updating, resetting the secret of and deleting endpoints on the emulator.
import { describe, expect, it } from "vitest";
import { LEGACY_SECRET, POLAR_TIMESTAMP, STANDARD_SECRET } from "./polar/testing";
import { polar, api, createEndpoint, ENDPOINTS } from "./polar-api-support";

describe("GET /v1/webhooks/endpoints", () => {
  type Page = {
    items: { id: string; url: string }[];
    pagination: { total_count: number; max_page: number };
  };

  function insertMany(count: number) {
    return Array.from({ length: count }, (_, index) =>
      polar.insertEndpoint({ url: `https://example.com/${index}`, events: ["order.paid"] }),
    );
  }

  it("returns an empty page with max_page 0", async () => {
    const response = await api("GET", ENDPOINTS);

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
  });

  it("pages newest first with the default limit of 10", async () => {
    const inserted = insertMany(12);
    const newestFirst = inserted.map((endpoint) => endpoint.id).reverse();

    const first = (await api("GET", ENDPOINTS)).json as Page;
    const second = (await api("GET", `${ENDPOINTS}?page=2`)).json as Page;
    const third = (await api("GET", `${ENDPOINTS}?page=3`)).json as Page;

    expect(first.items.map((item) => item.id)).toEqual(newestFirst.slice(0, 10));
    expect(first.pagination).toEqual({ total_count: 12, max_page: 2 });
    expect(second.items.map((item) => item.id)).toEqual(newestFirst.slice(10));
    expect(third.items).toEqual([]);
  });

  it("clamps limit to 100 silently", async () => {
    insertMany(105);

    const response = await api("GET", `${ENDPOINTS}?limit=500`);
    const page = response.json as Page;

    expect(response.status).toBe(200);
    expect(page.items).toHaveLength(100);
    expect(page.pagination).toEqual({ total_count: 105, max_page: 2 });
  });

  it("refuses page and limit that are not positive integers", async () => {
    const zero = await api("GET", `${ENDPOINTS}?limit=0`);
    const text = await api("GET", `${ENDPOINTS}?page=abc`);

    expect(zero.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "greater_than",
          loc: ["query", "limit"],
          msg: "Input should be greater than 0",
          input: "0",
          ctx: { gt: 0 },
        },
      ],
    });
    expect(text.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "int_parsing",
          loc: ["query", "page"],
          msg: "Input should be a valid integer, unable to parse string as an integer",
          input: "abc",
        },
      ],
    });
  });

  it("shows each caller only the organizations it manages", async () => {
    const mine = polar.insertEndpoint({ url: "https://example.com/mine" });
    const other = polar.insertEndpoint({
      url: "https://example.com/other",
      organizationId: polar.otherOrganizationId,
    });
    const outsider = polar.createToken({ kind: "user", organizationIds: [] });

    const asOrganization = (await api("GET", ENDPOINTS)).json as Page;
    const asUser = (await api("GET", ENDPOINTS, { token: polar.userToken })).json as Page;
    const filtered = (
      await api("GET", `${ENDPOINTS}?organization_id=${polar.otherOrganizationId}`, {
        token: polar.userToken,
      })
    ).json as Page;
    const asOutsider = await api("GET", ENDPOINTS, { token: outsider });
    const otherViaOrganization = await api("GET", `${ENDPOINTS}/${other.id}`);

    expect(asOrganization.items.map((item) => item.id)).toEqual([mine.id]);
    expect(asUser.items.map((item) => item.id)).toEqual([other.id, mine.id]);
    expect(filtered.items.map((item) => item.id)).toEqual([other.id]);
    expect(asOutsider.json).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
    expect(otherViaOrganization.status).toBe(404);
  });
});

describe("GET /v1/webhooks/endpoints/{id}", () => {
  it("returns the endpoint, secret included", async () => {
    const created = await createEndpoint();

    const response = await api("GET", `${ENDPOINTS}/${created.id}`);

    expect(response.status).toBe(200);
    expect(response.json).toEqual(created);
  });

  it("answers 404 ResourceNotFound for an unknown uuid4", async () => {
    const response = await api("GET", `${ENDPOINTS}/2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7`);

    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: "ResourceNotFound", detail: "Not found" });
  });

  it("validates the path id as a uuid4", async () => {
    const notUuid = await api("GET", `${ENDPOINTS}/not-a-uuid`);
    const version1 = await api("GET", `${ENDPOINTS}/6ba7b810-9dad-11d1-80b4-00c04fd430c8`);

    expect(notUuid.status).toBe(422);
    expect(notUuid.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "uuid_parsing",
          loc: ["path", "id"],
          msg: "Input should be a valid UUID, invalid character: found `n` at 1",
          input: "not-a-uuid",
          ctx: { error: "invalid character: found `n` at 1" },
        },
      ],
    });
    expect(version1.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "uuid_version",
          loc: ["path", "id"],
          msg: "UUID version 4 expected",
          input: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
          ctx: { expected_version: 4 },
        },
      ],
    });
  });
});

describe("PATCH /v1/webhooks/endpoints/{id}", () => {
  it("applies only non-null fields and ignores organization_id", async () => {
    const created = await createEndpoint({ name: "before" });

    const response = await api("PATCH", `${ENDPOINTS}/${created.id}`, {
      body: {
        name: null,
        url: "  https://Example.org:443/new  ",
        format: "slack",
        enabled: false,
        organization_id: polar.otherOrganizationId,
      },
    });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      ...created,
      modified_at: expect.stringMatching(POLAR_TIMESTAMP),
      name: "before",
      url: "https://example.org/new",
      format: "slack",
      enabled: false,
    });
  });

  it("clears events with [] and keeps the secret", async () => {
    const created = await createEndpoint();

    const response = await api("PATCH", `${ENDPOINTS}/${created.id}`, { body: { events: [] } });

    expect(response.json).toMatchObject({ events: [], secret: created.secret, id: created.id });
  });

  it("accepts {} without touching modified_at", async () => {
    const created = await createEndpoint();

    const response = await api("PATCH", `${ENDPOINTS}/${created.id}`, { body: {} });

    expect(response.status).toBe(200);
    expect(response.json).toEqual(created);
  });

  it("validates fields like create does, path errors first", async () => {
    const response = await api("PATCH", `${ENDPOINTS}/abcd`, {
      body: { url: "http://example.com/", enabled: "maybe" },
    });

    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "uuid_parsing",
          loc: ["path", "id"],
          msg: "Input should be a valid UUID, invalid length: expected length 32 for simple format, found 4",
          input: "abcd",
          ctx: { error: "invalid length: expected length 32 for simple format, found 4" },
        },
        {
          type: "url_scheme",
          loc: ["body", "url"],
          msg: "URL scheme should be 'https'",
          input: "http://example.com/",
          ctx: { expected_schemes: "'https'" },
        },
        {
          type: "bool_parsing",
          loc: ["body", "enabled"],
          msg: "Input should be a valid boolean, unable to interpret input",
          input: "maybe",
        },
      ],
    });
  });

  it("refuses to enable an endpoint whose stored URL is no longer acceptable", async () => {
    const planted = polar.insertEndpoint({ url: "https://127.0.0.1/hook", enabled: false });

    const response = await api("PATCH", `${ENDPOINTS}/${planted.id}`, { body: { enabled: true } });

    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "enabled"],
          msg: "Cannot enable a webhook endpoint with an invalid URL. Please update the URL first.",
          input: true,
        },
      ],
    });
  });

  it("re-enables an auto-disabled endpoint", async () => {
    const created = await createEndpoint();
    expect(polar.autoDisable(created.id).enabled).toBe(false);
    expect(
      ((await api("GET", `${ENDPOINTS}/${created.id}`)).json as { enabled: boolean }).enabled,
    ).toBe(false);

    const response = await api("PATCH", `${ENDPOINTS}/${created.id}`, { body: { enabled: true } });

    expect((response.json as { enabled: boolean }).enabled).toBe(true);
  });
});

describe("PATCH /v1/webhooks/endpoints/{id}/secret", () => {
  it("regenerates a standard secret, keeps the id and bumps modified_at", async () => {
    const created = await createEndpoint();

    const response = await api("PATCH", `${ENDPOINTS}/${created.id}/secret`);
    const reset = response.json as { id: string; secret: string; modified_at: string | null };

    expect(response.status).toBe(200);
    expect(reset.id).toBe(created.id);
    expect(reset.secret).toMatch(STANDARD_SECRET);
    expect(reset.secret).not.toBe(created.secret);
    expect(reset.modified_at).toMatch(POLAR_TIMESTAMP);
    expect(polar.getEndpoint(created.id)?.secret).toBe(reset.secret);
  });

  it("switches a legacy endpoint to Standard Webhooks signing", async () => {
    const legacy = polar.insertEndpoint({
      url: "https://example.com/x",
      secretGeneration: "legacy",
    });
    expect(legacy.secret).toMatch(LEGACY_SECRET);
    expect(legacy.uses_standard_webhook_signature).toBe(false);

    const response = await api("PATCH", `${ENDPOINTS}/${legacy.id}/secret`);

    expect(response.json).toMatchObject({
      id: legacy.id,
      secret: expect.stringMatching(STANDARD_SECRET),
      uses_standard_webhook_signature: true,
    });
  });
});

describe("DELETE /v1/webhooks/endpoints/{id}", () => {
  it("soft-deletes: 204 with an empty body, then 404 on GET, PATCH and DELETE", async () => {
    const created = await createEndpoint();

    const deleted = await api("DELETE", `${ENDPOINTS}/${created.id}`);
    const get = await api("GET", `${ENDPOINTS}/${created.id}`);
    const patch = await api("PATCH", `${ENDPOINTS}/${created.id}`, { body: { name: "x" } });
    const reset = await api("PATCH", `${ENDPOINTS}/${created.id}/secret`);
    const again = await api("DELETE", `${ENDPOINTS}/${created.id}`);
    const list = await api("GET", ENDPOINTS);

    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    for (const response of [get, patch, reset, again]) {
      expect(response.status).toBe(404);
      expect(response.json).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
    expect(list.json).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
    expect(polar.getEndpoint(created.id)).toBeUndefined();
    expect(polar.getEndpoint(created.id, { includeDeleted: true })?.id).toBe(created.id);
  });

  it("sees out-of-band deletes as 404", async () => {
    const created = await createEndpoint();

    polar.deleteEndpointOutOfBand(created.id);

    expect((await api("GET", `${ENDPOINTS}/${created.id}`)).status).toBe(404);
  });
});
