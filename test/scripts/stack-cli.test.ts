// scripts/stack.ts as the drift workflow runs it (`npm run stack -- drift <stack>`): the exit codes
// are a contract (.github/workflows/drift.yml). What cannot check exits 2 and creates nothing.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const REPO_ROOT = resolve(__dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "stack-cli-"));
const backend = join(scratch, "state");
mkdirSync(backend);

function stack(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(
    join(REPO_ROOT, "node_modules/.bin/tsx"),
    ["scripts/stack.ts", ...args],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        HOME: scratch,
        PULUMI_HOME: join(scratch, "pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR: "1",
        PULUMI_BACKEND_URL: `file://${backend}`,
        ...env,
      },
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("npm run stack -- drift", () => {
  it("exits 2 without a passphrase, saying which variable to set", () => {
    const result = stack(["drift", "dev"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("error: set PULUMI_CONFIG_PASSPHRASE");
  });

  it("exits 2 for a stack that was never deployed, and does not create it", () => {
    const result = stack(["drift", "dev"], { PULUMI_CONFIG_PASSPHRASE: "not-used" });
    expect(result.status).toBe(2);
    expect(result.stdout.trim()).toBe(
      "[drift] dev: cannot check for drift: stack dev has never been deployed (no resources in its state), so there is nothing to compare with: deploy it first with `npm run up -- dev`.",
    );
    const json = stack(["drift", "dev", "--json"], { PULUMI_CONFIG_PASSPHRASE: "not-used" });
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ stack: "dev", drifted: null, findings: [] });
    expect(readdirSync(join(backend, ".pulumi"))).not.toContain("stacks");
  });

  it("refuses options that do not go with the operation", () => {
    expect(stack(["up", "dev", "--json"]).stderr).toContain("error: --json goes with drift only");
    const noRefresh = stack(["destroy", "dev", "--no-refresh"]);
    expect(noRefresh.status).toBe(2);
    expect(noRefresh.stderr).toContain("error: --no-refresh goes with up and preview only");
  });
});
