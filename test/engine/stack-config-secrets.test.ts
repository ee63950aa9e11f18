// Credentials in stack config under the real engine. The engine copies the whole stack config into the inputs of
// the default nodejs dynamic provider, which are stored in state: a token or notification URL set without
// --secret lands there in clear. So the program refuses such config at preview, before anything exists; set with
// --secret (also per field with --path, as the error says), the values are ciphertext everywhere.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStackConfig } from "../../infra/config";
import { WebhookEndpoint } from "../../providers/polar";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { allowInClear } from "../support/secret-scan";
import { createEngineStack, outputCollector, type EngineStack } from "./harness";

const DEV_STACK_FILE = resolve(__dirname, "../../Pulumi.dev.yaml");
const SLACK_URL = "https://hooks.slack.com/services/T000/B000/urlSecretThatMustNotLeak";
const EXTRA = "polar-webhooks:extraEndpoints";

/** Files of the stack (state, backups, history, workspace) and CLI output that contain `needle`. */
async function whereInClear(engine: EngineStack, output: string, needle: string) {
  const files = await engine.allFiles();
  return [
    ...files
      .filter((f) => f.text.includes(needle))
      .map((f) => f.path.slice(engine.directory.length)),
    ...(output.includes(needle) ? ["engine output"] : []),
  ];
}

/** A program with one endpoint that reads none of the config: only the engine copies it into state. */
function endpointProgram(readConfig: boolean) {
  return async () => {
    const extra = readConfig ? readStackConfig().extraEndpoints.length : undefined;
    const endpoint = new WebhookEndpoint("hook", {
      url: "https://example.com/polar/webhooks",
      events: ["order.paid"],
    });
    return { id: endpoint.id, extra };
  };
}

describe("Stack config credentials under the Pulumi engine", () => {
  let polar: PolarEmulator;
  /** A token of the same organization, only ever set without --secret. */
  let plainToken: string;
  const engines: EngineStack[] = [];

  beforeAll(async () => {
    polar = await startPolarEmulator();
    plainToken = polar.createToken({ kind: "organization" });
    allowInClear(plainToken, "set without --secret on purpose, to show why the program refuses it");
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.dispose()));
    await polar?.close();
  });

  it("stores config set without --secret in clear in state (why the program refuses it)", async () => {
    // Prepare
    const log = outputCollector();
    const engine = await createEngineStack({
      projectName: "polar-webhooks",
      program: endpointProgram(false),
      config: {
        "polar:accessToken": { value: plainToken },
        "polar:apiUrl": { value: polar.url },
        [EXTRA]: {
          value: JSON.stringify([{ name: "slack", url: SLACK_URL, events: ["order.paid"] }]),
        },
      },
    });
    engines.push(engine);
    // Act
    const result = await engine.stack.up({ onOutput: log.onOutput });
    // Assess: the default provider's inputs carry both, in the checkpoint the engine keeps.
    expect(result.summary.resourceChanges).toEqual({ create: 2 });
    const exported = await engine.exportEncrypted();
    const provider = (exported.deployment.resources ?? []).find((r) =>
      r.type.startsWith("pulumi:providers:pulumi-nodejs"),
    );
    expect(provider?.inputs).toMatchObject({
      "polar:accessToken": plainToken,
      [EXTRA]: expect.stringContaining(SLACK_URL),
    });
    expect(await whereInClear(engine, log.text(), SLACK_URL)).toContain(
      "/state/.pulumi/stacks/polar-webhooks/test.json",
    );
  });

  it("refuses that config in the real program at preview: the fixing commands, no value, nothing created", async () => {
    // Prepare: a copy of the repository's dev stack, plus what `pulumi config set` (no --secret) adds.
    const checkoutHash = () =>
      createHash("sha256").update(readFileSync(DEV_STACK_FILE)).digest("hex");
    const before = checkoutHash();
    const log = outputCollector();
    const engine = await createEngineStack({
      projectName: "polar-webhooks",
      stackName: "dev",
      stackSettingsFile: DEV_STACK_FILE,
      program: async () => ({ ...(await import("../../infra/index.js")) }),
    });
    engines.push(engine);
    await engine.stack.setAllConfig({
      "polar:accessToken": { value: plainToken },
      [EXTRA]: {
        value: JSON.stringify([{ name: "slack", url: SLACK_URL, events: ["order.paid"] }]),
      },
    });
    // Act
    const failure = await engine.stack.preview({ onOutput: log.onOutput }).then(
      () => new Error("preview succeeded"),
      (error: Error) => error,
    );
    // Assess
    const output = `${failure.message}\n${log.text()}`;
    expect(output).toContain(
      "polar:accessToken: set without --secret, so the token is stored in clear in Pulumi.dev.yaml",
    );
    expect(output).toContain(
      "run `pulumi config set --secret polar:accessToken polar_oat_… -s dev`",
    );
    expect(output).toContain(
      "run `pulumi config set --secret --path 'polar-webhooks:extraEndpoints[0].url' … -s dev`",
    );
    expect(output).not.toContain(plainToken);
    expect(output).not.toContain(SLACK_URL);
    expect((await engine.stack.exportStack()).deployment.resources ?? []).toEqual([]);
    // The engine wrote its salt into the copy, never into the checkout.
    expect(readFileSync(`${engine.directory}/workspace/Pulumi.dev.yaml`, "utf8")).toContain(
      "encryptionsalt:",
    );
    expect(checkoutHash()).toBe(before);
  });

  it("keeps the same values ciphertext when set with --secret, the URL with --path as the error says", async () => {
    // Prepare
    const log = outputCollector();
    const engine = await createEngineStack({
      projectName: "polar-webhooks",
      // Not "test": that stack of the first case still manages its endpoint for the same URL, and
      // a stack of the same name is refused it (see providers/polar/owner.ts).
      stackName: "ciphertext",
      program: endpointProgram(true),
      config: {
        "polar:accessToken": { value: polar.organizationToken, secret: true },
        "polar:apiUrl": { value: polar.url },
        "polar-webhooks:events": { value: '["order.paid"]' },
      },
    });
    engines.push(engine);
    await engine.stack.setAllConfig(
      {
        [`${EXTRA}[0].name`]: { value: "slack" },
        [`${EXTRA}[0].events[0]`]: { value: "order.paid" },
        [`${EXTRA}[0].url`]: { value: SLACK_URL, secret: true },
      },
      true,
    );
    // Act
    const result = await engine.stack.up({ onOutput: log.onOutput });
    // Assess: the program saw one notification endpoint and accepted its secrecy.
    expect(result.outputs.extra).toEqual({ value: 1, secret: false });
    expect(await whereInClear(engine, log.text(), SLACK_URL)).toEqual([]);
    expect(await whereInClear(engine, log.text(), polar.organizationToken)).toEqual([]);
  });
});
