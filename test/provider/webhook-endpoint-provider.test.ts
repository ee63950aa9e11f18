// The provider object called directly (as the provider host would), against the Polar emulator:
// the paths the engine tests do not reach cheaply.
import { afterEach, describe, expect, it } from "vitest";
import { POLAR_DEFAULT_API_VERSION, webhookEndpointProvider } from "../../providers/polar";
import { endpointInputs as inputs, useToken as useTokenOf, usePolarEmulator } from "./support";
import { startFaultProxy, type FaultProxy, type FaultRule } from "../support/fault-proxy";

const polar = usePolarEmulator();
const useToken = (token: string) => useTokenOf(polar, token);

describe("webhookEndpointProvider", () => {
  it("creates a disabled endpoint with a follow-up PATCH (Polar ignores enabled on create)", async () => {
    useToken(polar.organizationToken);
    const result = await webhookEndpointProvider.create(inputs({ enabled: false, name: "off" }));
    expect(polar.requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      "GET /v1/webhooks/endpoints 200",
      "POST /v1/webhooks/endpoints 201",
      "PATCH /v1/webhooks/endpoints/{id} 200",
    ]);
    expect(polar.requests[2].body).toEqual({ enabled: false });
    expect(result.outs).toMatchObject({
      enabled: false,
      name: "off",
      organizationIdDeclared: false,
    });
    expect(polar.getEndpoint(result.id)?.enabled).toBe(false);
  });

  it("sends organization_id with a user token", async () => {
    useToken(polar.userToken);
    const result = await webhookEndpointProvider.create(
      inputs({ organizationId: polar.otherOrganizationId }),
    );
    const post = polar.requests.find((r) => r.method === "POST");
    expect(post?.body).toEqual({
      url: "https://example.com/hook",
      format: "raw",
      events: ["order.paid"],
      organization_id: polar.otherOrganizationId,
    });
    expect(result.outs).toMatchObject({
      organizationId: polar.otherOrganizationId,
      organizationIdDeclared: true,
    });
  });

  it("reads a deleted endpoint as gone and deletes an already-deleted one without error", async () => {
    useToken(polar.organizationToken);
    const endpoint = polar.insertEndpoint({ url: "https://example.com/gone" });
    polar.deleteEndpointOutOfBand(endpoint.id);
    expect(await webhookEndpointProvider.read(endpoint.id)).toEqual({ id: "" });
    await expect(webhookEndpointProvider.delete(endpoint.id)).resolves.toBeUndefined();
    expect(polar.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 404", "DELETE 404"]);
  });

  it('clears a removed name with "" (Polar ignores null) and keeps the secret', async () => {
    useToken(polar.organizationToken);
    const created = await webhookEndpointProvider.create(inputs({ name: "named" }));
    const updated = await webhookEndpointProvider.update(created.id, created.outs!, inputs());
    expect(polar.requests.at(-1)?.body).toEqual({ name: "" });
    expect(updated.outs).toMatchObject({ name: "", secret: created.outs!.secret });
  });

  it("keeps a secret changed in the dashboard as previousSecret on refresh", async () => {
    useToken(polar.organizationToken);
    const created = await webhookEndpointProvider.create(inputs());
    const before = created.outs!.secret;
    const rotatedOutOfBand = await fetch(
      `${polar.url}/v1/webhooks/endpoints/${created.id}/secret`,
      {
        method: "PATCH",
        headers: { authorization: `Bearer ${polar.organizationToken}` },
      },
    ).then((r) => r.json() as Promise<{ secret: string }>);
    const read = await webhookEndpointProvider.read(created.id, created.outs);
    expect(read.props).toMatchObject({ secret: rotatedOutOfBand.secret, previousSecret: before });
  });

  it("refuses to adopt an endpoint of another organization", async () => {
    useToken(polar.userToken);
    const foreign = polar.insertEndpoint({
      url: "https://example.com/x",
      organizationId: polar.otherOrganizationId,
    });
    await expect(
      webhookEndpointProvider.create(
        inputs({ adoptId: foreign.id, organizationId: polar.organizationId }),
      ),
    ).rejects.toThrow(
      `adoptId ${foreign.id} belongs to organization ${polar.otherOrganizationId}, but organizationId is ${polar.organizationId}; set organizationId to the endpoint's organization or adopt another endpoint.`,
    );
    expect(polar.getEndpoint(foreign.id)?.url).toBe("https://example.com/x");
  });

  it("prefers stack config (configure) over the environment", async () => {
    useToken("polar_oat_not_accepted_by_the_emulator");
    await webhookEndpointProvider.configure({
      config: {
        get: (key: string) =>
          ({ "polar:accessToken": polar.organizationToken, "polar:apiUrl": polar.url })[key],
        require: (key: string) => key,
      },
    });
    const created = await webhookEndpointProvider.create(inputs());
    expect(polar.getEndpoint(created.id)).toBeDefined();
  });

  it("fails check with the fix when no token is configured", async () => {
    delete process.env.POLAR_ACCESS_TOKEN;
    const result = await webhookEndpointProvider.check(inputs(), inputs());
    expect(result.failures).toEqual([
      {
        property: "accessToken",
        reason:
          "Polar access token is missing: run `pulumi config set --secret polar:accessToken <token>` or set POLAR_ACCESS_TOKEN (an organization access token with webhooks:read and webhooks:write).",
      },
    ]);
  });

  it("rejects an unknown polar:server", async () => {
    useToken(polar.organizationToken);
    process.env.POLAR_SERVER = "staging";
    await expect(
      webhookEndpointProvider.read("00000000-0000-4000-8000-000000000000"),
    ).rejects.toThrow(
      'polar:server is "staging"; use "sandbox" or "production" (pulumi config set polar:server sandbox).',
    );
  });
});

