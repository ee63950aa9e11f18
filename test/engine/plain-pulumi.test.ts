// The user's path: plain `pulumi` runs programs through Pulumi's Node.js language host and its runner
// (@pulumi/pulumi/cmd/run: ts-node with type-checking, the tsconfig of the program's folder), against a file
// backend. The Automation API tests elsewhere run programs inside a process tsx compiled, which proves neither.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { createPlainPulumi, errorLines, type PlainPulumi } from "./plain-cli";

const TYPE_ERROR_CONSUMER = "test/infra/fixtures/type-error-consumer.ts";
const AWS_PLUGIN_MISSING = /no resource plugin 'pulumi-resource-aws' found/;

describe("plain `pulumi` through the Node.js language host", () => {
  let plain: PlainPulumi;

  beforeAll(async () => {
    plain = await createPlainPulumi();
  });
  afterAll(async () => {
    await plain?.dispose();
  });

  describe("this repository's program (Pulumi.yaml main: infra/index.ts)", () => {
    beforeAll(async () => {
      const init = await plain.run(".", ["stack", "init", "dev"]);
      expect(init, init.output).toMatchObject({ code: 0 });
    });

    it("`pulumi preview -s dev` compiles with type-checking on and runs as far as the AWS plugin", async () => {
      // Act
      const preview = await plain.run(".", ["preview", "-s", "dev"]);

      // Assess: the program ran (the component was declared); the only error is the plugin that cannot be
      // downloaded offline.
      expect(preview.output).not.toMatch(/TSError|Unable to compile TypeScript/);
      expect(preview.output).toMatch(
        /\+\s+polar-webhooks:index:PolarWebhookIngress polar-webhooks-dev create/,
      );
      const errors = errorLines(preview.output);
      expect(errors.length, preview.output).toBeGreaterThan(0);
      expect(
        errors.filter((line) => !AWS_PLUGIN_MISSING.test(line)),
        preview.output,
      ).toEqual([]);
      expect(preview.code).not.toBe(0);
    });

    it("a type error in the consumer named by polar-webhooks:consumer fails the preview, naming the file and line", async () => {
      // Prepare: a consumer that bundles (esbuild strips types) but assigns a string to a number on line 9.
      const set = await plain.run(".", [
        "config",
        "set",
        "polar-webhooks:consumer",
        TYPE_ERROR_CONSUMER,
        "-s",
        "dev",
      ]);
      expect(set, set.output).toMatchObject({ code: 0 });

      // Act
      const preview = await plain.run(".", ["preview", "-s", "dev"]);

      // Assess: refused before anything is declared (so not even the AWS provider is reached).
      expect(preview.code).not.toBe(0);
      expect(preview.output).toContain("polar-webhooks:consumer");
      expect(preview.output).toContain(
        `${TYPE_ERROR_CONSUMER}(9,13): error TS2322: Type 'string' is not assignable to type 'number'`,
      );
      expect(preview.output).toContain("nothing was created");
      expect(preview.output).not.toMatch(AWS_PLUGIN_MISSING);
    });
  });

  describe("a program of WebhookEndpoints only, against the Polar emulator", () => {
    const program = "test/engine/fixtures/endpoints-program";
    let polar: PolarEmulator;
    let production: PolarEmulator;
    // The first `up` compiles the program type-checked, as users run it; later runs of the same unchanged program
    // skip ts-node's type-check (Pulumi's own switch), which changes nothing they assert and is most of their CPU.
    let typeChecked = false;
    const run = (...args: string[]) => {
      const env: Record<string, string> = typeChecked
        ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }
        : {};
      return plain.run(program, [...args, "-s", "local"], env);
    };
    const outputs = async () => {
      const result = await run("stack", "output", "--json", "--show-secrets");
      expect(result, result.output).toMatchObject({ code: 0 });
      return JSON.parse(result.output) as Record<string, string>;
    };
    const secretInPolar = (id: string) => polar.getEndpoint(id)?.secret;

    beforeAll(async () => {
      polar = await startPolarEmulator();
      for (const args of [
        ["stack", "init", "local"],
        ["config", "set", "polar:apiUrl", polar.url, "-s", "local"],
        ["config", "set", "--secret", "polar:accessToken", polar.organizationToken, "-s", "local"],
      ]) {
        const result = await plain.run(program, args);
        expect(result, result.output).toMatchObject({ code: 0 });
      }
    });
    afterAll(async () => {
      await Promise.all([polar?.close(), production?.close()]);
    });

    it("`pulumi up` creates both endpoints; each secret output is the one Polar signs with", async () => {
      const up = await run("up", "--yes");
      expect(up, up.output).toMatchObject({ code: 0 });
      typeChecked = true;

      const out = await outputs();
      expect(
        polar
          .endpoints()
          .map((e) => e.id)
          .sort(),
      ).toEqual([out.ordersId, out.subscriptionsId].sort());
      expect(out.ordersSecret).toBe(secretInPolar(out.ordersId));
      expect(out.subscriptionsSecret).toBe(secretInPolar(out.subscriptionsId));
    });

    it("the drift check of docs/runbooks.md passes, then fails once Polar disables an endpoint", async () => {
      const drift = ["refresh", "--preview-only", "--expect-no-changes", "--run-program"];
      const clean = await run(...drift);
      expect(clean, clean.output).toMatchObject({ code: 0 });

      polar.autoDisable((await outputs()).ordersId);
      const drifted = await run(...drift);
      expect(drifted.code, drifted.output).not.toBe(0);
      expect(drifted.output).toMatch(/enabled/);
    });

    it("`pulumi refresh` records the disable; the rotation runbook's `pulumi up` re-enables it with a new secret", async () => {
      const before = await outputs();
      const refresh = await run("refresh", "--yes");
      expect(refresh, refresh.output).toMatchObject({ code: 0 });
      const set = await run("config", "set", "secretRotation", "2026-12-06");
      expect(set, set.output).toMatchObject({ code: 0 });

      const up = await run("up", "--yes");
      expect(up, up.output).toMatchObject({ code: 0 });

      const after = await outputs();
      expect(after.ordersId).toBe(before.ordersId);
      expect(after.ordersSecret).not.toBe(before.ordersSecret);
      expect(after.ordersSecret).toBe(secretInPolar(after.ordersId));
      expect(polar.getEndpoint(after.ordersId)?.enabled).toBe(true);
      expect(after.subscriptionsSecret).toBe(before.subscriptionsSecret);
    });

    it("the runbook to move the stack to another Polar server, command by command", async () => {
      // Prepare: a second emulator stands for production (`polar:apiUrl` for `polar:server production`).
      const before = await outputs();
      production = await startPolarEmulator();
      for (const args of [
        ["config", "set", "polar:apiUrl", production.url],
        ["config", "set", "--secret", "polar:accessToken", production.organizationToken],
      ]) {
        const result = await run(...args);
        expect(result, result.output).toMatchObject({ code: 0 });
      }

      // `pulumi preview`: a replacement, without calling either Polar.
      polar.resetRequests();
      const preview = await run("preview");
      expect(preview, preview.output).toMatchObject({ code: 0 });
      expect(preview.output).toMatch(
        /\+-\s+pulumi-nodejs:dynamic\/polar:WebhookEndpoint orders replace/,
      );
      expect([...polar.requests, ...production.requests]).toEqual([]);

      // `pulumi up`: creates in production, then stops before deleting where it cannot see, naming the endpoint.
      const first = await run("up", "--yes");
      expect(first.code).not.toBe(0);
      expect(first.output).toContain(before.ordersId);
      expect(first.output).toContain("POLAR_PREVIOUS_ACCESS_TOKEN");
      expect(production.endpoints()).toHaveLength(2);
      expect(polar.endpoints()).toHaveLength(2);

      // `POLAR_PREVIOUS_ACCESS_TOKEN=… pulumi up`: deletes the old ones; done.
      const second = await plain.run(program, ["up", "--yes", "-s", "local"], {
        POLAR_PREVIOUS_ACCESS_TOKEN: polar.organizationToken,
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      });
      expect(second, second.output).toMatchObject({ code: 0 });
      expect(polar.endpoints()).toEqual([]);
      const after = await outputs();
      expect(
        production
          .endpoints()
          .map((e) => e.id)
          .sort(),
      ).toEqual([after.ordersId, after.subscriptionsId].sort());
      expect(after.ordersSecret).toBe(production.getEndpoint(after.ordersId)?.secret);
    });

    it("`pulumi destroy` leaves nothing in Polar", async () => {
      const destroy = await run("destroy", "--yes");
      expect(destroy, destroy.output).toMatchObject({ code: 0 });
      expect(production.endpoints()).toEqual([]);
      expect(polar.endpoints()).toEqual([]);
    });
  });
});
