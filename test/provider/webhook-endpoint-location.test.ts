// The provider's location rules called directly, against two emulators (two Polar servers): what
// the engine tests do not reach cheaply (config instead of env, wrong previous tokens, 401s,
// state written before locations were recorded).
import { beforeEach, describe, expect, it } from "vitest";
import {
  tokenFingerprint,
  webhookEndpointProvider,
  type WebhookEndpointInputs,
  type WebhookEndpointOutputs,
} from "../../providers/polar";
import type { PolarEmulator } from "../emulators/polar";
import { usePolarEmulators } from "./support";

const emulators = usePolarEmulators(2);
let a: PolarEmulator;
let b: PolarEmulator;
beforeEach(() => {
  [a, b] = emulators() as [PolarEmulator, PolarEmulator];
});

function use(polar: PolarEmulator, token: string, previous?: string): void {
  process.env.POLAR_API_URL = polar.url;
  process.env.POLAR_ACCESS_TOKEN = token;
  if (previous === undefined) delete process.env.POLAR_PREVIOUS_ACCESS_TOKEN;
  else process.env.POLAR_PREVIOUS_ACCESS_TOKEN = previous;
}

async function checked(
  overrides: Partial<WebhookEndpointInputs> = {},
): Promise<WebhookEndpointInputs> {
  const raw = { url: "https://example.com/hook", events: ["order.paid"], ...overrides };
  const result = await webhookEndpointProvider.check(raw as WebhookEndpointInputs, raw as never);
  expect(result.failures).toEqual([]);
  return result.inputs as WebhookEndpointInputs;
}

async function createOn(
  polar: PolarEmulator,
): Promise<{ id: string; outs: WebhookEndpointOutputs }> {
  use(polar, polar.organizationToken);
  const created = await webhookEndpointProvider.create(await checked());
  polar.resetRequests();
  return { id: created.id, outs: created.outs! };
}

const calls = (polar: PolarEmulator) => polar.requests.map((r) => `${r.method} ${r.status}`);

