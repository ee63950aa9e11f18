// POST /v1/webhooks/endpoints on the emulator, as Polar answers it.
import { describe, expect, it } from "vitest";
import { startPolarEmulator, WEBHOOK_EVENT_TYPES } from "./polar";
import { call, POLAR_TIMESTAMP, STANDARD_SECRET, UUID4 } from "./polar/testing";
import { polar, api, createBody, createEndpoint, ENDPOINTS } from "./polar-api-support";

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
