// scripts/setup-language-host.sh and the language-host part of scripts/with-toolchain.sh, run for real with fake
// executables in a temp cache (POLAR_WEBHOOKS_CACHE). Nothing here builds: every case is answered before the build.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const SCRIPTS = resolve(__dirname, "../../scripts");
const HOST = "pulumi-language-nodejs";
const HOST_DIR = `${HOST}-v3.68.0`;

let root: string;
let pathDir: string;
let cacheRoot: string;
let cachedBin: string;

function writeExecutable(file: string, body = "exit 0"): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync("bash", [join(SCRIPTS, script), ...args], {
    encoding: "utf8",
    env: {
      // The fakes and the system tools only: no real pulumi, host or Go from the caller's PATH.
      PATH: `${pathDir}:/usr/bin:/bin`,
      HOME: root,
      POLAR_WEBHOOKS_CACHE: cacheRoot,
      ...env,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "setup-language-host-"));
  pathDir = join(root, "path");
  cacheRoot = join(root, "cache");
  cachedBin = join(cacheRoot, HOST_DIR, "bin");
  mkdirSync(pathDir, { recursive: true });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("Script: setup-language-host.sh", () => {
  it("uses the host next to the Pulumi CLI first (an official install ships it there)", () => {
    const cliDir = join(root, "official/bin");
    writeExecutable(join(cliDir, HOST));
    writeExecutable(join(pathDir, HOST));
    writeExecutable(join(cachedBin, HOST));

    expect(run("setup-language-host.sh", [], { PULUMI_CLI_DIR: cliDir })).toMatchObject({
      status: 0,
      stdout: `${cliDir}\n`,
    });
  });

  it("then one on PATH, then the cached build", () => {
    writeExecutable(join(pathDir, HOST));
    writeExecutable(join(cachedBin, HOST));
    expect(run("setup-language-host.sh", ["--locate-only"])).toMatchObject({
      status: 0,
      stdout: `${pathDir}\n`,
    });

    rmSync(join(pathDir, HOST));
    expect(run("setup-language-host.sh", ["--locate-only"])).toMatchObject({
      status: 0,
      stdout: `${cachedBin}\n`,
    });
  });

  it("--locate-only without any host fails with what it tried and the set-up command", () => {
    const { status, stdout, stderr } = run("setup-language-host.sh", ["--locate-only"]);

    expect({ status, stdout }).toEqual({ status: 1, stdout: "" });
    expect(stderr).toContain(`no Pulumi Node.js language host (${HOST}) found`);
    expect(stderr).toContain("none on PATH");
    expect(stderr).toContain(`no cached build at ${cachedBin}`);
    expect(stderr).toContain("Fix: run 'npm run setup'");
  });

  it("waits for a build another run holds the lock for, then uses it instead of building again", async () => {
    const lockDir = join(cacheRoot, HOST_DIR);
    mkdirSync(lockDir, { recursive: true });
    const holder = spawn(
      "flock",
      [
        join(lockDir, "build.lock"),
        "sh",
        "-c",
        `echo locked; sleep 1; mkdir -p '${cachedBin}'; printf '#!/bin/sh\\n' > '${cachedBin}/${HOST}'; chmod 755 '${cachedBin}/${HOST}'`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((done) => holder.stdout.once("data", () => done()));

    const { status, stdout, stderr } = run("setup-language-host.sh", []);
    await new Promise((done) => holder.once("exit", done));

    expect({ status, stdout }).toEqual({ status: 0, stdout: `${cachedBin}\n` });
    expect(stderr).toContain(`another run is building ${HOST}; waiting for it`);
  });
});

describe("Script: with-toolchain.sh without a language host", () => {
  it("refuses a `pulumi` command that runs the program, with the set-up command; runs any other", () => {
    // A CLI but no host anywhere: the real node_modules/.bin comes first on PATH in the script.
    writeExecutable(join(pathDir, "pulumi"), 'echo "ran pulumi $*"');

    const preview = run("with-toolchain.sh", ["pulumi", "preview", "-s", "dev"]);
    expect(preview.status).toBe(1);
    expect(preview.stdout).toBe("");
    expect(preview.stderr).toContain(`'pulumi preview' runs the program, which needs`);
    expect(preview.stderr).toContain("Run 'npm run setup'");

    const output = run("with-toolchain.sh", ["pulumi", "stack", "output", "-s", "dev"]);
    expect(output).toMatchObject({ status: 0, stdout: "ran pulumi stack output -s dev\n" });
  });
});
