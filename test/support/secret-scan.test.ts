// The secret scan every test file gets: its finders, and proof that the sweep wired in
// vitest.config.mts runs over what tests write (a planted secret in a temporary state file is
// reported by name and place, never by value) and fails the test that left it.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startPolarEmulator } from "../emulators/polar";
import {
  allowInClear,
  findSecrets,
  findSecretsInText,
  registeredSecretLabels,
  registerSecret,
  SecretLeakError,
} from "./secret-scan";
import { sweep } from "./secret-sweep";

const REPO_ROOT = resolve(__dirname, "../..");
const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

describe("Module: secret-scan", () => {
  it("finds a registered value whole, by its first characters and base64-encoded, naming line and label only", () => {
    // Prepare
    const secret = registerSecret(newSecret(), "unit webhook secret");
    const text = [
      "starting",
      `whole ${secret}`,
      `log: key=${secret.slice(0, 16)}…`,
      `authorization: Basic ${Buffer.from(secret).toString("base64")}`,
    ];
    // Act
    const findings = text.map((line, index) => findSecretsInText(line, `line ${index}`));
    // Assess
    expect(findings).toEqual([
      [],
      [{ label: "unit webhook secret", form: "whole value", where: "line 1:1" }],
      [{ label: "unit webhook secret", form: "first 10 characters", where: "line 2:1" }],
      [{ label: "unit webhook secret", form: "base64 of the value", where: "line 3:1" }],
    ]);
    const message = new SecretLeakError(findings.flat()).message;
    expect(message).toContain("unit webhook secret (whole value) in line 1:1");
    expect(message).not.toContain(secret.slice("whsec_".length, "whsec_".length + 10));
  });

  it("ignores values stored in clear on purpose only where the test declared them", async () => {
    // Prepare
    const secret = registerSecret(newSecret(), "declared secret");
    const root = await mkdtemp(join(tmpdir(), "allowed-"));
    await mkdir(join(root, "kept"));
    await writeFile(join(root, "kept", "passphrase"), secret);
    await writeFile(join(root, "state.json"), secret);
    // Act
    allowInClear(secret, "the test keeps it there", join(root, "kept"));
    const findings = await findSecrets({ path: root });
    // Assess
    expect(findings.filter((f) => f.label === "declared secret")).toEqual([
      { label: "declared secret", form: "whole value", where: "state.json:1" },
    ]);
    expect(() => allowInClear(newSecret(), "never registered")).toThrow(/not a registered/);
    await rm(root, { recursive: true, force: true });
  });

  it("registers every token and webhook secret the Polar emulator issues", async () => {
    // Act
    const polar = await startPolarEmulator();
    const before = registeredSecretLabels().length;
    const created = polar.insertEndpoint({ url: "https://example.com/hook" });
    polar.createToken({ kind: "organization" });
    await polar.close();
    // Assess
    const labels = registeredSecretLabels();
    expect(labels.length).toBe(before + 2);
    expect(labels).toEqual(
      expect.arrayContaining([
        "Polar emulator organization token",
        "Polar emulator personal token",
        "Polar emulator webhook secret",
      ]),
    );
    expect(findSecretsInText(`secret=${created.secret}`, "dump")).toEqual([
      { label: "Polar emulator webhook secret", form: "whole value", where: "dump:1" },
    ]);
  });
});

describe("The sweep after each test", () => {
  it("runs over this file's temporary directory: a planted secret in a state file is reported", async () => {
    // Prepare: a state file as the engine tests' stacks write them, under tmpdir().
    expect(basename(tmpdir())).toMatch(/^polar-test-/);
    const secret = registerSecret(newSecret(), "planted webhook secret");
    const stack = await mkdtemp(join(tmpdir(), "stack-"));
    const state = join(stack, ".pulumi", "stacks", "polar-webhooks", "dev.json");
    await mkdir(join(state, ".."), { recursive: true });
    await writeFile(state, JSON.stringify({ outputs: { secret } }, null, 2));
    // Act
    const findings = await sweep();
    await rm(stack, { recursive: true, force: true });
    const afterCleanup = await sweep({ all: true });
    // Assess
    expect(findings).toEqual([
      { label: "planted webhook secret", form: "whole value", where: `${state}:3` },
    ]);
    expect(afterCleanup).toEqual([]);
  });

  it("fails the test that left a secret in a file or in recorded output, before its cleanup hooks", async () => {
    // Prepare
    const secret = newSecret();
    const output = await mkdtemp(join(tmpdir(), "child-vitest-"));
    const report = join(output, "report.json");
    // Act: a child vitest with the repository's configuration runs the fixture.
    const run = await promisify(execFile)(
      process.execPath,
      [
        join(REPO_ROOT, "node_modules/vitest/vitest.mjs"),
        "run",
        "--config",
        "test/support/fixtures/vitest.planted.mts",
        `--outputFile=${report}`,
      ],
      { cwd: REPO_ROOT, env: { ...process.env, PLANTED_SECRET: secret } },
    ).then(
      (done) => ({ code: 0, text: done.stdout + done.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        text: error.stdout + error.stderr,
      }),
    );
    const json = await readFile(report, "utf8");
    await rm(output, { recursive: true, force: true });
    // Assess
    expect(run.code, run.text).toBe(1);
    const results = (
      JSON.parse(json) as {
        testResults: {
          assertionResults: { title: string; status: string; failureMessages: string[] }[];
        }[];
      }
    ).testResults.flatMap((file) => file.assertionResults);
    expect(results.map((r) => [r.title, r.status])).toEqual([
      ["writes a state file holding the secret", "failed"],
      ["prints the secret in output a helper recorded", "failed"],
      ["writes and prints only ciphertext", "passed"],
    ]);
    expect(results[0]!.failureMessages[0]).toMatch(
      /planted webhook secret \(whole value\) in \S*planted-stack-\w+\/state\.json:3/,
    );
    expect(results[1]!.failureMessages[0]).toContain(
      "planted webhook secret (whole value) in planted CLI stdout:2",
    );
    expect(`${run.text}\n${json}`).not.toContain(secret.slice("whsec_".length, 16));
  });
});
