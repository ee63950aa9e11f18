// .ci/run and scripts/check-clean.sh, run for real in a throw-away git repository holding copies of both. The
// set-up and `npm` are stand-ins there (a whole CI run cannot nest inside a test): the fake `npm test` either
// leaves the checkout alone or does what a careless test does, write a salt into a tracked stack file.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const REPO_ROOT = resolve(__dirname, "../..");
let repo: string;
let bin: string;

function git(...args: string[]): void {
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd: repo,
  });
}

function writeExecutable(file: string, body: string): void {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

function run(command: string, args: string[] = []) {
  const result = spawnSync("bash", [command, ...args], {
    cwd: repo,
    encoding: "utf8",
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: repo },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeEach(() => {
  const root = mkdtempSync(join(tmpdir(), "ci-run-"));
  repo = join(root, "repo");
  bin = join(root, "bin");
  for (const dir of [join(repo, ".ci"), join(repo, "scripts"), bin]) {
    mkdirSync(dir, { recursive: true });
  }
  copyFileSync(join(REPO_ROOT, ".ci/run"), join(repo, ".ci/run"));
  copyFileSync(join(REPO_ROOT, "scripts/check-clean.sh"), join(repo, "scripts/check-clean.sh"));
  writeFileSync(join(repo, "scripts/setup.sh"), "echo '[setup] stand-in'\n");
  writeFileSync(join(repo, "Pulumi.dev.yaml"), "config:\n  aws:region: eu-west-1\n");
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "initial");
});

afterEach(() => rmSync(resolve(repo, ".."), { recursive: true, force: true }));

describe("Script: check-clean.sh", () => {
  it("passes on an unchanged checkout", () => {
    expect(run("scripts/check-clean.sh")).toEqual({
      status: 0,
      stdout: "[check-clean] the checkout is unchanged\n",
      stderr: "",
    });
  });

  it("fails listing every changed and new file", () => {
    // Prepare
    writeFileSync(join(repo, "Pulumi.dev.yaml"), "encryptionsalt: v1:abc\n");
    mkdirSync(join(repo, "out"));
    writeFileSync(join(repo, "out/report.txt"), "x");
    // Act
    const { status, stderr } = run("scripts/check-clean.sh");
    // Assess
    expect(status).toBe(1);
    expect(stderr).toBe(
      "[check-clean] error: the run changed the checkout; these files differ from the commit:\n" +
        "[check-clean]    M Pulumi.dev.yaml\n" +
        "[check-clean]   ?? out/report.txt\n" +
        "[check-clean]   Fix: write test output to a temporary directory (or .gitignore it), not into the checkout.\n",
    );
  });

  it("refuses a directory that is not a git checkout", () => {
    const { status, stderr } = run("scripts/check-clean.sh", [bin]);
    expect({ status, stderr }).toEqual({
      status: 2,
      stderr: `[check-clean] error: ${bin} is not a git checkout\n`,
    });
  });
});

describe("Script: .ci/run", () => {
  it("runs the set-up, then `npm test`, then passes on a clean checkout", () => {
    writeExecutable(join(bin, "npm"), 'echo "npm $*"');

    const { status, stdout } = run(".ci/run");

    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^\[setup\] stand-in\n\[ci\] set-up took \d+ s\nnpm test\n\[check-clean\] the checkout is unchanged\n\[ci\] total \d+ s\n$/,
    );
  });

  it("fails after `npm test` when the tests wrote into a tracked file", () => {
    writeExecutable(join(bin, "npm"), 'echo "encryptionsalt: v1:abc" >> Pulumi.dev.yaml');

    const { status, stdout, stderr } = run(".ci/run");

    expect(status).toBe(1);
    expect(stdout).not.toContain("[ci] total");
    expect(stderr).toContain("[check-clean]    M Pulumi.dev.yaml\n");
  });

  it("stops at a failing `npm test` without checking", () => {
    writeExecutable(join(bin, "npm"), "exit 7");

    const { status, stdout } = run(".ci/run");

    expect(status).toBe(7);
    expect(stdout).not.toContain("[check-clean]");
  });
});
