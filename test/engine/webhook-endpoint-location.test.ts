// Moving a deployed stack: another token of the same organization (rotation), a token of another
// organization, and another Polar server (two emulators: the apiUrl switch stands for
// `pulumi config set polar:server production`). Follows the runbook in docs/runbooks.md.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookEndpoint } from "../../providers/polar";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { createEngineStack, outputCollector, type EngineStack } from "./harness";

const ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";

describe("WebhookEndpoint when the stack's Polar server or token changes", () => {
  let a: PolarEmulator;
  let b: PolarEmulator;
  let engine: EngineStack;
  const log = outputCollector();
  let rotatedToken: string;
  let endpointOnA: { id: string; secret: string };

  beforeAll(async () => {
    [a, b] = await Promise.all([startPolarEmulator(), startPolarEmulator()]);
    engine = await createEngineStack({
      projectName: "polar-endpoint-location",
      program: async () => {
        const endpoint = new WebhookEndpoint("hook", {
          url: "https://example.com/polar/webhooks",
          events: ["order.paid"],
          name: "ingress",
        });
        return { id: endpoint.id, secret: endpoint.secret };
      },
      config: {
        "polar:accessToken": { value: a.organizationToken, secret: true },
        "polar:apiUrl": { value: a.url },
      },
    });
  });
  afterAll(async () => {
    await engine?.dispose();
    await Promise.all([a?.close(), b?.close()]);
  });

  function resetRequests(): void {
    a.resetRequests();
    b.resetRequests();
  }
  const calls = (polar: PolarEmulator) =>
    polar.requests.map((r) => `${r.method} ${r.route} ${r.status}`);

  async function useSettings(polar: PolarEmulator, token: string): Promise<void> {
    await engine.stack.setAllConfig({
      "polar:apiUrl": { value: polar.url },
      "polar:accessToken": { value: token, secret: true },
    });
  }

  async function endpointResources() {
    const state = await engine.stack.exportStack();
    return (state.deployment.resources ?? []).filter(
      (r: { type: string }) => r.type === ENDPOINT_TYPE,
    ) as { urn: string; id: string; delete?: boolean; outputs: Record<string, unknown> }[];
  }

  async function failure(operation: Promise<unknown>): Promise<string> {
    try {
      await operation;
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("expected the operation to fail");
  }

  it("records where the endpoint lives; a preview without changes makes no API call", async () => {
    await engine.stack.up({ onOutput: log.onOutput });
    const [endpoint] = a.endpoints();
    endpointOnA = { id: endpoint.id, secret: endpoint.secret };
    const [resource] = await endpointResources();
    expect(resource.outputs).toMatchObject({
      polarApiUrl: a.url,
      tokenFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      organizationId: a.organizationId,
    });

    resetRequests();
    const preview = await engine.stack.preview({ onOutput: log.onOutput });
    expect(preview.changeSummary).toEqual({ same: 2 });
    expect([...a.requests, ...b.requests]).toEqual([]);
  });

  it("state from before locations were recorded gets them with one update: same endpoint, same secret", async () => {
    // Strip the location from state, as an earlier version of the provider wrote it.
    const file = join(engine.directory, "legacy.json");
    await engine.cli(["stack", "export", "--file", file]);
    const exported = JSON.parse(await readFile(file, "utf8"));
    for (const resource of exported.deployment.resources) {
      for (const bag of [resource.inputs, resource.outputs]) {
        delete bag?.polarApiUrl;
        delete bag?.tokenFingerprint;
      }
    }
    await writeFile(file, JSON.stringify(exported));
    await engine.cli(["stack", "import", "--file", file]);

    resetRequests();
    const preview = await engine.stack.preview({ onOutput: log.onOutput });
    expect(preview.changeSummary).toEqual({ update: 1, same: 1 });
    expect(a.requests).toEqual([]);
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ update: 1, same: 1 });
    // One GET checks that the current settings see it before they are recorded.
    expect(calls(a)).toEqual(["GET /v1/webhooks/endpoints/{id} 200"]);
    const [resource] = await endpointResources();
    expect(resource.id).toBe(endpointOnA.id);
    expect(resource.outputs).toMatchObject({ polarApiUrl: a.url });
    expect(result.outputs.secret.value).toBe(endpointOnA.secret);
    expect(a.getEndpoint(endpointOnA.id)?.secret).toBe(endpointOnA.secret);
  });

  it("a new token of the same organization (rotation) is an update: no replacement, same secret", async () => {
    rotatedToken = a.createToken({ kind: "organization" });
    await useSettings(a, rotatedToken);
    a.revokeToken(a.organizationToken);
    resetRequests();
    const preview = await engine.stack.preview({ onOutput: log.onOutput });
    expect(preview.changeSummary).toEqual({ update: 1, same: 1 });
    // One GET with the new token decides it.
    expect(calls(a)).toEqual(["GET /v1/webhooks/endpoints/{id} 200"]);

    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ update: 1, same: 1 });
    expect(result.outputs.id.value).toBe(endpointOnA.id);
    expect(a.getEndpoint(endpointOnA.id)?.secret).toBe(endpointOnA.secret);
    expect(a.requests.filter((r) => r.method !== "GET")).toEqual([]);

    resetRequests();
    const after = await engine.stack.preview({ onOutput: log.onOutput });
    expect(after.changeSummary).toEqual({ same: 2 });
    expect(a.requests).toEqual([]);
  });

  it("a token of another organization shows a replacement at preview", async () => {
    const otherOrganization = a.createToken({
      kind: "organization",
      organizationId: a.otherOrganizationId,
    });
    await useSettings(a, otherOrganization);
    resetRequests();
    const preview = await engine.stack.preview({ onOutput: log.onOutput });
    expect(preview.changeSummary).toEqual({ replace: 1, same: 1 });
    expect(calls(a)).toEqual(["GET /v1/webhooks/endpoints/{id} 404"]);
    await useSettings(a, rotatedToken);
  });

  it("switching to another server shows a replacement at preview, without any API call", async () => {
    await useSettings(b, b.organizationToken);
    resetRequests();
    const preview = await engine.stack.preview({ onOutput: log.onOutput });
    expect(preview.changeSummary).toEqual({ replace: 1, same: 1 });
    expect([...a.requests, ...b.requests]).toEqual([]);
  });

  it("up creates the endpoint on the new server and refuses to orphan the old one", async () => {
    const message = await failure(engine.stack.up({ onOutput: log.onOutput }));
    expect(b.endpoints()).toHaveLength(1);
    expect(a.getEndpoint(endpointOnA.id)).toBeDefined();
    expect(a.requests).toEqual([]);
    for (const part of [
      `Cannot delete Polar webhook endpoint ${endpointOnA.id}`,
      `it lives at ${a.url}, organization ${a.organizationId}`,
      `the provider is now configured for ${b.url}`,
      "POLAR_PREVIOUS_ACCESS_TOKEN",
      "Settings → Webhooks",
    ]) {
      expect(message).toContain(part);
    }
    const resources = await endpointResources();
    expect(resources.map((r) => [r.id, r.delete ?? false])).toEqual([
      [b.endpoints()[0].id, false],
      [endpointOnA.id, true],
    ]);
  });

  it("with POLAR_PREVIOUS_ACCESS_TOKEN the next up deletes the old endpoint where it lives", async () => {
    engine.stack.workspace.envVars.POLAR_PREVIOUS_ACCESS_TOKEN = rotatedToken;
    const result = await engine.stack.up({ onOutput: log.onOutput });
    delete engine.stack.workspace.envVars.POLAR_PREVIOUS_ACCESS_TOKEN;
    // (The engine does not count a pending deletion among the summary's changes.)
    expect(a.endpoints()).toEqual([]);
    // A delete first reads the endpoint: its name in Polar must still name this resource.
    expect(calls(a)).toEqual([
      "GET /v1/webhooks/endpoints/{id} 200",
      "DELETE /v1/webhooks/endpoints/{id} 204",
    ]);
    const [onB] = b.endpoints();
    expect(b.endpoints()).toHaveLength(1);
    expect(result.outputs.id.value).toBe(onB.id);
    expect((await endpointResources()).map((r) => r.id)).toEqual([onB.id]);
  });

  it("refresh with settings that cannot see the endpoint fails and keeps it in state", async () => {
    const [onB] = b.endpoints();
    await useSettings(a, rotatedToken);
    resetRequests();
    const message = await failure(
      engine.stack.refresh({ onOutput: log.onOutput, runProgram: true }),
    );
    expect(message).toContain(`Cannot read Polar webhook endpoint ${onB.id}`);
    expect(message).toContain(`it lives at ${b.url}`);
    expect([...a.requests, ...b.requests]).toEqual([]);
    expect((await endpointResources()).map((r) => r.id)).toEqual([onB.id]);
    expect(b.getEndpoint(onB.id)).toBeDefined();
  });

  it("the other way to finish a move: delete the old endpoint in the dashboard, then edit state", async () => {
    // Moving back to A, this time without a token for B.
    const [onB] = b.endpoints();
    const message = await failure(engine.stack.up({ onOutput: log.onOutput }));
    expect(message).toContain(`Cannot delete Polar webhook endpoint ${onB.id}`);
    expect(a.endpoints()).toHaveLength(1);

    b.deleteEndpointOutOfBand(onB.id);
    // The commands the error message and docs/runbooks.md give.
    const file = join(engine.directory, "state.json");
    await engine.cli(["stack", "export", "--file", file]);
    const exported = JSON.parse(await readFile(file, "utf8"));
    exported.deployment.resources = exported.deployment.resources.filter(
      (r: { id?: string }) => r.id !== onB.id,
    );
    await writeFile(file, JSON.stringify(exported));
    await engine.cli(["stack", "import", "--file", file]);

    const [onA] = a.endpoints();
    expect((await endpointResources()).map((r) => [r.id, r.delete ?? false])).toEqual([
      [onA.id, false],
    ]);
    resetRequests();
    const preview = await engine.stack.preview({ onOutput: log.onOutput });
    expect(preview.changeSummary).toEqual({ same: 2 });
    expect([...a.requests, ...b.requests]).toEqual([]);
  });

  it("destroy deletes the endpoint from the server it lives on", async () => {
    const result = await engine.stack.destroy({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ delete: 2 });
    expect(a.endpoints()).toEqual([]);
    expect(b.endpoints()).toEqual([]);
  });
});
