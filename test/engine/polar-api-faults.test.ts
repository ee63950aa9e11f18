// `pulumi up` and `pulumi destroy` of 10 webhook endpoints through the real engine while a seeded
// fault proxy in front of the Polar emulator fails 20 % of the provider's API calls: 429 with
// Retry-After, 5xx, connection resets, and calls Polar carried out whose answer was then lost
// (commit-then-drop). Each operation must succeed in one run, with exactly one endpoint per
// resource, and destroy must leave none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseName, WebhookEndpoint } from "../../providers/polar";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { startFaultProxy, type FaultProxy, type FaultRule } from "../support/fault-proxy";
import { createEngineStack, outputCollector, type EngineStack } from "./harness";

/**
 * Chosen so that the requests whose fate the seed fixes up front include commit-then-drop on a
 * create (POST), on a disable (PATCH) and on deletes, besides 429s and 5xx on creates.
 */
const SEED = "polar-api-faults/74";
const FAULT_RATE = 0.2;
const NAMES = Array.from({ length: 10 }, (_, i) => `ep-${i}`);
/** Every third endpoint is declared disabled: its create is a POST then a PATCH. */
const enabledOf = (i: number) => i % 3 !== 0;

const text = { "content-type": "text/plain; charset=utf-8" };
const POLAR_FAULTS: FaultRule[] = [
  {
    // Polar's rate limiter: empty body, retry-after in seconds.
    name: "429 Retry-After",
    weight: 2,
    action: { kind: "respond", status: 429, headers: { "retry-after": "1" }, body: "" },
  },
  {
    name: "5xx (500)",
    weight: 1,
    action: { kind: "respond", status: 500, headers: text, body: "Internal Server Error" },
  },
  {
    name: "5xx (502)",
    weight: 1,
    action: { kind: "respond", status: 502, headers: text, body: "Bad Gateway" },
  },
  {
    name: "5xx (503)",
    weight: 1,
    action: { kind: "respond", status: 503, headers: text, body: "Service Unavailable" },
  },
  { name: "connection reset", weight: 1, action: { kind: "reset" } },
  { name: "commit then drop", weight: 2, action: { kind: "commitThenDrop" } },
];

type Phase = "up" | "destroy";

