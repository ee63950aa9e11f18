/**
 * A throw-away stack for the bench's provider section: the real Pulumi CLI on an Automation API inline program, a
 * file backend and passphrase secrets in a temporary directory (the CLI found by `npm run setup` on PATH).
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  LocalWorkspace,
  type ConfigMap,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";

const REPO_ROOT = resolve(__dirname, "../..");

export interface BenchStack {
  readonly stack: Stack;
  dispose(): Promise<void>;
}

export async function createBenchStack(
  projectName: string,
  program: PulumiFn,
  config: ConfigMap,
): Promise<BenchStack> {
  const directory = await mkdtemp(join(tmpdir(), `${projectName}-`));
  await Promise.all(["workspace", "state", "home"].map((d) => mkdir(join(directory, d))));
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "bench", projectName, program },
    {
      workDir: join(directory, "workspace"),
      pulumiHome: join(directory, "home"),
      secretsProvider: "passphrase",
      // The dynamic-provider host resolves `require` from the program's directory: the repository.
      projectSettings: {
        name: projectName,
        runtime: "nodejs",
        main: REPO_ROOT,
        backend: { url: `file://${join(directory, "state")}` },
      },
      envVars: {
        PULUMI_CONFIG_PASSPHRASE: randomBytes(18).toString("base64url"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      },
    },
  );
  await stack.setAllConfig(config);
  return { stack, dispose: () => rm(directory, { recursive: true, force: true }) };
}
