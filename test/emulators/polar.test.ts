import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { type PolarEmulator, startPolarEmulator, WEBHOOK_EVENT_TYPES } from "./polar";
import {
  call,
  type CallOptions,
  LEGACY_SECRET,
  POLAR_TIMESTAMP,
  STANDARD_SECRET,
  UUID4,
} from "./polar/testing";

const ENDPOINTS = "/v1/webhooks/endpoints";
const PRIVATE_HOST = "Webhook URLs cannot point to localhost or private IP addresses.";

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

function createBody(overrides: Record<string, unknown> = {}) {
  return { url: "https://example.com/hook", format: "raw", events: ["order.paid"], ...overrides };
}

async function createEndpoint(overrides: Record<string, unknown> = {}) {
  const response = await api("POST", ENDPOINTS, { body: createBody(overrides) });
  expect(response.status).toBe(201);
  return response.json as { id: string; secret: string; modified_at: string | null };
}

describe("startPolarEmulator", () => {
  it("serves on 127.0.0.1 without a /v1 suffix and issues random tokens and uuid4 orgs", () => {
    expect(polar.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(polar.organizationToken).toMatch(/^polar_oat_[A-Za-z0-9]{43}$/);
    expect(polar.userToken).toMatch(/^polar_pat_[A-Za-z0-9]{43}$/);
    expect(polar.organizationId).toMatch(UUID4);
    expect(polar.otherOrganizationId).toMatch(UUID4);
    expect(polar.otherOrganizationId).not.toBe(polar.organizationId);
  });
});

describe("POST /v1/webhooks/endpoints", () => {
  it("creates with an organization token and no organization_id: 201 and the full resource", async () => {
    const response = await api("POST", ENDPOINTS, {
      body: createBody({ name: "orders", enabled: false, surprise: "ignored" }),
    });

    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = response.json as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      "created_at",
      "modified_at",
      "id",
      "url",
      "name",
      "api_version",
      "format",
      "secret",
      "organization_id",
      "events",
      "enabled",
      "uses_standard_webhook_signature",
    ]);
    expect(body).toEqual({
      created_at: expect.stringMatching(POLAR_TIMESTAMP),
      modified_at: null,
      id: expect.stringMatching(UUID4),
      url: "https://example.com/hook",
      name: "orders",
      api_version: "2026-04",
      format: "raw",
      secret: expect.stringMatching(STANDARD_SECRET),
      organization_id: polar.organizationId,
      events: ["order.paid"],
      // `enabled` cannot be set on create: it is ignored.
      enabled: true,
      uses_standard_webhook_signature: true,
    });
    expect(Buffer.from((body.secret as string).slice("whsec_".length), "base64")).toHaveLength(32);
  });

  it("refuses organization_id with an organization token, even its own: 422 organization_token", async () => {
    const response = await api("POST", ENDPOINTS, {
      body: createBody({ organization_id: polar.organizationId }),
    });

    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "organization_token",
          loc: ["body", "organization_id"],
          msg: "Setting organization_id is disallowed when using an organization token.",
          input: polar.organizationId,
        },
      ],
    });
    expect(polar.endpoints()).toEqual([]);
  });

  it("accepts organization_id: null with an organization token", async () => {
    const created = await createEndpoint({ organization_id: null });

    expect(polar.getEndpoint(created.id)?.organization_id).toBe(polar.organizationId);
  });

  it("requires organization_id with a user token: 422 missing", async () => {
    const response = await api("POST", ENDPOINTS, { token: polar.userToken, body: createBody() });

    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "missing",
          loc: ["body", "organization_id"],
          msg: "organization_id is required.",
          input: null,
        },
      ],
    });
  });

  it("creates with a user token in any organization the user manages", async () => {
    const response = await api("POST", ENDPOINTS, {
      token: polar.userToken,
      body: createBody({ organization_id: polar.otherOrganizationId }),
    });

    expect(response.status).toBe(201);
    expect((response.json as { organization_id: string }).organization_id).toBe(
      polar.otherOrganizationId,
    );
  });

  it("refuses a user token's organization_id it cannot access: 422 Organization not found.", async () => {
    const outsider = polar.createToken({ kind: "user", organizationIds: [] });
    const response = await api("POST", ENDPOINTS, {
      token: outsider,
      body: createBody({ organization_id: polar.organizationId }),
    });

    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      error: "PolarRequestValidationError",
      detail: [
        {
          type: "value_error",
          loc: ["body", "organization_id"],
          msg: "Organization not found.",
          input: polar.organizationId,
        },
      ],
    });
  });

  it("resolves the organization implicitly for a user token narrowed by Polar-Organization", async () => {
    const response = await api("POST", ENDPOINTS, {
      token: polar.userToken,
      headers: { "polar-organization": polar.otherOrganizationId },
      body: createBody(),
    });

    expect(response.status).toBe(201);
    expect((response.json as { organization_id: string }).organization_id).toBe(
      polar.otherOrganizationId,
    );
  });

  it("reports every missing required field in field order", async () => {
    const response = await api("POST", ENDPOINTS, { body: {} });

    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      error: "RequestValidationError",
      detail: [
        { type: "missing", loc: ["body", "url"], msg: "Field required", input: {} },
        { type: "missing", loc: ["body", "format"], msg: "Field required", input: {} },
        { type: "missing", loc: ["body", "events"], msg: "Field required", input: {} },
      ],
    });
  });

  it("refuses a missing body and a body that is not an object", async () => {
    const empty = await api("POST", ENDPOINTS);
    const array = await api("POST", ENDPOINTS, { body: [] });

    expect(empty.status).toBe(422);
    expect(empty.json).toEqual({
      error: "RequestValidationError",
      detail: [{ type: "missing", loc: ["body"], msg: "Field required", input: null }],
    });
    expect(array.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "model_attributes_type",
          loc: ["body"],
          msg: "Input should be a valid dictionary or object to extract fields from",
          input: [],
        },
      ],
    });
  });

  it("answers malformed JSON with json_invalid", async () => {
    const response = await api("POST", ENDPOINTS, { body: '{"url": ' });

    expect(response.status).toBe(422);
    expect(response.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "json_invalid",
          loc: ["body", 8],
          msg: "JSON decode error",
          input: {},
          ctx: { error: "Expecting value" },
        },
      ],
    });
  });

  it("refuses an unknown event type with the enum error at its index", async () => {
    const response = await api("POST", ENDPOINTS, {
      body: createBody({ events: ["order.paid", "order.nope"] }),
    });

    expect(response.status).toBe(422);
    const expected = `${WEBHOOK_EVENT_TYPES.slice(0, -1)
      .map((type) => `'${type}'`)
      .join(", ")} or 'organization.updated'`;
    expect(expected.startsWith("'checkout.created', 'checkout.updated', ")).toBe(true);
    expect(response.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "enum",
          loc: ["body", "events", 1],
          msg: `Input should be ${expected}`,
          input: "order.nope",
          ctx: { expected },
        },
      ],
    });
  });

  it("knows all 42 event types, subscription.migrated included, and accepts events: []", async () => {
    expect(WEBHOOK_EVENT_TYPES).toHaveLength(42);
    const all = await api("POST", ENDPOINTS, {
      body: createBody({ events: [...WEBHOOK_EVENT_TYPES] }),
    });
    const none = await api("POST", ENDPOINTS, { body: createBody({ events: [] }) });

    expect(all.status).toBe(201);
    expect((all.json as { events: string[] }).events).toEqual([...WEBHOOK_EVENT_TYPES]);
    expect(none.status).toBe(201);
    expect((none.json as { events: string[] }).events).toEqual([]);
  });

  it("keeps event order and duplicates", async () => {
    const created = await api("POST", ENDPOINTS, {
      body: createBody({ events: ["order.paid", "checkout.created", "order.paid"] }),
    });

    expect((created.json as { events: string[] }).events).toEqual([
      "order.paid",
      "checkout.created",
      "order.paid",
    ]);
  });

  it("refuses an unknown format", async () => {
    const response = await api("POST", ENDPOINTS, { body: createBody({ format: "teams" }) });

    expect(response.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "enum",
          loc: ["body", "format"],
          msg: "Input should be 'raw', 'discord' or 'slack'",
          input: "teams",
          ctx: { expected: "'raw', 'discord' or 'slack'" },
        },
      ],
    });
  });

  it("refuses a malformed organization_id with uuid_parsing", async () => {
    const response = await api("POST", ENDPOINTS, {
      token: polar.userToken,
      body: createBody({ organization_id: "not-a-uuid" }),
    });

    expect(response.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "uuid_parsing",
          loc: ["body", "organization_id"],
          msg: "Input should be a valid UUID, invalid character: found `n` at 1",
          input: "not-a-uuid",
          ctx: { error: "invalid character: found `n` at 1" },
        },
      ],
    });
  });

  it("uses a deprecated client secret verbatim (min 32 characters), signed the legacy way", async () => {
    const tooShort = await api("POST", ENDPOINTS, { body: createBody({ secret: "abc" }) });
    const custom = "whsec_" + "c".repeat(40);
    const accepted = await api("POST", ENDPOINTS, { body: createBody({ secret: custom }) });

    expect(tooShort.json).toEqual({
      error: "RequestValidationError",
      detail: [
        {
          type: "string_too_short",
          loc: ["body", "secret"],
          msg: "String should have at least 32 characters",
          input: "abc",
          ctx: { min_length: 32 },
        },
      ],
    });
    expect(accepted.status).toBe(201);
    expect(accepted.json).toMatchObject({ secret: custom, uses_standard_webhook_signature: false });
  });

  it("with acceptClientSecret off, ignores a client secret like any unknown field and generates one", async () => {
    const strict = await startPolarEmulator({ acceptClientSecret: false });
    try {
      const custom = "whsec_" + "c".repeat(40);
      const post = (secret: string) =>
        call(strict.url, "POST", ENDPOINTS, {
          token: strict.organizationToken,
          body: createBody({ secret }),
        });
      const ignored = await post(custom);
      const short = await post("abc");

      expect(ignored.status).toBe(201);
      expect(ignored.json).toMatchObject({
        secret: expect.stringMatching(STANDARD_SECRET),
        uses_standard_webhook_signature: true,
      });
      expect((ignored.json as { secret: string }).secret).not.toBe(custom);
      // Not validated either: the field is not part of the schema.
      expect(short.status).toBe(201);
      // The switch is a run-time setting too.
      strict.settings.acceptClientSecret = true;
      expect((await post(custom)).json).toMatchObject({ secret: custom });
    } finally {
      await strict.close();
    }
  });

  it("records api_version, defaulting to 2026-04", async () => {
    const later = await api("POST", ENDPOINTS, { body: createBody({ api_version: "2026-10" }) });
    const unknown = await api("POST", ENDPOINTS, { body: createBody({ api_version: "2025-01" }) });

    expect((later.json as { api_version: string }).api_version).toBe("2026-10");
    expect(unknown.status).toBe(422);
    expect((unknown.json as { detail: { loc: unknown[]; type: string }[] }).detail).toEqual([
      expect.objectContaining({
        type: "literal_error",
        loc: ["body", "api_version"],
        input: "2025-01",
      }),
    ]);
  });
});

