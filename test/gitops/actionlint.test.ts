// actionlint (v1.7.12, built by `npm run setup`) over every workflow and the toolchain action, and
// scripts/setup-actionlint.sh's own behaviour. A missing actionlint fails these tests: a skipped
// lint would let a broken workflow through.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dump } from "js-yaml";
import { afterAll, describe, expect, it } from "vitest";
import { loadToolchainAction, repoRoot, workflowFiles } from "./workflows";

const setupScript = join(repoRoot, "scripts/setup-actionlint.sh");
const scratch = mkdtempSync(join(tmpdir(), "actionlint-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function locateActionlint(): string {
  const located = spawnSync("bash", [setupScript, "--locate-only"], { encoding: "utf8" });
  if (located.status !== 0) {
    throw new Error(
      "actionlint v1.7.12 is not set up: run `npm run setup` (builds it once from the Go module proxy), " +
        `then \`npm test\`.\n${located.stderr}`,
    );
  }
  return join(located.stdout.trim(), "actionlint");
}

/**
 * Runs actionlint in `cwd` on `files`. shellcheck and pyflakes are turned off so the result does
 * not depend on what else happens to be installed on the machine.
 */
function actionlint(cwd: string, files: string[]) {
  const result = spawnSync(
    locateActionlint(),
    ["-no-color", "-verbose", "-shellcheck=", "-pyflakes=", ...files],
    { cwd, encoding: "utf8" },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A throw-away repository holding one workflow, for what actionlint says about it. */
function scratchRepository(name: string, workflow: unknown): string {
  const root = join(scratch, name);
  mkdirSync(join(root, ".github/workflows"), { recursive: true });
  writeFileSync(join(root, ".github/workflows/check.yml"), dump(workflow, { lineWidth: -1 }));
  return root;
}

describe("actionlint", () => {
  it("is v1.7.12 or newer", () => {
    const version = spawnSync(locateActionlint(), ["-version"], { encoding: "utf8" });
    const [major, minor, patch] = version.stdout
      .split("\n")[0]
      .replace(/^v/, "")
      .split(".")
      .map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(1_007_012);
  });

  it("finds no problem in any workflow", () => {
    const files = workflowFiles().map((file) => `.github/workflows/${file}`);
    expect(files.length).toBe(3);
    const result = actionlint(repoRoot, files);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`Found 0 errors in ${files.length} files`);
    expect(result.status).toBe(0);
  });

  // actionlint reads a local composite action for its inputs but does not lint its steps: lint
  // them as the steps of a job.
  it("finds no problem in the toolchain action's steps", () => {
    const steps = loadToolchainAction().runs.steps;
    const root = scratchRepository("toolchain", {
      on: "push",
      permissions: {},
      jobs: { toolchain: { "runs-on": "ubuntu-latest", steps } },
    });
    const result = actionlint(root, [".github/workflows/check.yml"]);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });

  it("reports a wrong action input and an unknown context, so a clean run means something", () => {
    const root = scratchRepository("broken", {
      on: "pull_request",
      permissions: {},
      jobs: {
        preview: {
          "runs-on": "ubuntu-latest",
          steps: [
            {
              uses: "aws-actions/configure-aws-credentials@v6",
              with: { "role-to-asume": "${{ vars.AWS_ROLE_ARN }}", "aws-region": "eu-west-1" },
            },
            { run: "echo ${{ secret.POLAR_ACCESS_TOKEN }}" },
          ],
        },
      },
    });
    const result = actionlint(root, [".github/workflows/check.yml"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('input "role-to-asume" is not defined');
    expect(result.stdout).toContain('undefined variable "secret"');
  });
});

describe("scripts/setup-actionlint.sh", () => {
  const bareEnv = (pathDirs: string[], cache: string) => ({
    ...process.env,
    PATH: [...pathDirs, "/usr/bin", "/bin"].join(":"),
    POLAR_WEBHOOKS_CACHE: cache,
  });

  it("--locate-only without an actionlint says what it tried and how to fix it, and builds nothing", () => {
    const cache = join(scratch, "empty-cache");
    const result = spawnSync("bash", [setupScript, "--locate-only"], {
      env: bareEnv([], cache),
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("no actionlint on PATH");
    expect(result.stderr).toContain(`no cached build at ${cache}/actionlint-v1.7.12/bin`);
    expect(result.stderr).toContain("run 'npm run setup'");
    expect(spawnSync("test", ["-e", cache]).status).not.toBe(0);
  });

  it("prefers an actionlint >= 1.7.12 on PATH and prints its directory", () => {
    const bin = join(scratch, "path-bin");
    mkdirSync(bin, { recursive: true });
    symlinkSync(locateActionlint(), join(bin, "actionlint"));
    const result = spawnSync("bash", [setupScript, "--locate-only"], {
      env: bareEnv([bin], join(scratch, "unused-cache")),
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(bin);
  });

  it("passes over an older actionlint on PATH, naming its version", () => {
    const bin = join(scratch, "old-bin");
    mkdirSync(bin, { recursive: true });
    // Stands in for an old install on the user's PATH; only its `-version` answer matters here.
    writeFileSync(join(bin, "actionlint"), "#!/bin/sh\necho 1.6.27\n");
    chmodSync(join(bin, "actionlint"), 0o755);
    const result = spawnSync("bash", [setupScript, "--locate-only"], {
      env: bareEnv([bin], join(scratch, "empty-cache-2")),
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`actionlint on PATH (${bin}/actionlint) reports '1.6.27'`);
    expect(result.stderr).toContain("need >= 1.7.12");
  });
});
