/**
 * Running the operations CLI in tests: in this process through `runCli` (captured streams, an
 * explicit environment), or as a real child process through its bin launcher. Every output is
 * kept so a file can scan all of it for secrets at the end, and recorded for the secret sweep
 * that runs after each test (test/support/secret-sweep.ts).
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { expect } from "vitest";
import { createContext, type Context } from "../../cli/context";
import type { CliIo, Environment, Output } from "../../cli/io";
import type { PolarEmulator } from "../emulators/polar";
import { runCli } from "../../cli/polar";
import { recordOutput } from "../support/secret-sweep";

export const REPO_ROOT = resolve(__dirname, "../..");
export const LAUNCHER = resolve(REPO_ROOT, "cli/launcher.cjs");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every stdout and stderr of this test file, for `expectNoSecretsIn`. */
export const allOutput: string[] = [];

class Capture implements Output {
  text = "";
  constructor(
    readonly where: string,
    readonly isTTY = false,
  ) {}
  write(text: string): void {
    this.text += text;
    recordOutput(text, this.where);
  }
}

/** An environment without the machine's Polar, Pulumi, AWS and CI settings, plus `env`. */
export function cleanEnv(env: Environment = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !/^(POLAR_|PULUMI_CONFIG_PASSPHRASE|PULUMI_BACKEND_URL|AWS_|CI$)/.test(key)
    ) {
      base[key] = value;
    }
  }
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) base[key] = value;
  }
  return base;
}

export async function run(
  argv: readonly string[],
  env: Environment = {},
  options: {
    tty?: boolean;
    /** A person at a terminal (stdin a TTY) who types this to any question; asked in `questions`. */
    answer?: string;
    questions?: string[];
  } = {},
): Promise<CliRun> {
  const stdout = new Capture(`polar-webhooks ${argv[0] ?? ""} stdout`, options.tty);
  const stderr = new Capture(`polar-webhooks ${argv[0] ?? ""} stderr`, options.tty);
  const { answer } = options;
  const io: CliIo = {
    stdout,
    stderr,
    stdin: { isTTY: answer !== undefined },
    ...(answer !== undefined
      ? {
          ask: async (question: string) => {
            options.questions?.push(question);
            return answer;
          },
        }
      : {}),
    env: cleanEnv(env),
    now: () => Date.now(),
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
  };
  const code = await runCli(argv, io);
  allOutput.push(stdout.text, stderr.text);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** The real CLI as a user starts it from a shell: `node cli/launcher.cjs …`. */
export function spawnCli(
  argv: readonly string[],
  env: Environment = {},
  timeoutMs = 90_000,
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [LAUNCHER, ...argv], {
      cwd: REPO_ROOT,
      env: cleanEnv({ NO_COLOR: "1", ...env }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`polar-webhooks ${argv.join(" ")} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      allOutput.push(stdout, stderr);
      recordOutput(stdout, `polar-webhooks ${argv[0] ?? ""} stdout (process)`);
      recordOutput(stderr, `polar-webhooks ${argv[0] ?? ""} stderr (process)`);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** No secret (token, signing secret, passphrase) appears anywhere in what the CLI printed. */
export function expectNoSecretsIn(outputs: readonly string[], secrets: readonly string[]): void {
  const text = outputs.join("\n");
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(8);
    expect(text.includes(secret), `a secret (${secret.slice(0, 6)}…) was printed`).toBe(false);
  }
}

export function json<T>(result: CliRun): T {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** A command context on captured streams, for calling a command's function directly. */
export function capturedContext(env: Environment = {}): {
  context: Context;
  stdout: () => string;
  stderr: () => string;
} {
  const stdout = new Capture("command stdout");
  const stderr = new Capture("command stderr");
  const context = createContext({
    stdout,
    stderr,
    env: cleanEnv(env),
    now: () => Date.now(),
    // Waits (polling a move task, pacing) pass at once: these tests script every answer.
    sleep: () => Promise.resolve(),
  });
  return {
    context,
    stdout: () => stdout.text,
    stderr: () => {
      allOutput.push(stdout.text, stderr.text);
      return stderr.text;
    },
  };
}

/** An event in `polar` with one failed attempt (and a later successful one if `recovered`). */
export function failedEvent(
  polar: PolarEmulator,
  endpointId: string,
  options: { recovered?: boolean; archived?: boolean; type?: "order.paid" | "order.refunded" } = {},
) {
  const event = polar.insertEvent({
    endpointId,
    type: options.type ?? "order.paid",
    // Polar archives an event by dropping its payload.
    payload: options.archived ? null : "{}",
  });
  polar.insertDelivery({ eventId: event.id, succeeded: false, httpCode: 500, response: "boom" });
  if (options.recovered)
    polar.insertDelivery({ eventId: event.id, succeeded: true, httpCode: 202 });
  return event;
}