describe("webhookEndpointProvider: create stays transactional", () => {
  // Failures a retry cannot fix (5xx and lost answers are retried): a refusal, a revoked token.
  const refused: FaultRule = {
    name: "422",
    weight: 1,
    action: {
      kind: "respond",
      status: 422,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        error: "PolarRequestValidationError",
        detail: [{ type: "value_error", loc: ["body", "enabled"], msg: "refused by the test" }],
      }),
    },
  };
  const revoked: FaultRule = {
    name: "401",
    weight: 1,
    action: {
      kind: "respond",
      status: 401,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ error: "invalid_token", error_description: "revoked" }),
    },
  };
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });
  /** Polar behind a proxy that answers calls on an existing endpoint (PATCH, DELETE) with `rule`. */
  async function failingCallsOnTheEndpoint(methods: string[], rule: FaultRule): Promise<void> {
    useToken(polar.organizationToken);
    proxy = await startFaultProxy({
      target: polar.url,
      seed: 0,
      rate: 0,
      faults: [],
      script: (key) => (methods.includes(key.split(" ")[0]!) ? rule : undefined),
    });
    process.env.POLAR_API_URL = proxy.url;
  }

  it("deletes the endpoint it created when the follow-up PATCH fails, and rethrows", async () => {
    await failingCallsOnTheEndpoint(["PATCH"], refused);
    await expect(webhookEndpointProvider.create(inputs({ enabled: false }))).rejects.toMatchObject({
      status: 422,
      method: "PATCH",
    });
    expect(polar.endpoints()).toEqual([]);
    expect(polar.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      "GET 200",
      "POST 201",
      "DELETE 204",
    ]);
  });

  it("says which endpoint may remain when even the delete fails", async () => {
    // The token is revoked between the POST and the PATCH: the DELETE after it fails too.
    await failingCallsOnTheEndpoint(["PATCH", "DELETE"], revoked);
    const error = await webhookEndpointProvider
      .create(inputs({ enabled: false, name: "stuck" }))
      .then(
        () => undefined,
        (e: Error) => e,
      );
    const [left] = polar.endpoints();
    expect(left?.name).toBe("stuck");
    const path = `/v1/webhooks/endpoints/${left.id}`;
    expect(error?.message).toMatch(
      new RegExp(`^Polar API PATCH ${path} failed: 401 invalid_token`),
    );
    expect(error?.message).toContain(
      `. The endpoint just created, ${left.id}, could not be deleted either (Polar API DELETE ${path} failed: 401 invalid_token; revoked; `,
    );
    expect(error?.message).toMatch(
      /\): it may remain in Polar, enabled, with a secret Pulumi does not know\. Delete it in the Polar dashboard \(Settings → Webhooks\) or with DELETE \/v1\/webhooks\/endpoints\/[0-9a-f-]+, then run `pulumi up` again\.$/,
    );
  });
});

describe("webhookEndpointProvider: secret rotation", () => {
  it("resets once when the answer is lost, and keeps the original as previousSecret", async () => {
    useToken(polar.organizationToken);
    const created = await webhookEndpointProvider.create(inputs());
    polar.resetRequests();
    polar.faults.set({
      commitThenDrop: { count: 1, method: "PATCH", path: "/v1/webhooks/endpoints/{id}/secret" },
    });
    const updated = await webhookEndpointProvider.update(
      created.id,
      created.outs!,
      inputs({ secretRotation: "2026-11" }),
    );
    expect(polar.requests.filter((r) => r.route?.endsWith("/secret"))).toHaveLength(1);
    expect(updated.outs!.previousSecret).toBe(created.outs!.secret);
    expect(updated.outs!.secret).toBe(polar.getEndpoint(created.id)?.secret);
    expect(updated.outs!.secret).not.toBe(created.outs!.secret);
  });
});

describe("webhookEndpointProvider: removing apiVersion", () => {
  it("PATCHes Polar's default back after a declared version is removed", async () => {
    useToken(polar.organizationToken);
    const created = await webhookEndpointProvider.create(inputs({ apiVersion: "2026-10" }));
    expect(created.outs).toMatchObject({ apiVersion: "2026-10", apiVersionDeclared: true });
    const diff = await webhookEndpointProvider.diff(created.id, created.outs!, inputs());
    expect(diff.changes).toBe(true);
    polar.resetRequests();
    const updated = await webhookEndpointProvider.update(created.id, created.outs!, inputs());
    expect(polar.requests.map((r) => [r.method, r.body])).toEqual([
      ["PATCH", { api_version: POLAR_DEFAULT_API_VERSION }],
    ]);
    expect(updated.outs).toMatchObject({ apiVersion: "2026-04", apiVersionDeclared: false });
  });

  it("leaves an adopted endpoint's own version alone", async () => {
    useToken(polar.organizationToken);
    const existing = polar.insertEndpoint({
      url: "https://example.com/hook",
      events: ["order.paid"],
      apiVersion: "2026-10",
    });
    const adopted = await webhookEndpointProvider.create(inputs({ adoptId: existing.id }));
    expect(adopted.outs).toMatchObject({ apiVersion: "2026-10", apiVersionDeclared: false });
    const diff = await webhookEndpointProvider.diff(
      adopted.id,
      adopted.outs!,
      inputs({ adoptId: existing.id }),
    );
    expect(diff.changes).toBe(false);
  });
});
