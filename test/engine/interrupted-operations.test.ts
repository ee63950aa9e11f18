// Kill at every step: `pulumi up` (and `destroy`) SIGKILLed, with its provider host, right after
// Polar committed a write and before its answer arrived (the emulator holds it back), then
// `pulumi cancel` and the same operation again, as a user does after a cancelled CI job. After
// each case every resource has exactly one endpoint in Polar, the state's secret is the one Polar
// signs with, and the final destroy leaves Polar empty. One stack and one emulator for all cases,
// in order: create, a create killed in its last instant, update, rotation, adoption, rename +
// adopt, delete, destroy.
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { reveal, type StateResource } from "../../cli/state";
import { WebhookEndpoint, type WebhookEndpointArgs } from "../../providers/polar";
import { ownerKey, parseName } from "../../providers/polar/owner";
import { runOperation } from "../../scripts/operations";
import { startPolarEmulator, type FaultScope, type PolarEmulator } from "../emulators/polar";
import { createEngineStack, killPulumiCli, outputCollector, type EngineStack } from "./harness";

const ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";
const STACK = "interrupted";
const ENDPOINTS = "/v1/webhooks/endpoints";
const ONE_ENDPOINT = "/v1/webhooks/endpoints/{id}";
const SECRET = "/v1/webhooks/endpoints/{id}/secret";

interface Declared {
  readonly args: WebhookEndpointArgs;
  readonly opts?: pulumi.CustomResourceOptions;
}

let polar: PolarEmulator;
let engine: EngineStack;
const log = outputCollector();
/** The program: one WebhookEndpoint per entry, changed by each case before it runs. */
let declared: Record<string, Declared> = {};

beforeAll(async () => {
  polar = await startPolarEmulator();
  engine = await createEngineStack({
    projectName: "polar-interrupted",
    stackName: STACK,
    program: async () => {
      const ids: Record<string, pulumi.Output<string>> = {};
      for (const [name, { args, opts }] of Object.entries(declared)) {
        ids[name] = new WebhookEndpoint(name, args, opts).id;
      }
      return ids;
    },
    config: {
      "polar:accessToken": { value: polar.organizationToken, secret: true },
      "polar:apiUrl": { value: polar.url },
    },
  });
});
afterAll(async () => {
  await engine?.dispose();
  await polar?.close();
});

/** `npm run up` (refresh first) or `npm run stack -- destroy`, as a user runs them again. */
function operate(operation: "up" | "destroy"): Promise<number> {
  return runOperation(engine.stack, operation, { onOutput: log.onOutput, print: () => undefined });
}

/**
 * Runs `operation` until Polar commits the write `write` names, kills the CLI there, and clears
 * the lock with `pulumi cancel`. Resolves to what the killed run left.
 */
async function killedAfter(operation: "up" | "destroy", write: FaultScope): Promise<void> {
  polar.faults.set({ commitThenHold: { count: 1, ...write } });
  const run = operate(operation).then(
    () => new Error(`${operation} finished although it should have been killed`),
    () => undefined,
  );
  await vi.waitFor(
    () => expect(polar.requests.some((r) => r.fault === "commitThenHold")).toBe(true),
    { timeout: 60_000, interval: 50 },
  );
  killPulumiCli(STACK);
  expect(await run).toBeUndefined();
  polar.faults.clear("commitThenHold");
  polar.resetRequests();
  await engine.cli(["cancel", "--yes"]);
}

async function endpointsInState(): Promise<StateResource[]> {
  const state = await engine.stack.exportStack();
  const resources = (state.deployment.resources ?? []) as StateResource[];
  return resources
    .filter((r) => r.type === ENDPOINT_TYPE)
    .map((r) => ({ ...r, outputs: reveal(r.outputs) as Record<string, unknown> }));
}

/**
 * Every declared resource has exactly one endpoint in Polar, named as its own, and the state's
 * secret is the one Polar signs with; Polar holds nothing else (but `others`).
 */
async function expectOneEndpointPerResource(others: readonly string[] = []): Promise<void> {
  const inState = await endpointsInState();
  expect(inState.map((r) => r.urn.split("::").pop()).sort()).toEqual(Object.keys(declared).sort());
  const live = polar.endpoints().filter((e) => !others.includes(e.id));
  expect(live.map((e) => e.id).sort()).toEqual(inState.map((r) => r.id).sort());
  for (const resource of inState) {
    const endpoint = polar.getEndpoint(resource.id!)!;
    expect(resource.outputs?.secret).toBe(endpoint.secret);
    const { marker } = parseName(endpoint.name);
    expect(marker).toMatchObject({
      creating: false,
      key: ownerKey(String(resource.outputs?.owner)),
    });
  }
}

const orders: Declared = {
  args: { url: "https://example.com/polar/orders", events: ["order.paid"], name: "Orders" },
};
const refunds: Declared = {
  args: { url: "https://example.com/polar/refunds", events: ["order.refunded"] },
};
const alertsUrl = "https://example.com/polar/alerts";

async function idOf(name: string): Promise<string> {
  const resource = (await endpointsInState()).find((r) => r.urn.endsWith(`::${name}`));
  return resource!.id!;
}

const writes = () => polar.requests.filter((r) => r.method !== "GET");

