/**
 * Reading a stack: its outputs, its config (decrypted) and its state, through the Automation API
 * and the stack's own backend and passphrase, as scripts/stack.ts opens it. Read-only: nothing is
 * selected, refreshed or written, not even the current-stack choice of the project directory.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  type LocalWorkspaceOptions,
} from "@pulumi/pulumi/automation";
import { CliError, EXIT } from "./errors";
import type { Environment } from "./io";
import { reveal, type StateResource } from "./state";

export type { StateResource } from "./state";

/** `npm run dev`'s stack (local/dev's LOCAL_STACK), found through its contract unless `--cwd` is given. */
export const LOCAL_DEV_STACK_NAME = "local";

/** The project directory the CLI uses unless `--cwd` names another: the repository. */
export const REPO_ROOT = resolve(__dirname, "..");

export interface StackHandle {
  readonly name: string;
  /** For messages: `polar-webhooks/dev`. */
  readonly description: string;
  /** True for `npm run dev`'s stack, found through its contract (local/dev). */
  readonly isLocalDev: boolean;
  /** Output values; secrets in clear, so never print them. */
  outputs(): Promise<Record<string, unknown>>;
  /** Config values by full key (`polar:accessToken`), secrets decrypted. */
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
  const pulumiCommand = await sharedPulumiCommand();
  let workspaceOptions: LocalWorkspaceOptions;
  let project: string;
  let backendUrl: string;
  const isLocalDev = name === LOCAL_DEV_STACK_NAME && options.cwd === undefined;
  if (isLocalDev) {
    // Loaded only here: the dev part brings the emulator and the queue server along.
    const dev = await import("../local/dev/index.js");
    const local = dev.localStackSettings(options.env);
    const stateDirectory = local.backendUrl.replace(/^file:\/\//, "");
    if (
      !existsSync(stateDirectory) ||
      !existsSync(local.passphraseFile) ||
      !existsSync(join(local.workDir, "Pulumi.yaml"))
    ) {
      throw new CliError(
        `There is no local stack yet (no ${stateDirectory}): start it with \`npm run dev\` and run this again from another terminal.`,
        EXIT.USAGE,
      );
    }
    project = local.projectName;
    backendUrl = local.backendUrl;
    // npm run dev's own project directory, read as it is (no projectSettings: nothing is written),
    // so its config (polar:accessToken, polar:apiUrl) is readable as for any other stack.
    workspaceOptions = {
      workDir: local.workDir,
      pulumiCommand,
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
  let snapshot:
    Promise<{ outputs: Record<string, unknown>; resources: StateResource[] }> | undefined;
  const exported = () => {
    snapshot ??= call(() => workspace.exportStack(name)).then((deployment) => {
      const resources = (deployment.deployment as { resources?: StateResource[] }).resources ?? [];
      const root = resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
      return { resources, outputs: reveal(root?.outputs ?? {}) as Record<string, unknown> };
    });
    return snapshot;
  };
  return {
    name,
    description,
    isLocalDev,
    // From the one export the resources come from too: `stack output` would take two CLI runs, each deriving the
    // passphrase's key again.
    outputs: async () => (await exported()).outputs,
    config: async () => {
      const map = await call(() => workspace.getAllConfig(name));
      return Object.fromEntries(
        Object.entries(map).map(([key, { value }]) => [key, String(value)]),
      );
    },
    resources: async () => (await exported()).resources,
    close: async () => undefined,
  };
}

/** One `pulumi version` per process, shared by every workspace: every CLI start costs a fraction of a second. */
let pulumiCommand: Promise<PulumiCommand> | undefined;
function sharedPulumiCommand(): Promise<PulumiCommand> {
  pulumiCommand ??= PulumiCommand.get().catch((error: unknown) => {
    pulumiCommand = undefined;
    throw new CliError(
      `The Pulumi CLI did not run (${(error as Error).message.split("\n")[0]}): run \`npm run setup\`, then use \`npm run polar -- …\`, which puts it on PATH.`,
    );
  });
  return pulumiCommand;
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
