// examples/endpoint-only as a user without AWS runs it: the packed tarball installed by npm into a copy, then plain
// `pulumi up`, `refresh` and `destroy` through the Node.js language host, against the Polar emulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { createPlainPulumi, type PlainPulumi } from "../engine/plain-cli";
import { installExample, packedTarball, type InstalledExample } from "./support";

const ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";

describe("examples/endpoint-only, installed from the packed tarball", () => {
  let polar: PolarEmulator;
  let plain: PlainPulumi;
  let example: InstalledExample;
  const pulumi = (...args: string[]) => plain.run(example.directory, [...args, "-s", "dev"]);

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
    await Promise.all([polar?.close(), plain?.dispose()]);
  });

  it("`pulumi up` creates both endpoints; each secret output is the one Polar signs with", async () => {
    const up = await pulumi("up", "--yes");
    expect(up, up.output).toMatchObject({ code: 0 });

    const shown = await pulumi("stack", "output", "--json", "--show-secrets");
    const outputs = JSON.parse(shown.output) as Record<string, string>;
    expect(
      polar
        .endpoints()
        .map((e) => e.id)
        .sort(),
    ).toEqual([outputs.ordersEndpointId, outputs.subscriptionsEndpointId].sort());
    expect(outputs.ordersSecret).toBe(polar.getEndpoint(outputs.ordersEndpointId)?.secret);
    expect(outputs.subscriptionsSecret).toBe(
      polar.getEndpoint(outputs.subscriptionsEndpointId)?.secret,
    );
  });

  it("stores the provider as `require`s of the installed package, not as its code", async () => {
    const exported = await pulumi("stack", "export");
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

  it("`pulumi refresh` keeps both; `pulumi destroy` leaves nothing in Polar", async () => {
    const refresh = await pulumi("refresh", "--yes");
    expect(refresh, refresh.output).toMatchObject({ code: 0 });
    expect(polar.endpoints()).toHaveLength(2);

    const destroy = await pulumi("destroy", "--yes");
    expect(destroy, destroy.output).toMatchObject({ code: 0 });
    expect(polar.endpoints()).toEqual([]);
  });
});
