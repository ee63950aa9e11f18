// Ownership through the owner marker in the endpoint's name (providers/polar/owner.ts), with the
// provider called directly as a fresh provider host of a later run would call it: nothing carried
// over in the process. The engine suite (test/engine/interrupted-operations.test.ts) kills real
// runs; this file covers the rules case by case.
import { describe, expect, it } from "vitest";
import { webhookEndpointProvider, type WebhookEndpointInputs } from "../../providers/polar";
import { markedName, ownerOf } from "../../providers/polar/owner";
import { callsTo, endpointInputs, useToken, usePolarEmulator } from "./support";

const polar = usePolarEmulator();

const owner = (stack: string, name: string) =>
  ownerOf({ organization: "organization", project: "polar-webhooks", stack, name });
const ORDERS = owner("prod", "orders");
const URL = "https://example.com/hook";

function inputs(overrides: Partial<WebhookEndpointInputs> = {}): WebhookEndpointInputs {
  useToken(polar);
  return endpointInputs({ url: URL, name: "Orders", owner: ORDERS, ...overrides });
}

const calls = () => callsTo(polar);

/** What a create killed after Polar committed its POST leaves: an endpoint marked `creating`. */
function leftByKilledCreate(ownerValue = ORDERS, url = URL) {
  return polar.insertEndpoint({ url, name: markedName("Orders", ownerValue, "creating") });
}

async function failure(operation: Promise<unknown>): Promise<string> {
  try {
    await operation;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a failure");
}

describe("create", () => {
  it("posts the endpoint marked `creating`, then marks it complete; outputs show the declared name", async () => {
    const result = await webhookEndpointProvider.create(inputs());
    expect(calls()).toEqual([
      "GET /v1/webhooks/endpoints 200",
      "POST /v1/webhooks/endpoints 201",
      "PATCH /v1/webhooks/endpoints/{id} 200",
    ]);
    expect(polar.requests[1].body).toMatchObject({ name: `Orders [pulumi ${ORDERS} creating]` });
    expect(polar.requests[2].body).toEqual({ name: `Orders [pulumi ${ORDERS}]` });
    expect(polar.getEndpoint(result.id)?.name).toBe(`Orders [pulumi ${ORDERS}]`);
    expect(result.outs).toMatchObject({ name: "Orders", owner: ORDERS, markedOwner: ORDERS });
  });

  it("takes over what a killed create of this resource left, with its secret, creating nothing", async () => {
    // Two killed runs: the newest endpoint is kept, the older one removed.
    const older = leftByKilledCreate();
    const left = leftByKilledCreate();
    const result = await webhookEndpointProvider.create(inputs({ events: ["order.refunded"] }));
    expect(result.id).toBe(left.id);
    expect(result.outs?.secret).toBe(left.secret);
    expect(polar.endpoints().map((e) => [e.id, e.name, e.events])).toEqual([
      [left.id, `Orders [pulumi ${ORDERS}]`, ["order.refunded"]],
    ]);
    expect(polar.getEndpoint(older.id)).toBeUndefined();
    expect(calls()).not.toContain("POST /v1/webhooks/endpoints 201");
  });

  it("never takes over another stack's or another resource's endpoint, nor one without a marker", async () => {
    const others = [
      leftByKilledCreate(owner("dev", "orders")),
      leftByKilledCreate(owner("prod", "refunds")),
      polar.insertEndpoint({ url: URL, name: "Orders" }),
      polar.insertEndpoint({
        url: URL,
        name: markedName("Orders", owner("dev", "orders"), "owned"),
      }),
    ];
    const result = await webhookEndpointProvider.create(inputs());
    expect(others.map((e) => e.id)).not.toContain(result.id);
    expect(others.map((e) => polar.getEndpoint(e.id)?.name)).toEqual(others.map((e) => e.name));
    expect(polar.endpoints()).toHaveLength(5);
  });

  it("creates nothing when a complete endpoint for this URL names this resource, and says how to take it over", async () => {
    const complete = polar.insertEndpoint({
      url: URL,
      name: markedName("Orders", ORDERS, "owned"),
    });
    const message = await failure(webhookEndpointProvider.create(inputs()));
    expect(message).toBe(
      `Polar already has webhook endpoint ${complete.id} for https://example.com/hook, named as managed by polar-webhooks/prod/orders, which this stack's state does not hold; nothing was created. If it is this resource's (an \`up\` killed just after Polar finished it), take it over: set \`adoptId: "${complete.id}"\` on the resource and run \`pulumi up\` again (its secret is kept). If it is not (a stack of the same name in another backend), delete it in the Polar dashboard (Settings → Webhooks) or rename this resource, then run \`pulumi up\` again.`,
    );
    expect(calls()).toEqual(["GET /v1/webhooks/endpoints 200"]);

    const adopted = await webhookEndpointProvider.create(inputs({ adoptId: complete.id }));
    expect([adopted.id, adopted.outs?.secret]).toEqual([complete.id, complete.secret]);
  });
});

describe("adopt", () => {
  it("refuses an endpoint another stack manages, naming it and how to release it", async () => {
    const theirs = polar.insertEndpoint({
      url: URL,
      name: markedName(undefined, owner("staging", "orders"), "owned"),
    });
    const message = await failure(webhookEndpointProvider.create(inputs({ adoptId: theirs.id })));
    expect(message).toContain(
      `adoptId ${theirs.id}: the endpoint is managed by stack polar-webhooks/staging (resource polar-webhooks/staging/orders), as its name in Polar says; a stack never takes over another stack's endpoint.`,
    );
    expect(polar.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("takes an endpoint of this stack (a rename), one without a marker, or one a killed create left", async () => {
    const candidates = [
      polar.insertEndpoint({ url: URL, name: markedName("x", owner("prod", "old-name"), "owned") }),
      polar.insertEndpoint({ url: URL, name: "made in the dashboard" }),
      leftByKilledCreate(owner("staging", "orders")),
    ];
    for (const candidate of candidates) {
      const adopted = await webhookEndpointProvider.create(inputs({ adoptId: candidate.id }));
      expect(adopted.id).toBe(candidate.id);
      expect(polar.getEndpoint(candidate.id)?.name).toBe(`Orders [pulumi ${ORDERS}]`);
    }
  });
});

describe("read", () => {
  it("reports the declared name, keeps this resource's owner, and shows whom Polar's name names", async () => {
    const created = await webhookEndpointProvider.create(inputs());
    const other = owner("prod", "orders-v2");
    polar.updateEndpointOutOfBand(created.id, { name: markedName("Orders", other, "owned") });
    const read = await webhookEndpointProvider.read(created.id, created.outs);
    expect(read.props).toMatchObject({ name: "Orders", owner: ORDERS, markedOwner: other });
  });
});
