// Plain `pulumi`, as users run it: the CLI runs a program directory through Pulumi's Node.js language host and
// its runner (ts-node, type-checking on), not through the Automation API inside a process tsx compiled. The
// program is this repository's (or a fixture in it), copied to a throw-away directory with the checkout's
// node_modules linked in, so nothing is written into the checkout (Pulumi.<stack>.yaml gains an encryptionsalt).
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { registerSecret } from "../support/secret-scan";
import { recordOutput, removeAfterScan } from "../support/secret-sweep";
import { requirePulumiCli } from "./harness";

const repoRoot = resolve(__dirname, "../..");

export const LANGUAGE_HOST = "pulumi-language-nodejs";

/** Fails (never skips) without the language host, naming the set-up command that builds it. */
export function requireLanguageHost(): void {
  try {
    execFileSync("sh", ["-c", `command -v ${LANGUAGE_HOST}`], { stdio: "ignore" });
  } catch {
    throw new Error(
      `No ${LANGUAGE_HOST} on PATH: plain \`pulumi\` cannot run a Node.js program without Pulumi's language ` +
        "host. Run `npm run setup` (builds it once from the Go module proxy), then `npm test`.",
    );
  }
}

export interface PlainRun {
  readonly code: number;
  /** stdout, then stderr. */
  readonly output: string;
}

export interface PlainPulumi {
  /** The copy of the repository; run programs below it. */
  readonly repository: string;
  /** `pulumi <args> --non-interactive` in `cwd` (relative to the copy, or absolute); resolves with any exit code. */
  run(cwd: string, args: readonly string[], env?: Record<string, string>): Promise<PlainRun>;
  /** Scans everything written for secrets, then removes it. */
  dispose(): Promise<void>;
}

/**
 * A file backend and a PULUMI_HOME in one temp directory, and (unless `repository: false`, for programs that live
 * elsewhere) a copy of the checkout's tracked files there.
 */
export async function createPlainPulumi(
  options: { readonly repository?: boolean } = {},
): Promise<PlainPulumi> {
  requirePulumiCli();
  requireLanguageHost();
  const directory = await mkdtemp(join(tmpdir(), "plain-pulumi-"));
  const repository = join(directory, "repository");
  if (options.repository !== false) await copyCheckout(repository);
  await Promise.all(["state", "home"].map((d) => mkdir(join(directory, d))));

  const passphrase = registerSecret(randomBytes(18).toString("base64url"), "plain CLI passphrase");
  // The user's own Polar settings must not reach these programs: each test states its own.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("POLAR_")),
  );
  const env = {
    ...inherited,
    PULUMI_BACKEND_URL: `file://${join(directory, "state")}`,
    PULUMI_HOME: join(directory, "home"),
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_ERROR: "1",
  };

  return {
    repository,
    run: (cwd, args, extra = {}) =>
      new Promise((done) => {
        execFile(
          "pulumi",
          [...args, "--non-interactive"],
          { cwd: resolve(repository, cwd), env: { ...env, ...extra }, maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) => {
            const output = `${stdout}${stderr}`;
            // Secrets shown on request are the user's to see; everything else is swept.
            if (!args.includes("--show-secrets")) {
              recordOutput(output, `pulumi ${args.slice(0, 2).join(" ")}`);
            }
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            done({ code, output });
          },
        );
      }),
    dispose: () => removeAfterScan(directory),
  };
}

/** The checkout's tracked files, with its node_modules linked in. */
async function copyCheckout(repository: string): Promise<void> {
  const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: repoRoot, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  await Promise.all(
    tracked.map(async (file) => {
      await mkdir(dirname(join(repository, file)), { recursive: true });
      await cp(join(repoRoot, file), join(repository, file));
    }),
  );
  await symlink(join(repoRoot, "node_modules"), join(repository, "node_modules"), "dir");
}

/** The lines of a CLI transcript that report an error, each once, trimmed. */
export function errorLines(output: string): string[] {
  return [
    ...new Set(
      output
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => /(^|\s)error: /.test(line)),
    ),
  ];
}
