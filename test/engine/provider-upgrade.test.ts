// Provider upgrades under the real engine. Pulumi stores the serialized provider with each
// resource and runs that copy for reads and deletes; here the state is rewritten to hold an
// older provider (one whose read and delete are broken), then the upgrade runbook (docs/runbooks.md) runs:
// `npm run up -- <stack> --no-refresh` (the stored read is broken) stores the current code with one
// update per endpoint (no call to Polar, same endpoint, same secret), after which refresh and
// destroy run the current code. Also: refresh and destroy as the npm scripts run them
// (runProgram) configure the provider from the current config.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  providerVersionOf,
  WebhookEndpoint,
  WebhookEndpointProvider,
  type WebhookEndpointOutputs,
} from "../../providers/polar";
import { runOperation, type Operation } from "../../scripts/operations";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { createEngineStack, outputCollector, type EngineStack } from "./harness";

const ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";

/** An "earlier release": same data model, but its read and delete no longer work. */
class EarlierProvider extends WebhookEndpointProvider {
  override async read(): Promise<never> {
    throw new Error("the earlier provider code ran: read");
  }
  override async delete(): Promise<void> {
    throw new Error("the earlier provider code ran: delete");
  }
}

/** Another release that still reads and deletes fine: only its code differs. */
class CompatibleEarlierProvider extends WebhookEndpointProvider {
  override async read(id: string, props?: WebhookEndpointOutputs) {
    return super.read(id, props);
  }
}

/** As `pulumi.dynamic.Resource` serializes a provider (a parameter, captured by value). */
async function serializedProvider(provider: object): Promise<string> {
  const closureOf = (captured: object) => () => captured;
  const serialized = await pulumi.runtime.serializeFunction(closureOf(provider), {
    allowSecrets: true,
  });
  return serialized.text;
}

interface ExportedEndpoint {
  type: string;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> & Partial<WebhookEndpointOutputs>;
}

interface ExportedState {
  deployment: { resources: ExportedEndpoint[] };
}

/** An emulator and a stack of one endpoint on it. */
async function emulatorAndStack(projectName: string) {
  const polar = await startPolarEmulator();
  const engine = await createEngineStack({
    projectName,
    program: async () => {
      const endpoint = new WebhookEndpoint("orders", {
        url: "https://example.com/polar/webhooks",
        events: ["order.paid"],
      });
      return {
        id: endpoint.id,
        secret: endpoint.secret,
        providerVersion: endpoint.providerVersion,
      };
    },
    config: {
      "polar:accessToken": { value: polar.organizationToken, secret: true },
      "polar:apiUrl": { value: polar.url },
    },
  });
  return { polar, engine };
}

