// The user's path: plain `pulumi` runs programs through Pulumi's Node.js language host and its runner
// (@pulumi/pulumi/cmd/run: ts-node with type-checking, the tsconfig of the program's folder), against a file
// backend. The Automation API tests elsewhere run programs inside a process tsx compiled, which proves neither.
// A program of endpoints alone goes through plain `up`, `refresh`, `destroy` and the runbooks' commands in
// test/examples/endpoint-only.test.ts, installed from the package as a user's program is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});