describe("URL rules", () => {
  async function urlErrors(url: unknown) {
    const response = await api("POST", ENDPOINTS, { body: createBody({ url }) });
    expect(response.status).toBe(422);
    return (response.json as { error: string; detail: unknown[] }).detail;
  }

  it("refuses http with url_scheme", async () => {
    expect(await urlErrors("http://example.com/x")).toEqual([
      {
        type: "url_scheme",
        loc: ["body", "url"],
        msg: "URL scheme should be 'https'",
        input: "http://example.com/x",
        ctx: { expected_schemes: "'https'" },
      },
    ]);
  });

  it.each([
    "https://localhost/x",
    "https://LOCALHOST:8443/x",
    "https://127.0.0.1/x",
    "https://0.0.0.0/x",
    "https://10.1.2.3/x",
    "https://172.16.0.1/x",
    "https://192.168.1.10/x",
    "https://169.254.169.254/latest",
    "https://100.64.0.1/x",
    "https://[::1]/x",
    "https://[fd00::1]/x",
    "https://[::ffff:127.0.0.1]/x",
  ])("refuses the non-global host of %s", async (url) => {
    expect(await urlErrors(url)).toEqual([
      {
        type: "value_error",
        loc: ["body", "url"],
        msg: `Value error, ${PRIVATE_HOST}`,
        input: url,
        ctx: { error: PRIVATE_HOST },
      },
    ]);
  });

  it("refuses URLs over 2083 characters with url_too_long", async () => {
    const url = `https://example.com/${"a".repeat(2064)}`;
    expect(url).toHaveLength(2084);

    expect(await urlErrors(url)).toEqual([
      {
        type: "url_too_long",
        loc: ["body", "url"],
        msg: "URL should have at most 2083 characters",
        input: url,
        ctx: { max_length: 2083 },
      },
    ]);
    const longest = await api("POST", ENDPOINTS, { body: createBody({ url: url.slice(0, -1) }) });
    expect(longest.status).toBe(201);
  });

  it("refuses text that is not a URL with url_parsing, and non-strings with url_type", async () => {
    expect(await urlErrors("not a url")).toEqual([
      {
        type: "url_parsing",
        loc: ["body", "url"],
        msg: "Input should be a valid URL, relative URL without a base",
        input: "not a url",
        ctx: { error: "relative URL without a base" },
      },
    ]);
    expect(await urlErrors(42)).toEqual([
      {
        type: "url_type",
        loc: ["body", "url"],
        msg: "URL input should be a string or URL",
        input: 42,
      },
    ]);
  });

  it("refuses hostnames with characters IDNA 2008 disallows", async () => {
    const message =
      "Invalid webhook URL: the hostname contains characters not allowed in domain names.";

    expect(await urlErrors("https://a\u2014b.example/x")).toEqual([
      {
        type: "value_error",
        loc: ["body", "url"],
        msg: `Value error, ${message}`,
        input: "https://a\u2014b.example/x",
        ctx: { error: message },
      },
    ]);
  });

  it.each([
    ["  https://Example.COM:443  ", "https://example.com/"],
    ["  https://example.com/hook  ", "https://example.com/hook"],
    ["https://Example.COM", "https://example.com/"],
    ["https://m\u00fcnchen.example/hook", "https://xn--mnchen-3ya.example/hook"],
    ["https://example.com/a b?q=c d", "https://example.com/a%20b?q=c%20d"],
    ["https://example.com:8443/x", "https://example.com:8443/x"],
    ["HTTPS://EXAMPLE.com/Path", "https://example.com/Path"],
  ])("stores %j as %j", async (input, stored) => {
    const created = await api("POST", ENDPOINTS, { body: createBody({ url: input }) });

    expect(created.status).toBe(201);
    expect((created.json as { url: string }).url).toBe(stored);
  });
});

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