describe("WebhookEndpoint × 10 under 20 % Polar API faults (real engine)", () => {
  let polar: PolarEmulator;
  let proxy: FaultProxy;
  let engine: EngineStack;
  const log = outputCollector();
  /** Proxy log length when each phase ended. */
  const marks: Partial<Record<Phase, number>> = {};

  beforeAll(async () => {
    polar = await startPolarEmulator();
    proxy = await startFaultProxy({
      target: polar.url,
      seed: SEED,
      rate: FAULT_RATE,
      faults: POLAR_FAULTS,
      // What a request is: method, route and the endpoint's declared name (never its random id,
      // nor its owner marker), so a request's fate does not depend on the order the engine's
      // parallel steps send them.
      keyOf: (request) => {
        const path = request.url.split("?")[0]!;
        const id = /\/endpoints\/([0-9a-f-]{36})/.exec(path)?.[1];
        const name =
          id !== undefined
            ? parseName(polar.getEndpoint(id, { includeDeleted: true })?.name).declared
            : nameInBody(request.body);
        return `${request.method} ${id !== undefined ? path.replace(id, "{id}") : path} ${name ?? ""}`;
      },
    });
    engine = await createEngineStack({
      projectName: "polar-api-faults",
      program: async () =>
        Object.fromEntries(
          NAMES.map((name, i) => [
            name,
            new WebhookEndpoint(name, {
              url: `https://example.com/hooks/${name}`,
              events: ["order.paid", "subscription.updated"],
              name,
              enabled: enabledOf(i),
            }).id,
          ]),
        ),
      config: {
        "polar:accessToken": { value: polar.organizationToken, secret: true },
        "polar:apiUrl": { value: proxy.url },
      },
    });
  });
  afterAll(async () => {
    const phases = (["up", "destroy"] as const).map((phase) => {
      const entries = proxy.log.slice(phase === "up" ? 0 : (marks.up ?? 0), marks[phase]);
      const faults = entries.filter((e) => e.fault !== undefined);
      return `${phase}: ${entries.length} requests, ${faults.length} faults`;
    });
    console.info(
      `[polar-api-faults ${SEED}] ${phases.join("; ")}; by kind ${JSON.stringify(proxy.stats().injected)}; ` +
        `${retriesAfterFaults(proxy)} requests repeated after a fault`,
    );
    await engine?.dispose();
    await proxy?.close();
    await polar?.close();
  });

  /**
   * One run, and it must succeed: the provider itself retries what these faults break (429 after Retry-After, 5xx,
   * resets, answers lost after the commit). A user whose `up` fails under 20 % faults would have to run it again.
   */
  async function converge(phase: Phase, operation: () => Promise<unknown>): Promise<void> {
    try {
      await operation();
    } finally {
      marks[phase] = proxy.log.length;
    }
  }

  it("up converges: one endpoint per resource, in the declared state, none duplicated", async () => {
    await converge("up", () => engine.stack.up({ onOutput: log.onOutput }));

    const live = polar.endpoints();
    const declared = (e: { name: string | null }) => parseName(e.name).declared;
    expect(live.map(declared).sort()).toEqual([...NAMES].sort());
    for (const [i, name] of NAMES.entries()) {
      expect(live.find((e) => declared(e) === name)).toMatchObject({
        url: `https://example.com/hooks/${name}`,
        enabled: enabledOf(i),
      });
    }
    const outputs = await engine.stack.outputs();
    expect(Object.fromEntries(NAMES.map((name) => [name, outputs[name]?.value]))).toEqual(
      Object.fromEntries(live.map((e) => [declared(e), e.id])),
    );
    // Polar created exactly 10 endpoints: none was made twice, not even one cleaned up later.
    const created = polar.requests.filter((r) => r.method === "POST" && r.status === 201);
    expect(created).toHaveLength(NAMES.length);
    // The faults were really there, commit-then-drop on a create among them.
    const upFaults = proxy.log.filter((e) => e.fault !== undefined);
    expect(upFaults.length).toBeGreaterThan(0);
    expect(upFaults.some((e) => e.fault === "commit then drop" && e.key.startsWith("POST"))).toBe(
      true,
    );
  });

  it("a plain re-run of up has nothing to do and calls Polar not once", async () => {
    const before = proxy.log.length;
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ same: NAMES.length + 1 });
    expect(proxy.log.length).toBe(before);
    marks.up = proxy.log.length;
  });

  it("destroy converges: no endpoint left", async () => {
    await converge("destroy", () => engine.stack.destroy({ onOutput: log.onOutput }));
    expect(polar.endpoints()).toEqual([]);
    expect(await engine.stack.outputs()).toEqual({});
    // A delete committed without an answer was sent again, got 404, and counted as gone.
    const destroyFaults = proxy.log.slice(marks.up).filter((e) => e.fault !== undefined);
    expect(
      destroyFaults.some((e) => e.fault === "commit then drop" && e.key.startsWith("DELETE")),
    ).toBe(true);
    expect(polar.requests.filter((r) => r.method === "DELETE").map((r) => r.status)).toContain(404);
  });

  it("injected every kind of fault: 429, 5xx, reset, commit-then-drop", () => {
    const byKind = new Map<string, number>();
    for (const [name, count] of Object.entries(proxy.stats().injected)) {
      const kind = name.split(" (")[0]!;
      byKind.set(kind, (byKind.get(kind) ?? 0) + count);
    }
    expect([...byKind.keys()]).toEqual([
      "429 Retry-After",
      "5xx",
      "connection reset",
      "commit then drop",
    ]);
    for (const count of byKind.values()) expect(count).toBeGreaterThan(0);
  });
});

function nameInBody(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { name?: unknown };
    return typeof parsed.name === "string"
      ? (parseName(parsed.name).declared ?? undefined)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Requests sent again (same key, next occurrence) after the previous one was faulted. */
function retriesAfterFaults(proxy: FaultProxy): number {
  const faulted = new Set(
    proxy.log.filter((e) => e.fault !== undefined).map((e) => `${e.key}#${e.occurrence}`),
  );
  return proxy.log.filter((e) => faulted.has(`${e.key}#${e.occurrence - 1}`)).length;
}
