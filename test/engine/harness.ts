// Engine-level test harness: real Pulumi CLI, Automation API inline programs, a file backend and
// passphrase secrets in a throw-away directory. Nothing here talks to Pulumi Cloud.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  type ConfigMap,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";
import { withFewerCliRuns } from "./fewer-cli-runs";
import { registerSecret } from "../support/secret-scan";
import { recordOutput, removeAfterScan } from "../support/secret-sweep";

/** The oldest CLI whose `--client` flag works for inline refresh/destroy. */
export const MIN_PULUMI_CLI_VERSION = "3.181.0";

const repoRoot = resolve(__dirname, "../..");
const execFileAsync = promisify(execFile);

/**
 * Fails (never skips) when no usable CLI is on PATH: a skipped engine test would hide a broken set-up.
 * `npm test` runs under scripts/with-toolchain.sh, which puts the CLI found by `npm run setup` on PATH.
 */
export function requirePulumiCli(): string {
  cliVersion ??= checkedCliVersion();
  return cliVersion;
}
let cliVersion: string | undefined;

/** One `pulumi version` per process: each workspace would otherwise run its own. */
let pulumiCommand: Promise<PulumiCommand> | undefined;
export function sharedPulumiCommand(): Promise<PulumiCommand> {
  requirePulumiCli();
  pulumiCommand ??= PulumiCommand.get();
  return pulumiCommand;
}

function checkedCliVersion(): string {
  let version: string;
  try {
    version = execFileSync("pulumi", ["version"], {
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
      encoding: "utf8",
    }).trim();
  } catch {
    throw new Error(
      "No `pulumi` CLI on PATH. Run `npm run setup` (finds or builds Pulumi v3.259.0), then `npm test`.",
    );
  }
  if (!versionAtLeast(version, MIN_PULUMI_CLI_VERSION)) {
    throw new Error(
      `pulumi on PATH is ${version}; engine tests need >= ${MIN_PULUMI_CLI_VERSION}. Run \`npm run setup\`.`,
    );
  }
  return version;
}

