// scripts/setup-pulumi.sh run for real, with fake `pulumi` executables: a broken one first on PATH and a
// working one in a cache directory given through POLAR_WEBHOOKS_CACHE. Nothing here builds the CLI: every
// case is answered by a fake before the build step.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const SCRIPT = resolve(__dirname, "../../scripts/setup-pulumi.sh");
const PULUMI_VERSION = "3.259.0";

let root: string;
let pathDir: string;
let cacheRoot: string;
let cachedBin: string;

function writeExecutable(file: string, body: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

/** A `pulumi` whose `version` exits with this code (3, as a half-installed CLI does). */
function brokenPulumi(file: string): void {
  writeExecutable(file, 'echo "error: could not load plugins" >&2\nexit 3');
}

function workingPulumi(file: string, version: string): void {
  writeExecutable(file, `[ "$1" = version ] && echo "v${version}"\nexit 0`);
}

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync("bash", [SCRIPT, ...args], {
    encoding: "utf8",
    env: {
      // Only the fakes and the system tools: no real pulumi, no Go toolchain from the caller's PATH.
      PATH: `${pathDir}:/usr/bin:/bin`,
      HOME: root,
      POLAR_WEBHOOKS_CACHE: cacheRoot,
      ...env,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "setup-pulumi-"));
  pathDir = join(root, "path");
  cacheRoot = join(root, "cache");
  cachedBin = join(cacheRoot, `pulumi-v${PULUMI_VERSION}`, "bin");
  brokenPulumi(join(pathDir, "pulumi"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("Script: setup-pulumi.sh", () => {
  it("falls back to the cached build when the pulumi on PATH fails `version`, and says why", () => {
    // Prepare
    workingPulumi(join(cachedBin, "pulumi"), PULUMI_VERSION);
    // Act
    const { status, stdout, stderr } = run([]);
    // Assess
    expect({ status, stdout }).toEqual({ status: 0, stdout: `${cachedBin}\n` });
    expect(stderr).toContain(
      `[setup-pulumi] ignoring the pulumi on PATH (${pathDir}/pulumi): it fails 'pulumi version'; looking for a cached build`,
    );
    expect(stderr).toContain(`[setup-pulumi] using ${cachedBin}/pulumi (v${PULUMI_VERSION})`);
    // Not --locate-only: the dynamic-provider launcher is installed next to the CLI.
    expect(existsSync(join(cachedBin, "pulumi-resource-pulumi-nodejs"))).toBe(true);
  });

  it("--locate-only falls back the same way and installs nothing", () => {
    workingPulumi(join(cachedBin, "pulumi"), PULUMI_VERSION);

    const { status, stdout, stderr } = run(["--locate-only"]);

    expect({ status, stdout }).toEqual({ status: 0, stdout: `${cachedBin}\n` });
    expect(stderr).toContain("ignoring the pulumi on PATH");
    expect(existsSync(join(cachedBin, "pulumi-resource-pulumi-nodejs"))).toBe(false);
  });

  it("--locate-only without a cached build fails with what it tried and the fix", () => {
    const { status, stdout, stderr } = run(["--locate-only"]);

    expect({ status, stdout }).toEqual({ status: 1, stdout: "" });
    expect(stderr).toContain("[setup-pulumi] error: no Pulumi CLI found.");
    expect(stderr).toContain(`pulumi on PATH (${pathDir}/pulumi) fails 'pulumi version'`);
    expect(stderr).toContain(`no cached build at ${cachedBin}`);
    expect(stderr).toContain("Fix: run 'npm run setup'");
  });

  it("skips a pulumi on PATH that is too old, naming its version", () => {
    workingPulumi(join(pathDir, "pulumi"), "3.100.0");
    workingPulumi(join(cachedBin, "pulumi"), PULUMI_VERSION);

    const { status, stdout, stderr } = run(["--locate-only"]);

    expect({ status, stdout }).toEqual({ status: 0, stdout: `${cachedBin}\n` });
    expect(stderr).toContain("it reports 'v3.100.0', need >= 3.181.0");
  });

  it("uses a working pulumi on PATH first", () => {
    workingPulumi(join(pathDir, "pulumi"), "3.200.0");
    workingPulumi(join(cachedBin, "pulumi"), PULUMI_VERSION);

    const { status, stdout } = run(["--locate-only"]);

    expect({ status, stdout }).toEqual({ status: 0, stdout: `${pathDir}\n` });
  });

  it("fails loudly when PULUMI_CLI points at a CLI that fails `version`", () => {
    const { status, stdout, stderr } = run(["--locate-only"], {
      PULUMI_CLI: join(pathDir, "pulumi"),
    });

    expect({ status, stdout }).toEqual({ status: 1, stdout: "" });
    expect(stderr).toContain(
      `[setup-pulumi] error: PULUMI_CLI=${pathDir}/pulumi fails 'pulumi version'.`,
    );
  });

  it("waits for a build another run holds the lock for, then uses it instead of building again", async () => {
    const lockDir = join(cacheRoot, `pulumi-v${PULUMI_VERSION}`);
    mkdirSync(lockDir, { recursive: true });
    const fakeBin = join(cachedBin, "pulumi");
    // The other run: holds the build lock, "builds" for a moment, then leaves its CLI behind.
    const holder = spawn(
      "flock",
      [
        join(lockDir, "build.lock"),
        "sh",
        "-c",
        `echo locked; sleep 1; mkdir -p '${cachedBin}'; printf '#!/bin/sh\\n[ "$1" = version ] && echo v${PULUMI_VERSION}\\n' > '${fakeBin}'; chmod 755 '${fakeBin}'`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((done) => holder.stdout.once("data", () => done()));

    const { status, stdout, stderr } = run([]);
    await new Promise((done) => holder.once("exit", done));

    expect({ status, stdout }).toEqual({ status: 0, stdout: `${cachedBin}\n` });
    expect(stderr).toContain(`another run is building v${PULUMI_VERSION}; waiting for it`);
    expect(stderr).toContain(`[setup-pulumi] using ${fakeBin} (v${PULUMI_VERSION})`);
  });
});