describe("an operation killed right after Polar committed a write", () => {
  it("create: the next up takes over the endpoint the killed one made, with its secret", async () => {
    declared = { orders };
    await killedAfter("up", { method: "POST", path: ENDPOINTS });
    const [left] = polar.endpoints();
    expect(parseName(left.name).marker?.creating).toBe(true);

    expect(await operate("up")).toBe(0);

    expect(writes().map((r) => `${r.method} ${r.route}`)).toEqual([`PATCH ${ONE_ENDPOINT}`]);
    expect(polar.endpoints().map((e) => [e.id, e.secret])).toEqual([[left.id, left.secret]]);
    await expectOneEndpointPerResource();
  });

  it("create, killed after the PATCH that completes it: the next up creates nothing and names the endpoint; adopting it as told converges", async () => {
    declared = { orders, refunds };
    await killedAfter("up", { method: "PATCH", path: ONE_ENDPOINT });
    const left = polar.endpoints().find((e) => e.url === "https://example.com/polar/refunds")!;
    expect(parseName(left.name).marker?.creating).toBe(false);

    const failure = await operate("up").then(
      () => "",
      (error: Error) => error.message,
    );

    expect(failure).toContain(
      `Polar already has webhook endpoint ${left.id} for https://example.com/polar/refunds, named as managed by polar-interrupted/interrupted/refunds, which this stack's state does not hold; nothing was created.`,
    );
    expect(failure).toContain(`set \`adoptId: "${left.id}"\` on the resource`);
    expect(writes()).toEqual([]);
    declared = { orders, refunds: { args: { ...refunds.args, adoptId: left.id } } };
    expect(await operate("up")).toBe(0);
    expect(await idOf("refunds")).toBe(left.id);
    await expectOneEndpointPerResource();
  });

  it("update: the next up makes the same change again", async () => {
    const events = ["order.paid", "order.refunded"] as const;
    declared = { ...declared, orders: { args: { ...orders.args, events: [...events] } } };
    await killedAfter("up", { method: "PATCH", path: ONE_ENDPOINT });

    expect(await operate("up")).toBe(0);

    expect(polar.getEndpoint(await idOf("orders"))?.events).toEqual(events);
    await expectOneEndpointPerResource();
  });

  it("secret rotation: the next up records the reset that happened, and the state holds what Polar signs with", async () => {
    const id = await idOf("orders");
    const before = polar.getEndpoint(id)!.secret;
    declared = { ...declared, orders: { args: { ...declared.orders.args, secretRotation: "1" } } };
    await killedAfter("up", { method: "PATCH", path: SECRET });
    const rotated = polar.getEndpoint(id)!.secret;
    expect(rotated).not.toBe(before);

    expect(await operate("up")).toBe(0);

    // `npm run up` refreshes first: the refresh records the killed run's reset as a rotation made
    // outside Pulumi (previousSecret = the old secret), and the new secretRotation then resets
    // once more, keeping the secret Polar signed with until then as previousSecret.
    expect(writes().map((r) => r.route)).toEqual([SECRET]);
    const now = polar.getEndpoint(id)!.secret;
    const [state] = (await endpointsInState()).filter((r) => r.id === id);
    expect([state.outputs?.secret, state.outputs?.previousSecret]).toEqual([now, rotated]);
    await expectOneEndpointPerResource();
  });

  it("adoption: the next up adopts the same endpoint again, keeping its secret", async () => {
    const dashboard = polar.insertEndpoint({ url: alertsUrl, name: "made in the dashboard" });
    declared = {
      ...declared,
      alerts: { args: { url: alertsUrl, events: ["order.paid"], adoptId: dashboard.id } },
    };
    await killedAfter("up", { method: "PATCH", path: ONE_ENDPOINT });

    expect(await operate("up")).toBe(0);

    expect(await idOf("alerts")).toBe(dashboard.id);
    expect(polar.getEndpoint(dashboard.id)?.secret).toBe(dashboard.secret);
    await expectOneEndpointPerResource();
  });

  it("rename with adoptId: the next up never deletes the endpoint the renamed resource now manages", async () => {
    const id = await idOf("orders");
    const secret = polar.getEndpoint(id)!.secret;
    const { orders: renamed, ...rest } = declared;
    declared = { ...rest, "orders-v2": { args: { ...renamed.args, adoptId: id } } };
    await killedAfter("up", { method: "PATCH", path: ONE_ENDPOINT });

    expect(await operate("up")).toBe(0);

    expect(writes().filter((r) => r.method === "DELETE")).toEqual([]);
    expect(await idOf("orders-v2")).toBe(id);
    expect(polar.getEndpoint(id)?.secret).toBe(secret);
    await expectOneEndpointPerResource();
  });

  it("delete: the next up finds the endpoint gone and drops the resource", async () => {
    const id = await idOf("alerts");
    const { alerts: _removed, ...rest } = declared;
    declared = rest;
    await killedAfter("up", { method: "DELETE" });
    expect(polar.getEndpoint(id)).toBeUndefined();

    expect(await operate("up")).toBe(0);

    await expectOneEndpointPerResource();
  });

  it("destroy: the next destroy finishes, and Polar is left empty", async () => {
    await killedAfter("destroy", { method: "DELETE" });

    expect(await operate("destroy")).toBe(0);

    declared = {};
    expect(await endpointsInState()).toEqual([]);
    expect(polar.endpoints()).toEqual([]);
  });
});
