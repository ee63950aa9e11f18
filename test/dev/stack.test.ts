import { spawnSync } from "node:child_process";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ensureLocalPassphrase,
  localCacheDirectory,
  localStackSettings,
  LocalStackNotFoundError,
  openLocalStack,
  withoutPassphraseVariable,
} from "../../local/dev";
import { acquireDevLock, AlreadyRunningError } from "../../local/dev/lock";

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "polar-dev-stack-"));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("the local stack's contract", () => {
  it.each([
    [{ POLAR_WEBHOOKS_CACHE: "/c", XDG_CACHE_HOME: "/x" }, "/c"],
    [{ XDG_CACHE_HOME: "/x" }, "/x/polar-webhooks-as-code"],
    [{}, join(homedir(), ".cache", "polar-webhooks-as-code")],
  ])("the cache directory of %j is %s", (env, expected) => {
    expect(localCacheDirectory(env)).toBe(expected);
  });

  it("puts everything under <cache>/dev, with the passphrase as a file", () => {
    expect(localStackSettings({ POLAR_WEBHOOKS_CACHE: "/c" })).toEqual({
      projectName: "polar-webhooks",
      stackName: "local",
      directory: "/c/dev",
      backendUrl: "file:///c/dev/state",
      passphraseFile: "/c/dev/passphrase",
      workDir: "/c/dev/workspace",
      pulumiHome: "/c/dev/pulumi-home",
      envVars: {
        PULUMI_CONFIG_PASSPHRASE_FILE: "/c/dev/passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      },
    });
  });

  it("creates a random passphrase file readable by its owner only, once", async () => {
    const settings = localStackSettings({ POLAR_WEBHOOKS_CACHE: directory });
    await ensureLocalPassphrase(settings);
    const first = await readFile(settings.passphraseFile, "utf8");
    await ensureLocalPassphrase(settings);
    expect(await readFile(settings.passphraseFile, "utf8")).toBe(first);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(settings.passphraseFile).mode & 0o777).toBe(0o600);
    expect(existsSync(join(directory, "dev", "state"))).toBe(true);
  });

  it("refuses an empty passphrase file, saying what to delete", async () => {
    const settings = localStackSettings({ POLAR_WEBHOOKS_CACHE: directory });
    await ensureLocalPassphrase(settings);
    writeFileSync(settings.passphraseFile, "");
    await expect(ensureLocalPassphrase(settings)).rejects.toThrow(
      `${settings.passphraseFile} is empty; delete it (and ${settings.directory}/state) and run npm run dev again`,
    );
  });

  it("openLocalStack says the stack exists only while npm run dev runs", async () => {
    const settings = localStackSettings({ POLAR_WEBHOOKS_CACHE: directory });
    const error = await openLocalStack(settings).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalStackNotFoundError);
    expect((error as Error).message).toBe(
      `No local stack in file://${directory}/dev/state: it exists only while \`npm run dev\` runs. Start \`npm run dev\` in another terminal first.`,
    );
  });

  it("drops PULUMI_CONFIG_PASSPHRASE, which would win over the passphrase file", () => {
    const env = { PULUMI_CONFIG_PASSPHRASE: "x", KEEP: "1" };
    expect(withoutPassphraseVariable(env)).toEqual({ KEEP: "1" });
  });
});

describe("acquireDevLock", () => {
  it("lets one npm run dev run per cache directory", async () => {
    const settings = localStackSettings({ POLAR_WEBHOOKS_CACHE: directory });
    await ensureLocalPassphrase(settings);
    const release = acquireDevLock(settings);
    expect(() => acquireDevLock(settings)).toThrow(AlreadyRunningError);
    expect(() => acquireDevLock(settings)).toThrow(
      `npm run dev is already running (pid ${process.pid}) with ${settings.directory}`,
    );
    release();
    acquireDevLock(settings)();
  });

  it("takes over the lock of a process that is gone", async () => {
    const settings = localStackSettings({ POLAR_WEBHOOKS_CACHE: directory });
    await ensureLocalPassphrase(settings);
    const gone = spawnSync(process.execPath, ["-e", "process.pid"]).pid;
    writeFileSync(join(settings.directory, "dev.pid"), String(gone));
    const release = acquireDevLock(settings);
    expect(await readFile(join(settings.directory, "dev.pid"), "utf8")).toBe(String(process.pid));
    release();
  });
});
