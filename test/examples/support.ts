// The examples as users get them: this repository packed by `npm pack` (its prepack build included), and each
// example copied to a temporary folder whose dependencies, that tarball among them, npm installed. The tarball is built
// once per version of its sources, and each example's dependencies installed once per tarball, in the toolchain cache
// (a copy links them); test files that need one at the same time wait for one build.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import {
  cp,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { localCacheDirectory } from "../../local/dev";
import { filesUnder } from "../support/secret-scan";

export const REPO_ROOT = resolve(__dirname, "../..");
export const PACKAGE_NAME = "polar-webhooks-as-code";

/** What the tarball is built from: a change here builds a new one. */
const PACKAGE_INPUTS = [
  "infra",
  "providers",
  "lambda",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "tsconfig.build.json",
  "scripts/build-package.sh",
];
const LOCK_STALE_MS = 10 * 60_000;

export interface CommandResult {
  readonly code: number;
  readonly output: string;
}

/** Runs a command; resolves with its exit code and its stdout then stderr, whatever the code. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

async function inputsHash(): Promise<string> {
  const hash = createHash("sha256");
  for (const input of PACKAGE_INPUTS) {
    for (const file of (await filesUnder(join(REPO_ROOT, input))).sort()) {
      hash
        .update(relative(REPO_ROOT, file))
        .update("\0")
        .update(await readFile(file));
    }
  }
  return hash.digest("hex").slice(0, 16);
}

/** Waits for the lock directory, taking over one left by a run that died. */
async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > LOCK_STALE_MS) await rm(lock, { recursive: true, force: true });
      else await new Promise((wait) => setTimeout(wait, 250));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** The packed tarball of the current sources (`npm pack`, which builds dist/ first). */
export async function packedTarball(): Promise<string> {
  const directory = join(localCacheDirectory(), "package", await inputsHash());
  const { version } = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  const tarball = join(directory, `${PACKAGE_NAME}-${version}.tgz`);
  if (existsSync(tarball)) return tarball;
  await mkdir(directory, { recursive: true });
  return withLock(join(directory, "..", "pack.lock"), async () => {
    if (existsSync(tarball)) return tarball;
    const staging = await mkdtemp(join(directory, "staging-"));
    const pack = await run("npm", ["pack", "--pack-destination", staging, "--loglevel=error"], {
      cwd: REPO_ROOT,
    });
    if (pack.code !== 0) throw new Error(`npm pack failed (${pack.code}):\n${pack.output}`);
    await rename(join(staging, `${PACKAGE_NAME}-${version}.tgz`), tarball);
    await rm(staging, { recursive: true, force: true });
    return tarball;
  });
}

export interface InstalledExample {
  /** The temporary copy, with node_modules installed from the tarball and the registry's cache. */
  readonly directory: string;
  /** `node_modules/.bin` first on PATH, for the example's own tsc. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * `examples/<name>` copied into a temporary folder, its dependency on the package pointed at `tarball`, and its
 * node_modules a link to those dependencies as npm installed them.
 */
export async function installExample(name: string, tarball: string): Promise<InstalledExample> {
  const directory = join(await mkdtemp(join(tmpdir(), `example-${name}-`)), name);
  await cp(join(REPO_ROOT, "examples", name), directory, { recursive: true });
  const manifestFile = join(directory, "package.json");
  const manifest = JSON.parse(await readFile(manifestFile, "utf8")) as {
    dependencies: Record<string, string>;
  };
  manifest.dependencies[PACKAGE_NAME] = `file:${tarball}`;
  const manifestText = JSON.stringify(manifest, null, 2);
  await writeFile(manifestFile, manifestText);
  await symlink(
    await installedDependencies(name, tarball, manifestText),
    join(directory, "node_modules"),
    "dir",
  );
  const bin = join(directory, "node_modules", ".bin");
  return { directory, env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` } };
}

/** `npm install` of the example's manifest, once per tarball and manifest; resolves to its node_modules. */
async function installedDependencies(
  name: string,
  tarball: string,
  manifestText: string,
): Promise<string> {
  const key = createHash("sha256").update(manifestText).digest("hex").slice(0, 16);
  const directory = join(dirname(tarball), "examples", `${name}-${key}`);
  const modules = join(directory, "node_modules");
  const done = join(directory, "installed");
  if (existsSync(done)) return modules;
  await mkdir(dirname(directory), { recursive: true });
  return withLock(`${directory}.lock`, async () => {
    if (existsSync(done)) return modules;
    await rm(directory, { recursive: true, force: true });
    await mkdir(directory);
    await writeFile(join(directory, "package.json"), manifestText);
    const install = await run(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      { cwd: directory },
    );
    if (install.code !== 0) {
      throw new Error(`npm install of examples/${name}'s dependencies failed:\n${install.output}`);
    }
    await writeFile(done, "");
    return modules;
  });
}
