// The CLI as users start it: its launcher and `npm run polar`, real processes, real
// exit statuses, JSON on stdout only.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveriesJson } from "../../cli/deliveries-view";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { allOutput, cleanEnv, expectNoSecretsIn, json, REPO_ROOT, spawnCli } from "./support";

let polar: PolarEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  polar = await startPolarEmulator();
  env = { POLAR_ACCESS_TOKEN: polar.organizationToken, POLAR_API_URL: polar.url };
});

afterAll(async () => {
  expectNoSecretsIn(allOutput, [polar.organizationToken]);
  await polar?.close();
});

describe("polar-webhooks (cli/launcher.cjs)", () => {
  it("prints help with exit status 0, and 2 without a command or for an unknown one", async () => {
    const help = await spawnCli(["--help"]);
    const commandHelp = await spawnCli(["dlq", "redrive", "--help"]);
    const none = await spawnCli([]);
    const unknown = await spawnCli(["deliverys"]);

    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: polar-webhooks <command> [options]");
    for (const command of [
      "endpoints",
      "deliveries",
      "redeliver",
      "trigger",
      "queue peek",
      "dlq peek",
      "dlq redrive",
    ]) {
      expect(help.stdout).toContain(`  ${command} `);
    }
    expect(commandHelp).toMatchObject({ code: 0, stderr: "" });
    expect(commandHelp.stdout).toContain("Usage: polar-webhooks dlq redrive [options]");
    expect(none.code).toBe(2);
    expect(unknown).toMatchObject({ code: 2, stdout: "" });
    expect(unknown.stderr).toBe(
      `error: unknown command "deliverys"; did you mean "deliveries"?\nRun 'polar-webhooks --help' for usage.\n`,
    );
  });

  it("prints deliveries as JSON on stdout and progress on stderr; 1 when Polar refuses, 2 for bad input", async () => {
    const endpoint = polar.insertEndpoint({
      url: "https://example.com/hook",
      events: ["order.paid"],
    });
    const event = polar.insertEvent({ endpointId: endpoint.id, type: "order.paid", payload: "{}" });
    polar.insertDelivery({ eventId: event.id, succeeded: false, httpCode: 500 });

    const listed = await spawnCli(["deliveries", "--json"], env);
    polar.faults.set({ serverError: { count: 1, method: "POST", status: 500 } });
    const refused = await spawnCli(
      ["redeliver", event.id, "--endpoint", endpoint.id, "--rate", "6000"],
      env,
    );
    const bad = await spawnCli(["deliveries", "--since", "soon"], env);

    expect(json<DeliveriesJson>(listed)).toMatchObject({
      version: 1,
      total: 1,
      deliveries: [{ httpCode: 500, attempt: 1, event: { id: event.id } }],
    });
    expect(listed.stderr).toBe("deliveries: page 1 of 1 (1 of 1)\n");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("Redelivered 0 events; skipped none; 1 failed.\n");
    expect(refused.stderr).toContain("Polar may have scheduled it anyway");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since "soon" is neither a duration nor an ISO 8601 time.');
  });
});

describe("npm run polar", () => {
  it("runs the same CLI", async () => {
    const { stdout } = await promisify(execFile)(
      "npm",
      ["run", "--silent", "polar", "--", "trigger", "--help"],
      {
        cwd: REPO_ROOT,
        env: cleanEnv(),
      },
    );
    allOutput.push(stdout);
    expect(stdout).toContain("Usage: polar-webhooks trigger <event-type> [options]");
  });
});