describe("an upgraded provider reaches endpoints deployed by an earlier one", () => {
  let polar: PolarEmulator;
  let engine: EngineStack;
  const log = outputCollector();
  let deployed: { id: string; secret: string; code: string; version: string };

  beforeAll(async () => {
    ({ polar, engine } = await emulatorAndStack("polar-provider-upgrade"));
  });
  afterAll(async () => {
    await engine?.dispose();
    await polar?.close();
  });

  const run = (operation: Operation, options: { refresh?: boolean; output?: typeof log } = {}) =>
    runOperation(engine.stack, operation, {
      onOutput: (options.output ?? log).onOutput,
      print: () => undefined,
      refresh: options.refresh,
    });
  const lastUpdate = async () => (await engine.stack.history(1))[0].resourceChanges;
  const calls = () => polar.requests.map((r) => `${r.method} ${r.route} ${r.status}`);

  async function exported(): Promise<{ file: string; state: ExportedState }> {
    const file = join(engine.directory, "state.json");
    await engine.cli(["stack", "export", "--file", file]);
    return { file, state: JSON.parse(await readFile(file, "utf8")) };
  }
  async function storedEndpoint(): Promise<ExportedEndpoint> {
    const { state } = await exported();
    return state.deployment.resources.find((r) => r.type === ENDPOINT_TYPE)!;
  }

  it("records the provider's version: a hash of the code stored in state", async () => {
    expect(await run("up")).toBe(0);
    const outputs = await engine.stack.outputs();
    const stored = await storedEndpoint();
    const code = stored.outputs.__provider as string;
    expect(stored.inputs.__provider).toBe(code);
    const version = providerVersionOf({ __provider: code }).providerVersion as string;
    expect(version).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(stored.outputs.providerVersion).toBe(version);
    expect(outputs.providerVersion.value).toBe(version);
    deployed = { id: stored.id, secret: outputs.secret.value, code, version };
  });

  /** Rewrites the state as the earlier release wrote it: its code and its version. */
  async function storeEarlierProvider(provider: WebhookEndpointProvider): Promise<string> {
    const earlierCode = await serializedProvider(provider);
    const earlierVersion = providerVersionOf({ __provider: earlierCode }).providerVersion;
    expect(earlierVersion).not.toBe(deployed.version);
    const { file, state } = await exported();
    for (const resource of state.deployment.resources) {
      if (resource.type !== ENDPOINT_TYPE) continue;
      for (const bag of [resource.inputs, resource.outputs]) {
        bag.__provider = earlierCode;
        bag.providerVersion = earlierVersion;
      }
    }
    await writeFile(file, JSON.stringify(state));
    await engine.cli(["stack", "import", "--file", file]);
    return earlierCode;
  }

  it("drift notes an endpoint stored with older provider code, and that is not drift", async () => {
    await storeEarlierProvider(new CompatibleEarlierProvider());
    const printed: string[] = [];
    const code = await runOperation(engine.stack, "drift", {
      onOutput: log.onOutput,
      print: (line) => printed.push(line),
    });
    expect(code).toBe(0);
    expect(printed.join("\n")).toBe(
      [
        "[drift] test: no drift; every resource matches the last deployment.",
        `note: webhook endpoint ${deployed.id} (orders) is stored with older provider code than this checkout's; refresh and destroy run the stored code until \`npm run up -- test\` upgrades it (one update, no change in Polar).`,
      ].join("\n"),
    );
  });

  it("state written by the earlier provider: its stored code runs for refresh and destroy", async () => {
    // What the state of a stack deployed with a release whose read and delete broke looks like.
    const earlierCode = await storeEarlierProvider(new EarlierProvider());

    // Even with the current program (runProgram), reads and deletes run the stored code; so does
    // the refresh that `npm run up` and `npm run preview` start with.
    await expect(run("refresh")).rejects.toThrow("the earlier provider code ran: read");
    await expect(run("destroy")).rejects.toThrow("the earlier provider code ran: delete");
    await expect(run("up")).rejects.toThrow("the earlier provider code ran: read");
    expect(polar.getEndpoint(deployed.id)).toBeDefined();
    expect((await storedEndpoint()).outputs.__provider).toBe(earlierCode);
  });

  it("the preview shows one update of providerVersion, no replacement, and calls Polar zero times", async () => {
    polar.resetRequests();
    const output = outputCollector();
    expect(await run("preview", { refresh: false, output })).toBe(0);
    expect(output.text()).toMatch(/~ providerVersion: "sha256:[0-9a-f]{16}" => "sha256:/);
    expect(output.text()).toMatch(/Resources:\s+~ 1 to update\s+1 unchanged/);
    expect(output.text()).not.toMatch(/replace/);
    expect(calls()).toEqual([]);
  });

  it("`up --no-refresh` stores the current code: one update, same endpoint and secret, no call to Polar", async () => {
    polar.resetRequests();
    expect(await run("up", { refresh: false })).toBe(0);
    expect(await lastUpdate()).toEqual({ update: 1, same: 1 });
    expect(calls()).toEqual([]);
    const outputs = await engine.stack.outputs();
    expect(outputs.id.value).toBe(deployed.id);
    expect(outputs.secret.value).toBe(deployed.secret);
    expect(polar.getEndpoint(deployed.id)?.secret).toBe(deployed.secret);
    const stored = await storedEndpoint();
    expect(stored.outputs.__provider).toBe(deployed.code);
    expect(stored.inputs.__provider).toBe(deployed.code);
    expect(stored.outputs.providerVersion).toBe(deployed.version);
  });

  it("after it, refresh, `npm run up` (which refreshes) and destroy run the current code", async () => {
    polar.resetRequests();
    expect(await run("refresh")).toBe(0);
    expect(calls()).toEqual(["GET /v1/webhooks/endpoints/{id} 200"]);
    expect(await run("up")).toBe(0);
    expect(await lastUpdate()).toEqual({ same: 2 });
    expect(await run("destroy")).toBe(0);
    expect(calls()).toContain("DELETE /v1/webhooks/endpoints/{id} 204");
    expect(polar.endpoints()).toEqual([]);
  });
});

describe("refresh and destroy as the npm scripts run them use the current stack config", () => {
  let polar: PolarEmulator;
  let engine: EngineStack;
  const log = outputCollector();

  beforeAll(async () => {
    ({ polar, engine } = await emulatorAndStack("polar-run-program"));
  });
  afterAll(async () => {
    await engine?.dispose();
    await polar?.close();
  });

  const run = (operation: Operation) =>
    runOperation(engine.stack, operation, { onOutput: log.onOutput, print: () => undefined });

  it("after a token rotation in config: a plain refresh uses the revoked token, runProgram the new one", async () => {
    await run("up");
    const [endpoint] = polar.endpoints();
    const rotated = polar.createToken({ kind: "organization" });
    await engine.stack.setConfig("polar:accessToken", { value: rotated, secret: true });
    polar.revokeToken(polar.organizationToken);

    // Without the program, the provider is configured from the last deployment's config.
    await expect(engine.stack.refresh({ onOutput: log.onOutput })).rejects.toThrow(
      `Cannot read Polar webhook endpoint ${endpoint.id}`,
    );
    polar.resetRequests();
    expect(await run("refresh")).toBe(0);
    expect(polar.requests.map((r) => r.status)).toEqual([200]);

    expect(await run("destroy")).toBe(0);
    expect(polar.endpoints()).toEqual([]);
  });
});