function versionAtLeast(actual: string, minimum: string): boolean {
  const parse = (v: string) => v.replace(/^v/, "").split(/[-+]/)[0].split(".").map(Number);
  const [a, b] = [parse(actual), parse(minimum)];
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

export interface EngineStackOptions {
  readonly projectName: string;
  readonly program: PulumiFn;
  readonly stackName?: string;
  readonly config?: ConfigMap;
  /** Extra environment for the CLI and the plugins it starts (e.g. POLAR_API_URL). */
  readonly envVars?: Record<string, string>;
  /**
   * A `Pulumi.<stack>.yaml` (e.g. the repository's) copied into the throw-away workspace as this stack's settings:
   * the engine writes its `encryptionsalt` into the copy, never into the checkout.
   */
  readonly stackSettingsFile?: string;
}

export interface EngineStack {
  readonly stack: Stack;
  /** Root of everything this stack wrote: backend state, PULUMI_HOME, workspace files. */
  readonly directory: string;
  readonly passphrase: string;
  /** Every file under `directory` (state, backups, history, workspace), for leak scans. */
  allFiles(): Promise<{ path: string; text: string }[]>;
  /**
   * `pulumi stack export` as a user runs it: secrets stay ciphertext. (The Automation API's
   * `exportStack` passes `--show-secrets`, so it cannot be used to prove encryption.)
   */
  exportEncrypted(): Promise<{ deployment: { resources?: ExportedResource[] } }>;
  /**
   * Every file of the file backend (the checkpoint, its backups and history), by path: what a state write changes.
   * Read from disk, so free, where `pulumi stack export` starts the CLI and derives the passphrase key.
   */
  backendFiles(): Promise<Map<string, string>>;
  /** Runs a `pulumi` command on this stack as a user would (e.g. `state delete …`). */
  cli(args: readonly string[]): Promise<{ stdout: string; stderr: string }>;
  /** Scans everything the stack wrote for secrets (secret-sweep.ts), then removes it. */
  dispose(): Promise<void>;
}

export interface ExportedResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export { SECRET_SIGNATURE } from "./fewer-cli-runs";

export async function createEngineStack(options: EngineStackOptions): Promise<EngineStack> {
  requirePulumiCli();
  const directory = await mkdtemp(join(tmpdir(), `${options.projectName}-`));
  const passphrase = registerSecret(randomBytes(18).toString("base64url"), "engine passphrase");
  for (const [key, value] of Object.entries(options.config ?? {})) {
    if (value.secret) registerSecret(value.value, `stack config ${key} (secret)`);
  }
  const workDir = join(directory, "workspace");
  const backendDir = join(directory, "state");
  await Promise.all([workDir, backendDir, join(directory, "home")].map((d) => mkdir(d)));

  const envVars: Record<string, string> = {
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR: "1",
    ...options.envVars,
  };
  const stackName = options.stackName ?? "test";
  if (options.stackSettingsFile) {
    await copyFile(options.stackSettingsFile, join(workDir, `Pulumi.${stackName}.yaml`));
  }
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, projectName: options.projectName, program: options.program },
    {
      pulumiCommand: await sharedPulumiCommand(),
      workDir,
      pulumiHome: join(directory, "home"),
      secretsProvider: "passphrase",
      projectSettings: {
        name: options.projectName,
        runtime: "nodejs",
        // The nodejs dynamic-provider host resolves `require` from the program directory, so it must
        // be the repository (where node_modules/@pulumi/pulumi lives), not the temp workspace.
        main: repoRoot,
        backend: { url: `file://${backendDir}` },
      },
      envVars,
    },
  );
  if (options.config) await stack.setAllConfig(options.config);

  const cli = async (args: readonly string[]) => {
    const output = await execFileAsync(
      "pulumi",
      [...args, "--stack", stackName, "--non-interactive"],
      {
        cwd: workDir,
        env: { ...process.env, ...envVars, PULUMI_HOME: join(directory, "home") },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    recordOutput(output.stdout + output.stderr, `pulumi ${args[0] ?? ""} ${args[1] ?? ""}`);
    return output;
  };
  return {
    stack: withFewerCliRuns(stack, {
      backendDir,
      projectName: options.projectName,
      stackName,
      passphrase,
    }),
    directory,
    passphrase,
    allFiles: () => readAllFiles(directory),
    backendFiles: async () =>
      new Map((await readAllFiles(backendDir)).map((file) => [file.path, file.text])),
    exportEncrypted: async () => JSON.parse((await cli(["stack", "export"])).stdout),
    cli,
    dispose: () => removeAfterScan(directory),
  };
}

async function readAllFiles(root: string): Promise<{ path: string; text: string }[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Promise.all(files.map(async (path) => ({ path, text: await readFile(path, "utf8") })));
}

/** Collects the engine's progress output so a failing test can show it. */
export function outputCollector(): { onOutput: (line: string) => void; text: () => string } {
  const lines: string[] = [];
  return {
    onOutput: (line) => {
      lines.push(line);
      recordOutput(line, "engine output");
    },
    text: () => lines.join(""),
  };
}

/**
 * SIGKILLs the `pulumi` CLI this process started for `stackName` (the Automation API's child),
 * and everything it started (the provider host): what a cancelled CI job or a dead runner does,
 * with no chance to save state or clean up. Linux (/proc). Returns the ids it killed.
 */
export function killPulumiCli(stackName: string): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const argv = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    } catch {
      return [];
    }
  };
  const cli = (children.get(process.pid) ?? []).find((pid) => {
    const args = argv(pid);
    return basename(args[0] ?? "") === "pulumi" && args.includes(stackName);
  });
  if (cli === undefined) throw new Error(`no pulumi CLI for stack ${stackName} is running`);
  const tree: number[] = [];
  const collect = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) collect(child);
  };
  collect(cli);
  for (const pid of tree) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }
  return tree;
}
