// examples/endpoint-only as a user without AWS runs it: the packed tarball installed by npm into a copy, then plain
// `pulumi` through the Node.js language host (Pulumi's runner, ts-node), against the Polar emulator: `up`, the
// drift check, `refresh`, the rotation runbook, the move to another Polar server, `destroy` (docs/runbooks.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { createPlainPulumi, type PlainPulumi } from "../engine/plain-cli";
import { installExample, packedTarball, type InstalledExample } from "./support";

const ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";

describe("examples/endpoint-only, installed from the packed tarball", () => {
  let polar: PolarEmulator;
  let production: PolarEmulator;
  let plain: PlainPulumi;
  let example: InstalledExample;
  // The first `up` compiles the program type-checked, as users run it; later runs of the same unchanged program
  // skip ts-node's type-check (Pulumi's own switch), which changes nothing they assert and is most of their CPU.
  let typeChecked = false;
  const pulumi = (args: string[], env: Record<string, string> = {}) =>
    plain.run(example.directory, [...args, "-s", "dev"], {
      ...(typeChecked ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : {}),
      ...env,
    });
  const ok = async (...args: string[]) => {
    const result = await pulumi(args);
    expect(result, result.output).toMatchObject({ code: 0 });
    return result;
  };
  const outputs = async () =>
    JSON.parse((await ok("stack", "output", "--json", "--show-secrets")).output) as Record<
      string,
      string
    >;

  /** `server` holds exactly the stack's two endpoints, and each secret output is the one it signs with. */
  const expectOutputsOf = async (server: PolarEmulator) => {
    const out = await outputs();
    expect(
      server
        .endpoints()
        .map((e) => e.id)
        .sort(),
    ).toEqual([out.ordersEndpointId, out.subscriptionsEndpointId].sort());
    expect(out.ordersSecret).toBe(server.getEndpoint(out.ordersEndpointId)?.secret);
    expect(out.subscriptionsSecret).toBe(server.getEndpoint(out.subscriptionsEndpointId)?.secret);
  };

  beforeAll(async () => {
    [polar, plain, example] = await Promise.all([
      startPolarEmulator(),
      createPlainPulumi({ repository: false }),
      packedTarball().then((tarball) => installExample("endpoint-only", tarball)),
    ]);
    for (const args of [
      ["stack", "init", "dev"],
      ["config", "set", "polar:apiUrl", polar.url, "-s", "dev"],
      ["config", "set", "--secret", "polar:accessToken", polar.organizationToken, "-s", "dev"],
    ]) {
      const result = await plain.run(example.directory, args);
      expect(result, result.output).toMatchObject({ code: 0 });
    }
  }, 300_000);
  afterAll(async () => {
    await Promise.all([polar?.close(), production?.close(), plain?.dispose()]);
  });

  it("`pulumi up` creates both endpoints; each secret output is the one Polar signs with", async () => {
    await ok("up", "--yes");
    typeChecked = true;

    await expectOutputsOf(polar);
  });

  it("stores the provider as `require`s of the installed package, not as its code", async () => {
    const exported = await ok("stack", "export");
    const resources = (
      JSON.parse(exported.output) as {
        deployment: { resources: { type: string; inputs: { __provider: string } }[] };
      }
    ).deployment.resources.filter((r) => r.type === ENDPOINT_TYPE);
    expect(resources).toHaveLength(2);
    for (const { inputs } of resources) {
      // Refresh and delete run what these resolve to: the package installed then, not the code of the last `up`.
      expect(inputs.__provider).toContain(
        'require("polar-webhooks-as-code/dist/providers/polar/settings.js")',
      );
      expect(inputs.__provider).not.toContain("function normalizeWebhookUrl");
      console.info(`[endpoint-only] serialized __provider: ${inputs.__provider.length} bytes`);
    }
  });

  it("the drift check passes, then fails once Polar disables an endpoint", async () => {
    const drift = ["refresh", "--preview-only", "--expect-no-changes", "--run-program"];
    await ok(...drift);

    polar.autoDisable((await outputs()).ordersEndpointId);
    const drifted = await pulumi(drift);
    expect(drifted.code, drifted.output).not.toBe(0);
    expect(drifted.output).toMatch(/enabled/);
  });

  it("`pulumi refresh` records the disable; the rotation runbook's `pulumi up` re-enables it with new secrets", async () => {
    const before = await outputs();
    await ok("refresh", "--yes");
    await ok("config", "set", "secretRotation", "2026-12-06");

    await ok("up", "--yes");

    const after = await outputs();
    expect(after.ordersEndpointId).toBe(before.ordersEndpointId);
    expect(after.ordersSecret).not.toBe(before.ordersSecret);
    expect(after.ordersSecret).toBe(polar.getEndpoint(after.ordersEndpointId)?.secret);
    expect(after.subscriptionsSecret).not.toBe(before.subscriptionsSecret);
    expect(after.subscriptionsSecret).toBe(
      polar.getEndpoint(after.subscriptionsEndpointId)?.secret,
    );
    expect(polar.getEndpoint(after.ordersEndpointId)?.enabled).toBe(true);
  });

  it("the runbook to move the stack to another Polar server, command by command", async () => {
    // Prepare: a second emulator stands for production (`polar:apiUrl` for `polar:server production`).
    const before = await outputs();
    production = await startPolarEmulator();
    await ok("config", "set", "polar:apiUrl", production.url);
    await ok("config", "set", "--secret", "polar:accessToken", production.organizationToken);

    // `pulumi preview`: a replacement, without calling either Polar.
    polar.resetRequests();
    const preview = await ok("preview");
    expect(preview.output).toMatch(
      /\+-\s+pulumi-nodejs:dynamic\/polar:WebhookEndpoint orders replace/,
    );
    expect([...polar.requests, ...production.requests]).toEqual([]);

    // `pulumi up`: creates in production, then stops before deleting where it cannot see, naming the endpoint.
    const first = await pulumi(["up", "--yes"]);
    expect(first.code).not.toBe(0);
    expect(first.output).toContain(before.ordersEndpointId);
    expect(first.output).toContain("POLAR_PREVIOUS_ACCESS_TOKEN");
    expect(production.endpoints()).toHaveLength(2);
    expect(polar.endpoints()).toHaveLength(2);

    // `POLAR_PREVIOUS_ACCESS_TOKEN=… pulumi up`: deletes the old ones; done.
    const second = await pulumi(["up", "--yes"], {
      POLAR_PREVIOUS_ACCESS_TOKEN: polar.organizationToken,
    });
    expect(second, second.output).toMatchObject({ code: 0 });
    expect(polar.endpoints()).toEqual([]);
    await expectOutputsOf(production);
  });

  it("`pulumi destroy` leaves nothing in either Polar", async () => {
    await ok("destroy", "--yes");
    expect(production.endpoints()).toEqual([]);
    expect(polar.endpoints()).toEqual([]);
  });
});
