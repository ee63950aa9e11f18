// examples/existing-program as a user with an existing Pulumi program gets it: the packed tarball installed by npm
// into a copy, type-checked with Pulumi's template tsconfig (strict, and without strict), then its own tests: the
// component under Pulumi's mocks (no AWS plugin here) and the consumer in plain Node.
import { beforeAll, describe, expect, it } from "vitest";
import { installExample, packedTarball, run, type InstalledExample } from "./support";

describe("examples/existing-program, installed from the packed tarball", () => {
  let example: InstalledExample;

  beforeAll(async () => {
    example = await installExample("existing-program", await packedTarball());
  }, 300_000);

  it("type-checks with Pulumi's template tsconfig with strict off (its `npm test` compiles with strict on)", async () => {
    // The user's code against the package's types; the declarations themselves are checked whole by `npm test`.
    const lax = await run("tsc", ["--noEmit", "-p", ".", "--strict", "false", "--skipLibCheck"], {
      cwd: example.directory,
      env: example.env,
    });
    expect(lax, lax.output).toMatchObject({ code: 0 });
  });

  it("passes its own `npm test`: tsc with the template tsconfig, the component under mocks, the consumer in plain Node", async () => {
    const result = await run("npm", ["test", "--silent"], {
      cwd: example.directory,
      env: example.env,
    });
    expect(result, result.output).toMatchObject({ code: 0 });
    // node --test's summary: every test of both files ran and passed.
    expect(result.output).toMatch(/^# tests 4$/m);
    expect(result.output).toMatch(/^# pass 4$/m);
  });
});
