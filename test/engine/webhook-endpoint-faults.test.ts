// `pulumi up` against a misbehaving Polar: rate limits, gateway errors, dropped connections, and a
// create whose answer is lost after Polar committed it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseName, WebhookEndpoint } from "../../providers/polar";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { startFaultProxy, type FaultProxy, type FaultRule } from "../support/fault-proxy";
import { createEngineStack, outputCollector, type EngineStack } from "./harness";

describe("WebhookEndpoint under faults", () => {
  let polar: PolarEmulator;
  // Passes everything through, except what a test scripts: faults the emulator has no switch for.
  let proxy: FaultProxy;
  let script: ((key: string) => FaultRule | undefined) | undefined;
  let engine: EngineStack;
  const log = outputCollector();
  let names: string[] = [];
  let enabled = true;

  beforeAll(async () => {
    polar = await startPolarEmulator();
    proxy = await startFaultProxy({
      target: polar.url,
      seed: 0,
      rate: 0,
      faults: [],
      script: (key) => script?.(key),
    });
    engine = await createEngineStack({
      projectName: "polar-endpoint-faults",
      program: async () => {
        const ids: Record<string, unknown> = {};
        for (const name of names) {
          ids[name] = new WebhookEndpoint(name, {
            url: `https://example.com/${name}`,
            events: ["order.paid"],
            name,
            enabled,
          }).id;
        }
        return ids;
      },
      config: {
        "polar:accessToken": { value: polar.organizationToken, secret: true },
        "polar:apiUrl": { value: proxy.url },
      },
    });
  });
  afterEach(async () => {
    enabled = true;
    script = undefined;
    polar.faults.clear();
    await engine.stack.destroy({ onOutput: log.onOutput });
    expect(polar.endpoints()).toEqual([]);
    polar.resetRequests();
  });
  afterAll(async () => {
    await engine?.dispose();
    await proxy?.close();
    await polar?.close();
  });

  it("converges under 429 bursts, 5xx and dropped connections", async () => {
    names = ["a", "b", "c"];
    polar.faults.set({
      rateLimit: { count: 4, retryAfterSeconds: 1 },
      serverError: { count: 3, status: 503, method: "GET" },
      dropConnection: { count: 2, method: "GET", mode: "reset" },
    });
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ create: 4 });
    expect(
      polar
        .endpoints()
        .map((e) => parseName(e.name).declared)
        .sort(),
    ).toEqual(["a", "b", "c"]);
    const statuses = polar.requests.map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    expect(statuses.filter((s) => s === 503)).toHaveLength(3);
    expect(statuses.filter((s) => s === null)).toHaveLength(2);
    const outputs = await engine.stack.outputs();
    expect(
      Object.values(outputs)
        .map((o) => o.value)
        .sort(),
    ).toEqual(
      polar
        .endpoints()
        .map((e) => e.id)
        .sort(),
    );
  });

  it("leaves no duplicate when Polar commits a create but the answer is lost", async () => {
    names = ["solo"];
    polar.faults.set({ commitThenDrop: { count: 1, method: "POST", mode: "reset" } });
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ create: 2 });
    expect(polar.endpoints()).toHaveLength(1);
    expect((await engine.stack.outputs()).solo.value).toBe(polar.endpoints()[0].id);
    // One POST committed without an answer, then the provider found it instead of posting again.
    expect(polar.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("posts again when a create failed before Polar committed it", async () => {
    names = ["retry"];
    polar.faults.set({ serverError: { count: 1, status: 502, method: "POST" } });
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ create: 2 });
    expect(polar.endpoints()).toHaveLength(1);
    expect(polar.requests.filter((r) => r.method === "POST").map((r) => r.status)).toEqual([
      502, 201,
    ]);
  });

  it("leaves nothing behind when disabling a new endpoint fails, and the next up makes one", async () => {
    names = ["quiet"];
    enabled = false;
    // A refusal no retry fixes (5xx and lost answers on a PATCH are retried), once.
    let refusals = 1;
    script = (key) =>
      key.startsWith("PATCH") && refusals-- > 0
        ? {
            name: "422",
            weight: 1,
            action: {
              kind: "respond",
              status: 422,
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ error: "PolarRequestValidationError", detail: [] }),
            },
          }
        : undefined;
    await expect(engine.stack.up({ onOutput: log.onOutput })).rejects.toThrow(
      /PATCH \/v1\/webhooks\/endpoints\/[0-9a-f-]+ failed: 422/,
    );
    // The endpoint created before the failed PATCH was deleted again.
    expect(polar.endpoints()).toEqual([]);
    expect(polar.requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      "GET /v1/webhooks/endpoints 200",
      "POST /v1/webhooks/endpoints 201",
      "DELETE /v1/webhooks/endpoints/{id} 204",
    ]);
    expect(proxy.log.filter((e) => e.fault !== undefined).map((e) => e.key.split(" ")[0])).toEqual([
      "PATCH",
    ]);

    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ create: 1, same: 1 });
    expect(polar.endpoints().map((e) => [parseName(e.name).declared, e.enabled])).toEqual([
      ["quiet", false],
    ]);
  });
});
