/**
 * Reading a stack: its outputs, its config (decrypted) and its state, through the Automation API
 * and the stack's own backend and passphrase, as scripts/stack.ts opens it. Read-only: nothing is
 * selected, refreshed or written, not even the current-stack choice of the project directory.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  type LocalWorkspaceOptions,
} from "@pulumi/pulumi/automation";
import { CliError, EXIT } from "./errors";
import type { Environment } from "./io";
import { LOCAL_STACK, localStackSettings } from "./local-stack";
import { reveal, type StateResource } from "./state";

export type { StateResource } from "./state";

/** The project directory the CLI uses unless `--cwd` names another: the repository. */
export const REPO_ROOT = resolve(__dirname, "..");

export interface StackHandle {
  readonly name: string;
  /** For messages: `polar-webhooks/dev`. */
  readonly description: string;
  /** True for `npm run dev`'s stack, whose config is not readable here (see `config`). */
  readonly isLocalDev: boolean;
  /** Output values; secrets in clear, so never print them. */
  outputs(): Promise<Record<string, unknown>>;
  /** Config values by full key (`polar:accessToken`), secrets decrypted. Empty for the dev stack. */
  config(): Promise<Record<string, string>>;
  /** The resources in the stack's state, secrets decrypted (wrapped: see `reveal`). */
  resources(): Promise<StateResource[]>;
  close(): Promise<void>;
}

export interface OpenStackOptions {
  /** The Pulumi project directory; default the repository (or the dev stack's contract). */
  readonly cwd?: string;
  readonly env: Environment;
}

const PASSPHRASE_VARIABLES = "PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE";

export async function openStack(name: string, options: OpenStackOptions): Promise<StackHandle> {
  const env = definedOnly(options.env);
  // One `pulumi version` per run, shared by both workspaces: every CLI call costs seconds.
  const pulumiCommand = await PulumiCommand.get().catch((error: unknown) => {
    throw new CliError(
      `The Pulumi CLI did not run (${(error as Error).message.split("\n")[0]}): run \`npm run setup\`, then use \`npm run polar -- …\` or polar-webhooks, which put it on PATH.`,
    );
  });
  let temporary: string | undefined;
  let workspaceOptions: LocalWorkspaceOptions;
  let project: string;
  let backendUrl: string;
  const isLocalDev = name === LOCAL_STACK.stackName && options.cwd === undefined;
  if (isLocalDev) {
    const local = localStackSettings(options.env);
    if (!existsSync(local.stateDirectory) || !existsSync(local.passphraseFile)) {
      throw new CliError(
        `There is no local stack yet (no ${local.stateDirectory}): start it with \`npm run dev\` and run this again from another terminal.`,
        EXIT.USAGE,
      );
    }
    // A scratch project directory: the dev stack's own is not ours to write a Pulumi.yaml into.
    temporary = await mkdtemp(join(tmpdir(), "polar-webhooks-cli-"));
    project = LOCAL_STACK.projectName;
    backendUrl = local.backendUrl;
    workspaceOptions = {
      workDir: temporary,
      pulumiCommand,
      projectSettings: { name: project, runtime: "nodejs", backend: { url: backendUrl } },
      // The file's passphrase as the variable Pulumi reads first, so a PULUMI_CONFIG_PASSPHRASE
      // meant for other stacks cannot shadow it (Pulumi trims the file the same way).
      envVars: {
        ...env,
        PULUMI_CONFIG_PASSPHRASE: (await readFile(local.passphraseFile, "utf8")).trim(),
      },
    };
  } else {
    const workDir = resolve(options.cwd ?? REPO_ROOT);
    if (!existsSync(join(workDir, "Pulumi.yaml"))) {
      throw new CliError(
        `${workDir} has no Pulumi.yaml: give --cwd the project's directory.`,
        EXIT.USAGE,
      );
    }
    const settings = await (
      await LocalWorkspace.create({ workDir, pulumiCommand, envVars: env })
    ).projectSettings();
    project = settings.name;
    // As scripts/stack.ts: a local file backend unless the project or the user chose one.
    backendUrl = settings.backend?.url ?? env.PULUMI_BACKEND_URL ?? "file://~";
    workspaceOptions = {
      workDir,
      pulumiCommand,
      envVars: { ...env, ...(settings.backend?.url ? {} : { PULUMI_BACKEND_URL: backendUrl }) },
    };
  }
  const description = `${project}/${name}`;
  const where = `project ${project} (backend ${backendUrl})`;
  const cleanup = async () => {
    if (temporary) await rm(temporary, { recursive: true, force: true });
  };
  try {
    const workspace = await LocalWorkspace.create(workspaceOptions);
    const vars = workspaceOptions.envVars ?? {};
    const call = async <T>(operation: () => Promise<T>): Promise<T> => {
      if (vars.PULUMI_CONFIG_PASSPHRASE === undefined && !vars.PULUMI_CONFIG_PASSPHRASE_FILE) {
        throw new CliError(
          `Set ${PASSPHRASE_VARIABLES}: stack ${description} keeps its secrets (the Polar token, the signing secret) encrypted with it.`,
          EXIT.USAGE,
        );
      }
      try {
        return await operation();
      } catch (error) {
        if (!/no stack named/.test(String((error as Error)?.message))) {
          throw pulumiError(description, error);
        }
        const stacks = (await workspace.listStacks()).map((summary) => summary.name);
        throw new CliError(
          stacks.length === 0
            ? `No stack ${JSON.stringify(name)}: ${where} has no stacks yet; deploy one with \`npm run up -- <stack>\`.`
            : `No stack ${JSON.stringify(name)} in ${where}; its stacks: ${stacks.join(", ")}.`,
          EXIT.USAGE,
        );
      }
    };
    let outputs: Promise<Record<string, unknown>> | undefined;
    let snapshot:
      Promise<{ outputs: Record<string, unknown>; resources: StateResource[] }> | undefined;
    const exported = () => {
      snapshot ??= call(() => workspace.exportStack(name)).then((deployment) => {
        const resources =
          (deployment.deployment as { resources?: StateResource[] }).resources ?? [];
        const root = resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
        return { resources, outputs: reveal(root?.outputs ?? {}) as Record<string, unknown> };
      });
      return snapshot;
    };
    return {
      name,
      description,
      isLocalDev,
      outputs: () => {
        // After an export (trigger reads both), the outputs are already at hand.
        outputs ??= snapshot
          ? snapshot.then((state) => state.outputs)
          : call(() => workspace.stackOutputs(name)).then((map) =>
              Object.fromEntries(Object.entries(map).map(([key, { value }]) => [key, value])),
            );
        return outputs;
      },
      config: async () => {
        if (isLocalDev) return {};
        const map = await call(() => workspace.getAllConfig(name));
        return Object.fromEntries(
          Object.entries(map).map(([key, { value }]) => [key, String(value)]),
        );
      },
      resources: async () => (await exported()).resources,
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The Pulumi CLI's own `error:` lines, without the command line it ran or its environment. */
function pulumiError(description: string, error: unknown): CliError {
  const text = error instanceof Error ? error.message : String(error);
  const lines = [...new Set(text.split("\n").filter((line) => /^\s*error: /.test(line)))];
  const reason = lines.length > 0 ? lines.map((line) => line.trim()).join("; ") : "pulumi failed";
  return new CliError(`Cannot read stack ${description}: ${reason}`);
}

function definedOnly(env: Environment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