async function failure(operation: Promise<unknown>): Promise<string> {
  try {
    await operation;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a failure");
}

describe("check records the location", () => {
  it("adds the API URL and the token's fingerprint, never the token", async () => {
    use(a, a.organizationToken);
    const inputs = await checked();
    expect(inputs).toMatchObject({
      polarApiUrl: a.url,
      tokenFingerprint: tokenFingerprint(a.organizationToken),
    });
    expect(JSON.stringify(inputs)).not.toContain(a.organizationToken);
  });

  it("refuses a program that sets them", async () => {
    use(a, a.organizationToken);
    const raw = { url: "https://example.com/hook", events: [], polarApiUrl: b.url };
    const result = await webhookEndpointProvider.check(raw as never, raw as never);
    expect(result.failures?.map((f) => f.property)).toEqual(["polarApiUrl"]);
  });
});

describe("delete and read go where the endpoint lives", () => {
  it("fails without sending the current token to the old server, then deletes with polar:previousAccessToken", async () => {
    const { id, outs } = await createOn(a);
    use(b, b.organizationToken);
    const message = await failure(webhookEndpointProvider.delete(id, outs));
    expect(message).toContain(`Cannot delete Polar webhook endpoint ${id}: it lives at ${a.url}`);
    expect([...a.requests, ...b.requests]).toEqual([]);
    expect(a.getEndpoint(id)).toBeDefined();

    await webhookEndpointProvider.configure({
      config: {
        get: (key: string) =>
          ({
            "polar:accessToken": b.organizationToken,
            "polar:apiUrl": b.url,
            "polar:previousAccessToken": a.organizationToken,
          })[key],
        require: (key: string) => key,
      },
    });
    await webhookEndpointProvider.delete(id, outs);
    expect(a.getEndpoint(id)).toBeUndefined();
    expect(calls(a)).toEqual(["DELETE 204"]);
    expect(b.requests).toEqual([]);
  });

  it("does not take a previous token of another organization's 404 for 'already gone'", async () => {
    const { id, outs } = await createOn(a);
    const otherOrganization = a.createToken({
      kind: "organization",
      organizationId: a.otherOrganizationId,
    });
    use(b, b.organizationToken, otherOrganization);
    const message = await failure(webhookEndpointProvider.delete(id, outs));
    expect(message).toContain(
      `the previous access token gets 404 and sees no endpoint of organization ${a.organizationId}`,
    );
    expect(a.getEndpoint(id)).toBeDefined();
    expect(calls(a)).toEqual(["DELETE 404", "GET 200"]);
  });

  it("names a previous token that the old server refuses", async () => {
    const { id, outs } = await createOn(a);
    use(b, b.organizationToken, b.organizationToken.replace("polar_oat_", "polar_oat_x"));
    const message = await failure(webhookEndpointProvider.delete(id, outs));
    expect(message).toContain(`${a.url} refuses the previous access token (401 invalid_token)`);
    expect(a.getEndpoint(id)).toBeDefined();
  });

  it("refresh drops an endpoint deleted in Polar only when a token of its organization says so", async () => {
    const { id, outs } = await createOn(a);
    a.deleteEndpointOutOfBand(id);
    const otherOrganization = a.createToken({
      kind: "organization",
      organizationId: a.otherOrganizationId,
    });
    use(a, otherOrganization);
    expect(await failure(webhookEndpointProvider.read(id, outs))).toContain(
      `Cannot read Polar webhook endpoint ${id}`,
    );
    // A rotated token of the same organization: its list shows the organization's endpoints.
    a.insertEndpoint({ url: "https://example.com/other" });
    use(a, a.createToken({ kind: "organization" }));
    expect(await webhookEndpointProvider.read(id, outs)).toEqual({ id: "" });
  });
});

describe("diff when the token changed", () => {
  it("updates for a token of the same organization, replaces for another, fails for a refused one", async () => {
    const { id, outs } = await createOn(a);
    use(a, a.createToken({ kind: "organization" }));
    expect(await webhookEndpointProvider.diff(id, outs, await checked())).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(calls(a)).toEqual(["GET 200"]);

    use(a, a.createToken({ kind: "organization", organizationId: a.otherOrganizationId }));
    expect(await webhookEndpointProvider.diff(id, outs, await checked())).toMatchObject({
      changes: true,
      replaces: ["tokenFingerprint"],
    });

    const revoked = a.createToken({ kind: "organization" });
    a.revokeToken(revoked);
    use(a, revoked);
    expect(await failure(webhookEndpointProvider.diff(id, outs, await checked()))).toContain(
      `The Polar access token changed since webhook endpoint ${id} was deployed, and ${a.url} does not accept the new one`,
    );
  });

  it("records a rotated token without any call to Polar in update", async () => {
    const { id, outs } = await createOn(a);
    use(a, a.createToken({ kind: "organization" }));
    const news = await checked();
    const updated = await webhookEndpointProvider.update(id, outs, news);
    expect(a.requests).toEqual([]);
    expect(updated.outs).toMatchObject({
      secret: outs.secret,
      tokenFingerprint: news.tokenFingerprint,
      polarApiUrl: a.url,
    });
  });
});

describe("state written before locations were recorded", () => {
  it("gets its location recorded by an update that first checks the current settings see it", async () => {
    const { id, outs } = await createOn(a);
    const legacy = { ...outs };
    delete legacy.polarApiUrl;
    delete legacy.tokenFingerprint;
    delete legacy.apiVersionDeclared;

    // Settings changed in the same step as the upgrade: no replacement, and the update refuses
    // to record the wrong server.
    use(b, b.organizationToken);
    const moved = await checked();
    expect(await webhookEndpointProvider.diff(id, legacy, moved)).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await failure(webhookEndpointProvider.update(id, legacy, moved))).toContain(
      `Polar webhook endpoint ${id} was deployed by an earlier version of this provider, which did not record where endpoints live, and the current settings cannot see it at ${b.url} (404)`,
    );

    use(a, a.organizationToken);
    const updated = await webhookEndpointProvider.update(id, legacy, await checked());
    expect(calls(a)).toEqual(["GET 200"]);
    expect(updated.outs).toMatchObject({
      secret: outs.secret,
      polarApiUrl: a.url,
      tokenFingerprint: tokenFingerprint(a.organizationToken),
    });
  });
});

describe("an endpoint adopted by another resource (a rename with adoptId)", () => {
  const owner = (name: string) => `polar-webhooks/dev/${name} ${name.padEnd(12, "0")}`;

  it("is only dropped from state by the old resource's delete, in a later process as well", async () => {
    use(a, a.organizationToken);
    const old = await webhookEndpointProvider.create(await checked({ owner: owner("abc") }));
    const { id } = old;
    await webhookEndpointProvider.create(await checked({ adoptId: id, owner: owner("def") }));
    expect(a.getEndpoint(id)?.name).toBe(`[pulumi ${owner("def")}]`);
    // What a later run's provider host starts with: nothing remembered from the adoption.
    delete (globalThis as Record<string, unknown>).__polarWebhooksAdoptedEndpoints;
    a.resetRequests();

    await webhookEndpointProvider.delete(id, old.outs!);

    expect(calls(a)).toEqual(["GET 200"]);
    expect(a.getEndpoint(id)?.secret).toBe(old.outs!.secret);
  });

  it("is deleted by its own resource", async () => {
    use(a, a.organizationToken);
    const created = await webhookEndpointProvider.create(await checked({ owner: owner("abc") }));
    a.resetRequests();
    await webhookEndpointProvider.delete(created.id, created.outs!);
    expect(calls(a)).toEqual(["GET 200", "DELETE 204"]);
    expect(a.getEndpoint(created.id)).toBeUndefined();
  });
});
