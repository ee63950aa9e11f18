/**
 * Provider: the Polar API calls a no-change `preview` and a `refresh` of 10 endpoints make (counted
 * at the Polar emulator), the wall time of `up` for 10 new endpoints vs 1 with 200 ms of emulated
 * API latency, and the serialized provider Pulumi stores with each resource. All through the real
 * engine: Automation API inline programs, the Pulumi CLI, a file backend.
 */
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { WebhookEndpoint } from "../../providers/polar/index";
import { startPolarEmulator, type PolarEmulator } from "../../local/polar-emulator";
import { createBenchStack, type BenchStack as EngineStack } from "../lib/engine";
import { formatBytes, formatCount, formatMs, formatRatio } from "../lib/format";
import { onCleanup, progress } from "../lib/processes";
import { exactRow, measuredRow, type SectionResult } from "../lib/report";
import { ratios, summarize } from "../lib/stats";
import { countIs, ratioAtMost } from "../lib/targets";
import type { SectionOptions } from "../lib/report";

const ENDPOINTS = 10;
const LATENCY_MS = 200;
const ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";

function endpoints(count: number): PulumiFn {
  return async () => {
    for (let i = 0; i < count; i += 1) {
      new WebhookEndpoint(`hook-${i}`, {
        url: `https://hooks.example.com/polar/${i}`,
        events: ["order.paid", "subscription.updated"],
        name: `bench ${i}`,
      });
    }
  };
}

async function stackOf(polar: PolarEmulator, count: number, run: number): Promise<EngineStack> {
  const engine = await createBenchStack(`bench-provider-${count}-${run}`, endpoints(count), {
    "polar:accessToken": { value: polar.organizationToken, secret: true },
    "polar:apiUrl": { value: polar.url },
  });
  onCleanup(() => engine.dispose());
  return engine;
}

/** Polar API requests `operation` made, as the emulator saw them. */
async function callsDuring(polar: PolarEmulator, operation: () => Promise<unknown>) {
  polar.resetRequests();
  await operation();
  return polar.requests.length;
}

/** The `__provider` text of each endpoint in the state: inputs and outputs each hold a copy. */
async function providerCopies(engine: EngineStack): Promise<number[]> {
  const state = await engine.stack.exportStack();
  const resources = (state.deployment.resources ?? []) as Array<{
    type: string;
    inputs?: { __provider?: string };
    outputs?: { __provider?: string };
  }>;
  return resources
    .filter((resource) => resource.type === ENDPOINT_TYPE)
    .flatMap((resource) => [resource.inputs?.__provider, resource.outputs?.__provider])
    .map((text) => (text === undefined ? 0 : Buffer.byteLength(text, "utf8")));
}

async function timedUp(polar: PolarEmulator, count: number, run: number): Promise<number> {
  const engine = await stackOf(polar, count, run);
  polar.faults.set({ latency: { ms: LATENCY_MS } });
  const started = performance.now();
  try {
    await engine.stack.up();
  } finally {
    polar.faults.clear("latency");
  }
  const elapsed = performance.now() - started;
  if (polar.endpoints().length !== count) {
    throw new Error(`up of ${count} endpoints left ${polar.endpoints().length} in Polar`);
  }
  await engine.stack.destroy();
  await engine.dispose();
  return elapsed;
}

export async function run(options: SectionOptions): Promise<SectionResult> {
  const runs = options.quick ? 1 : 3;
  const polar = await startPolarEmulator();
  onCleanup(() => polar.close());
  const previewCalls: number[] = [];
  const refreshCalls: number[] = [];
  const upMs = new Map<number, number[]>([
    [1, []],
    [ENDPOINTS, []],
  ]);
  let copies: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    progress(`provider: run ${i + 1}/${runs}: up ${ENDPOINTS}, preview, refresh, destroy`);
    const engine = await stackOf(polar, ENDPOINTS, i);
    await engine.stack.up();
    previewCalls.push(await callsDuring(polar, () => engine.stack.preview()));
    refreshCalls.push(await callsDuring(polar, () => engine.stack.refresh()));
    copies = await providerCopies(engine);
    await engine.stack.destroy();
    await engine.dispose();
    // Alternating order, so drift on the shared machine hits both sizes alike.
    for (const count of i % 2 === 0 ? [1, ENDPOINTS] : [ENDPOINTS, 1]) {
      progress(`provider: run ${i + 1}/${runs}: up of ${count} with ${LATENCY_MS} ms API latency`);
      upMs.get(count)?.push(await timedUp(polar, count, i));
    }
  }
  const section = "provider";
  const one = upMs.get(1) as number[];
  const ten = upMs.get(ENDPOINTS) as number[];
  const scaling = summarize(ratios(ten, one)).median;
  const perCopy = copies.length > 0 ? Math.max(...copies) : Number.NaN;
  const refreshPerEndpoint = summarize(refreshCalls).median / ENDPOINTS;
  return {
    section,
    rows: [
      measuredRow(
        section,
        `Polar API calls: preview, no change, ${ENDPOINTS} endpoints`,
        previewCalls,
        formatCount,
        {
          verdict: countIs(summarize(previewCalls).median, 0),
        },
      ),
      measuredRow(
        section,
        `Polar API calls: refresh, ${ENDPOINTS} endpoints`,
        refreshCalls,
        formatCount,
        {
          vs: `${refreshPerEndpoint} per endpoint`,
          verdict: countIs(refreshPerEndpoint, 1, "/endpoint"),
        },
      ),
      measuredRow(section, `up, 1 new endpoint (${LATENCY_MS} ms API latency)`, one, formatMs),
      measuredRow(
        section,
        `up, ${ENDPOINTS} new endpoints (${LATENCY_MS} ms API latency)`,
        ten,
        formatMs,
        {
          vs: `${formatRatio(scaling)} the 1-endpoint up`,
          verdict: ratioAtMost(scaling, 1.5, "1 endpoint"),
        },
      ),
      exactRow(section, "serialized provider per resource (__provider)", formatBytes(perCopy), {
        vs: `state holds it twice: ${formatBytes(perCopy * 2)} per resource`,
      }),
    ],
    notes: [
      `provider: ${runs} run(s). Each: a stack of ${ENDPOINTS} WebhookEndpoints (Automation API inline program, file backend, the Pulumi CLI on PATH) is created, ` +
        "then `preview` (no change) and `refresh` run while the Polar emulator counts requests; then fresh stacks of 1 and of 10 endpoints are created with `up` " +
        `while every API request is delayed ${LATENCY_MS} ms (the emulator's latency fault), timed from the Automation API call to its return, engine start-up included ` +
        "(the CLI's default parallelism: 4 × cores).",
    ],
  };
}
