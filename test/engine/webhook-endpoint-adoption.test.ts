// Renaming a resource must never delete its endpoint: with `aliases` (the right way) even when its
// own id is copied into adoptId, and with adoptId alone (the resource is replaced by a new one that
// adopts the endpoint, and the old one's delete must leave it alone).
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookEndpoint } from "../../providers/polar";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { createEngineStack, outputCollector, type EngineStack } from "./harness";

const ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";

describe("WebhookEndpoint renamed or adopted by the stack that manages it", () => {
  let polar: PolarEmulator;
  let engine: EngineStack;
  const log = outputCollector();
  let declared: { name: string; adoptId?: string; opts?: pulumi.CustomResourceOptions };
  let original: { id: string; secret: string };

  beforeAll(async () => {
    polar = await startPolarEmulator();
    declared = { name: "orders" };
    engine = await createEngineStack({
      projectName: "polar-endpoint-adoption",
      program: async () => {
        const endpoint = new WebhookEndpoint(
          declared.name,
          {
            url: "https://example.com/polar/orders",
            events: ["order.paid"],
            ...(declared.adoptId ? { adoptId: declared.adoptId } : {}),
          },
          declared.opts,
        );
        return { id: endpoint.id, secret: endpoint.secret };
      },
      config: {
        "polar:accessToken": { value: polar.organizationToken, secret: true },
        "polar:apiUrl": { value: polar.url },
      },
    });
    await engine.stack.up({ onOutput: log.onOutput });
    const [endpoint] = polar.endpoints();
    original = { id: endpoint.id, secret: endpoint.secret };
  });
  afterAll(async () => {
    await engine?.dispose();
    await polar?.close();
  });

  /** The endpoint still exists with its secret, and state holds exactly one resource for it. */
  async function expectEndpointKept(name: string): Promise<void> {
    expect(polar.endpoints().map((e) => [e.id, e.secret])).toEqual([
      [original.id, original.secret],
    ]);
    const state = await engine.stack.exportStack();
    const resources = (state.deployment.resources ?? []).filter(
      (r: { type: string }) => r.type === ENDPOINT_TYPE,
    );
    expect(
      resources.map((r: { id: string; urn: string }) => [r.id, r.urn.split("::").pop()]),
    ).toEqual([[original.id, name]]);
    const outputs = await engine.stack.outputs();
    expect(outputs.secret.value).toBe(original.secret);
  }

  it("a rename with aliases that also names its own endpoint in adoptId replaces nothing: the name in Polar follows", async () => {
    declared = {
      name: "orders-v2",
      adoptId: original.id,
      opts: { aliases: [{ name: "orders" }] },
    };
    polar.resetRequests();
    const preview = await engine.stack.preview({ onOutput: log.onOutput });
    expect(preview.changeSummary).toEqual({ update: 1, same: 1 });
    expect(polar.requests).toEqual([]);

    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ update: 1, same: 1 });
    // One call: the endpoint's name in Polar now names the resource by its new name.
    expect(polar.requests.map((r) => [r.method, r.body])).toEqual([
      [
        "PATCH",
        {
          name: expect.stringMatching(
            /^\[pulumi polar-endpoint-adoption\/test\/orders-v2 [0-9a-f]{12}\]$/,
          ),
        },
      ],
    ]);
    await expectEndpointKept("orders-v2");
  });

  it("a rename without aliases that adopts the endpoint leaves it to the new resource", async () => {
    declared = { name: "orders-v3", adoptId: original.id };
    polar.resetRequests();
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ create: 1, delete: 1, same: 1 });
    expect(polar.requests.filter((r) => r.method === "DELETE")).toEqual([]);
    await expectEndpointKept("orders-v3");
  });

  it("the adopting resource then owns it: destroy deletes it", async () => {
    const result = await engine.stack.destroy({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ delete: 2 });
    expect(polar.endpoints()).toEqual([]);
  });
});
