// The provider under the real engine: Automation API inline programs, the real CLI and provider
// host, passphrase secrets on a file backend, against the Polar emulator over a real socket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookEndpoint, type WebhookEndpointArgs } from "../../providers/polar";
import { ownerOf } from "../../providers/polar/owner";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { createEngineStack, outputCollector, SECRET_SIGNATURE, type EngineStack } from "./harness";

const ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";
/** The resource as its endpoint's name in Polar names it (a file backend's organization). */
const OWNER = ownerOf({
  organization: "organization",
  project: "polar-endpoint-lifecycle",
  stack: "test",
  name: "hook",
});

describe("WebhookEndpoint lifecycle under the Pulumi engine", () => {
  let polar: PolarEmulator;
  let engine: EngineStack;
  const log = outputCollector();
  /** What the program declares; each step edits it and runs an operation. */
  let desired: WebhookEndpointArgs;
  /** Every token and secret seen so far: none may appear in clear text in state or output. */
  const secrets = new Set<string>();

  beforeAll(async () => {
    polar = await startPolarEmulator();
    secrets.add(polar.organizationToken).add(polar.userToken);
    desired = {
      url: "https://example.com/polar/webhooks",
      events: ["order.paid"],
      name: "ingress",
    };
    engine = await createEngineStack({
      projectName: "polar-endpoint-lifecycle",
      program: async () => {
        const endpoint = new WebhookEndpoint("hook", { ...desired });
        return {
          id: endpoint.id,
          url: endpoint.url,
          secret: endpoint.secret,
          previousSecret: endpoint.previousSecret,
          usesStandardWebhookSignature: endpoint.usesStandardWebhookSignature,
        };
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

  async function stateOfEndpoint(): Promise<Record<string, unknown> | undefined> {
    const state = await engine.stack.exportStack();
    const resource = (state.deployment.resources ?? []).find(
      (r: { type: string }) => r.type === ENDPOINT_TYPE,
    );
    return resource;
  }

  async function expectNoSecretInClear(): Promise<void> {
    const outputs = await engine.stack.outputs();
    for (const key of ["secret", "previousSecret"]) {
      const value = outputs[key]?.value;
      if (typeof value === "string") secrets.add(value);
    }
    for (const endpoint of polar.endpoints()) secrets.add(endpoint.secret);
    const files = await engine.allFiles();
    const exported = await engine.exportEncrypted();
    const haystacks = [
      ...files.map((f) => ({ where: f.path, text: f.text })),
      { where: "pulumi stack export", text: JSON.stringify(exported) },
      { where: "engine output", text: log.text() },
    ];
    const leaks = haystacks.flatMap(({ where, text }) =>
      [...secrets]
        .filter((secret) => text.includes(secret))
        .map((secret) => `${where} contains ${secret.slice(0, 10)}…`),
    );
    expect(leaks).toEqual([]);
    // The secret outputs are there, as ciphertext.
    const resource = (exported.deployment.resources ?? []).find((r) => r.type === ENDPOINT_TYPE);
    if (resource) {
      expect(resource.outputs?.secret).toHaveProperty(SECRET_SIGNATURE);
      if (resource.outputs?.previousSecret !== undefined) {
        expect(resource.outputs.previousSecret).toHaveProperty(SECRET_SIGNATURE);
      }
    }
  }

  let firstId: string;
  let firstSecret: string;

  it("creates the endpoint with a secret output", async () => {
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ create: 2 });
    const [endpoint] = polar.endpoints();
    expect(polar.endpoints()).toHaveLength(1);
    expect(endpoint).toMatchObject({
      url: "https://example.com/polar/webhooks",
      name: `ingress [pulumi ${OWNER}]`,
      events: ["order.paid"],
      format: "raw",
      enabled: true,
    });
    firstId = endpoint.id;
    firstSecret = endpoint.secret;
    expect(result.outputs.id).toEqual({ value: firstId, secret: false });
    expect(result.outputs.secret).toEqual({ value: firstSecret, secret: true });
    expect(result.outputs.usesStandardWebhookSignature.value).toBe(true);
    // The create body carried no organization_id: organization tokens must omit it.
    const post = polar.requests.find((r) => r.method === "POST");
    expect(post?.body).toEqual({
      url: "https://example.com/polar/webhooks",
      format: "raw",
      events: ["order.paid"],
      name: `ingress [pulumi ${OWNER} creating]`,
    });
    await expectNoSecretInClear();
  });

  it("previews no changes with zero Polar API calls", async () => {
    polar.resetRequests();
    const result = await engine.stack.preview({ onOutput: log.onOutput });
    expect(result.changeSummary).toEqual({ same: 2 });
    expect(polar.requests).toEqual([]);
  });

  it("updates url, events, format, name and enabled in place (same id, same secret)", async () => {
    desired = {
      url: "https://Hooks.Slack.com/services/T000/B000/XXXX",
      events: ["order.paid", "subscription.canceled"],
      name: "slack alerts",
      enabled: false,
    };
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ update: 1, same: 1 });
    const endpoint = polar.getEndpoint(firstId);
    expect(endpoint).toMatchObject({
      url: "https://hooks.slack.com/services/T000/B000/XXXX",
      events: ["order.paid", "subscription.canceled"],
      format: "slack",
      name: `slack alerts [pulumi ${OWNER}]`,
      enabled: false,
      secret: firstSecret,
    });
    expect(polar.endpoints()).toHaveLength(1);
    await expectNoSecretInClear();
  });

  it("replaces the endpoint when organizationId changes (user token)", async () => {
    await engine.stack.setConfig("polar:accessToken", { value: polar.userToken, secret: true });
    desired = {
      url: "https://example.com/polar/webhooks",
      events: ["order.paid"],
      name: "ingress",
      organizationId: polar.organizationId,
    };
    const same = await engine.stack.up({ onOutput: log.onOutput });
    expect(same.summary.resourceChanges).toEqual({ update: 1, same: 1 });
    expect(polar.getEndpoint(firstId)?.organization_id).toBe(polar.organizationId);

    desired = { ...desired, organizationId: polar.otherOrganizationId };
    const replaced = await engine.stack.up({ onOutput: log.onOutput });
    expect(replaced.summary.resourceChanges).toEqual({ replace: 1, same: 1 });
    const [endpoint] = polar.endpoints();
    expect(polar.endpoints()).toHaveLength(1);
    expect(endpoint.id).not.toBe(firstId);
    expect(endpoint.organization_id).toBe(polar.otherOrganizationId);
    expect(replaced.outputs.id.value).toBe(endpoint.id);
    expect(polar.getEndpoint(firstId)).toBeUndefined();
    await expectNoSecretInClear();
  });

  it("notices an endpoint deleted behind Pulumi's back, and up recreates it", async () => {
    await engine.stack.setConfig("polar:accessToken", {
      value: polar.organizationToken,
      secret: true,
    });
    desired = {
      url: "https://example.com/polar/webhooks",
      events: ["order.paid"],
      name: "ingress",
    };
    // Back to the organization token's organization: the organization token cannot see the
    // endpoint in the other organization, so this is a replace, and deleting the old endpoint
    // needs the token it was made with (a move between organizations).
    await engine.stack.setConfig("polar:previousAccessToken", {
      value: polar.userToken,
      secret: true,
    });
    const moved = await engine.stack.up({ onOutput: log.onOutput });
    expect(moved.summary.resourceChanges).toEqual({ replace: 1, same: 1 });
    await engine.stack.removeConfig("polar:previousAccessToken");
    expect(polar.endpoints().map((e) => e.organization_id)).toEqual([polar.organizationId]);
    const [before] = polar.endpoints();
    polar.deleteEndpointOutOfBand(before.id);

    const refreshed = await engine.stack.refresh({ onOutput: log.onOutput });
    expect(refreshed.summary.resourceChanges).toEqual({ delete: 1, same: 1 });
    expect(await stateOfEndpoint()).toBeUndefined();

    const recreated = await engine.stack.up({ onOutput: log.onOutput });
    expect(recreated.summary.resourceChanges).toEqual({ create: 1, same: 1 });
    expect(polar.endpoints()).toHaveLength(1);
    expect(polar.endpoints()[0].id).not.toBe(before.id);
    await expectNoSecretInClear();
  });

  it("reports Polar's auto-disable as drift on refresh, and up re-enables", async () => {
    const [endpoint] = polar.endpoints();
    polar.autoDisable(endpoint.id);
    const refreshed = await engine.stack.refresh({ onOutput: log.onOutput });
    expect(refreshed.summary.resourceChanges).toEqual({ update: 1, same: 1 });
    expect(((await stateOfEndpoint())?.outputs as { enabled: boolean }).enabled).toBe(false);

    const preview = await engine.stack.preview({ onOutput: log.onOutput });
    expect(preview.changeSummary).toEqual({ update: 1, same: 1 });
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ update: 1, same: 1 });
    expect(polar.getEndpoint(endpoint.id)?.enabled).toBe(true);
  });

  it("adopts an existing endpoint, keeping its secret", async () => {
    const [managed] = polar.endpoints();
    const dashboardMade = polar.insertEndpoint({
      url: "https://example.com/legacy",
      events: ["checkout.created"],
      name: "made in the dashboard",
      secretGeneration: "legacy",
    });
    secrets.add(dashboardMade.secret);
    desired = {
      url: "https://example.com/polar/webhooks",
      events: ["order.paid"],
      name: "ingress",
      adoptId: dashboardMade.id,
    };
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ replace: 1, same: 1 });
    expect(polar.endpoints().map((e) => e.id)).toEqual([dashboardMade.id]);
    expect(polar.getEndpoint(managed.id)).toBeUndefined();
    expect(polar.getEndpoint(dashboardMade.id)).toMatchObject({
      url: "https://example.com/polar/webhooks",
      events: ["order.paid"],
      name: `ingress [pulumi ${OWNER}]`,
      secret: dashboardMade.secret,
      uses_standard_webhook_signature: false,
    });
    expect(result.outputs.secret.value).toBe(dashboardMade.secret);
    expect(result.outputs.usesStandardWebhookSignature.value).toBe(false);
    await expectNoSecretInClear();
  });

  it("rotates the secret on a new secretRotation marker and keeps the old one as previousSecret", async () => {
    const [endpoint] = polar.endpoints();
    const oldSecret = endpoint.secret;
    desired = { ...desired, secretRotation: "2026-11" };
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ update: 1, same: 1 });
    const rotated = polar.getEndpoint(endpoint.id);
    expect(rotated?.secret).not.toBe(oldSecret);
    expect(rotated?.uses_standard_webhook_signature).toBe(true);
    expect(result.outputs.secret).toEqual({ value: rotated?.secret, secret: true });
    expect(result.outputs.previousSecret).toEqual({ value: oldSecret, secret: true });
    await expectNoSecretInClear();

    polar.resetRequests();
    const preview = await engine.stack.preview({ onOutput: log.onOutput });
    expect(preview.changeSummary).toEqual({ same: 2 });
    expect(polar.requests).toEqual([]);
  });

  it("destroy leaves the emulator empty", async () => {
    const result = await engine.stack.destroy({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ delete: 2 });
    expect(polar.endpoints()).toEqual([]);
    await expectNoSecretInClear();
  });
});
