// `pulumi preview` under the real engine with polar-webhooks:consumer pointing at a file that does not exist: the
// program refuses it before it declares anything, naming the key and the path it looked at.
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEngineStack, outputCollector, type EngineStack } from "./harness";

const REPO_ROOT = path.resolve(__dirname, "../..");
const DEV_STACK_FILE = path.join(REPO_ROOT, "Pulumi.dev.yaml");

describe("A consumer entry that does not exist, under the Pulumi engine", () => {
  let engine: EngineStack | undefined;

  afterAll(async () => {
    await engine?.dispose();
  });

  it("fails preview naming polar-webhooks:consumer and the path, and creates nothing", async () => {
    // Prepare: a copy of the repository's dev stack with the consumer pointed at a missing module.
    const log = outputCollector();
    engine = await createEngineStack({
      projectName: "polar-webhooks",
      stackName: "dev",
      stackSettingsFile: DEV_STACK_FILE,
      program: async () => ({ ...(await import("../../infra/index.js")) }),
    });
    await engine.stack.setConfig("polar-webhooks:consumer", { value: "consumers/billing.ts" });
    // Act
    const failure = await engine.stack.preview({ onOutput: log.onOutput }).then(
      () => new Error("preview succeeded"),
      (error: Error) => error,
    );
    // Assess
    const output = `${failure.message}\n${log.text()}`;
    expect(output).toContain("Invalid stack configuration (1 problem; nothing was created)");
    expect(output).toContain(
      `polar-webhooks:consumer: "consumers/billing.ts" is invalid; ` +
        `${path.join(REPO_ROOT, "consumers/billing.ts")} does not exist (or is not a file); ` +
        "use the path of your consumer module relative to the project root",
    );
    expect((await engine.stack.exportStack()).deployment.resources ?? []).toEqual([]);
  });
});