describe("secret generations", () => {
  it("creates legacy secrets when secretGeneration is legacy", async () => {
    await polar.close();
    polar = await startPolarEmulator({ secretGeneration: "legacy" });

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

describe("allowLoopbackUrls", () => {
  it("accepts loopback http and https URLs but still refuses private ones", async () => {
    await polar.close();
    polar = await startPolarEmulator({ allowLoopbackUrls: true });

    const accepted = [];
    for (const url of [
      "http://127.0.0.1:3000/webhooks",
      "http://localhost:3000",
      "https://[::1]:8443/x",
    ]) {
      const response = await api("POST", ENDPOINTS, { body: createBody({ url }) });
      accepted.push([response.status, (response.json as { url: string }).url]);
    }
    const privateHttps = await api("POST", ENDPOINTS, {
      body: createBody({ url: "https://10.0.0.1/" }),
    });
    const privateHttp = await api("POST", ENDPOINTS, {
      body: createBody({ url: "http://10.0.0.1/" }),
    });

    expect(accepted).toEqual([
      [201, "http://127.0.0.1:3000/webhooks"],
      [201, "http://localhost:3000/"],
      [201, "https://[::1]:8443/x"],
    ]);
    expect(privateHttps.status).toBe(422);
    expect(privateHttp.status).toBe(422);
    expect((privateHttp.json as { detail: { type: string }[] }).detail[0]?.type).toBe("url_scheme");
  });

  it("can be switched at run time", async () => {
    const before = await api("POST", ENDPOINTS, {
      body: createBody({ url: "http://127.0.0.1:3000/" }),
    });
    polar.settings.allowLoopbackUrls = true;
    const after = await api("POST", ENDPOINTS, {
      body: createBody({ url: "http://127.0.0.1:3000/" }),
    });

    expect(before.status).toBe(422);
    expect(after.status).toBe(201);
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
