// `npm run dev` itself, spawned as a user runs it: the real Pulumi engine, the emulator, the
// receiver, the queue and the consumer in one process. The local stack lives in a throw-away
// cache directory (POLAR_WEBHOOKS_CACHE); the Pulumi CLI comes from PATH (npm test's toolchain).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  CONTROL_EMIT_PATH,
  LOCAL_STACK_OUTPUTS,
  localStackSettings,
  LocalStackNotFoundError,
  openLocalStack,
} from "../../local/dev";
import { demoChapters } from "../../local/dev/demo";
import { requirePulumiCli } from "../engine/harness";
import { registerSecret } from "../support/secret-scan";
import { recordOutput } from "../support/secret-sweep";
import { Signer } from "./signing";

const repoRoot = resolve(__dirname, "../..");
const RUN_TIMEOUT_MS = 150_000;
const DEV_SCRIPT = (require("../../package.json") as { scripts: { dev: string } }).scripts.dev;
let cache: string | undefined;
let child: ChildProcessWithoutNullStreams | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    process.kill(-child.pid!, "SIGKILL");
  }
  child = undefined;
  if (cache) await rm(cache, { recursive: true, force: true });
  cache = undefined;
});

interface Run {
  readonly child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
  /** Resolves once `pattern` shows up in stdout + stderr. */
  waitFor(pattern: RegExp | ((text: string) => boolean), what: string): Promise<void>;
}

/**
 * `npm run dev -- <args>`; or, `direct`, the script's own command as npm runs it (`bash -c` execs it), for
 * its exit status after a signal: npm itself dies of the signal it forwarded, whatever the script did.
 */
function runDev(args: readonly string[], cacheDirectory: string, direct = false): Run {
  requirePulumiCli();
  const [file, fileArgs] = direct
    ? ["bash", ["-c", `${DEV_SCRIPT} "$@"`, "dev", ...args]]
    : ["npm", ["run", "--silent", "dev", "--", ...args]];
  const spawned = spawn(file, fileArgs, {
    cwd: repoRoot,
    env: { ...process.env, POLAR_WEBHOOKS_CACHE: cacheDirectory, FORCE_COLOR: "0" },
    // Its own process group, so a signal reaches it as Ctrl-C at a terminal would.
    detached: true,
  });
  child = spawned;
  const run: Run = {
    child: spawned,
    stdout: "",
    stderr: "",
    exited: new Promise((resolveExit) =>
      spawned.on("exit", (code) => {
        recordOutput(run.stdout, "npm run dev stdout");
        recordOutput(run.stderr, "npm run dev stderr");
        resolveExit(code);
      }),
    ),
    waitFor: (pattern, what) =>
      new Promise((resolveWait, reject) => {
        const test = () => {
          const text = run.stdout + run.stderr;
          return typeof pattern === "function" ? pattern(text) : pattern.test(text);
        };
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}:\n${run.stdout}\n${run.stderr}`)),
          RUN_TIMEOUT_MS,
        );
        const check = () => {
          if (test()) {
            clearTimeout(timer);
            resolveWait();
          }
        };
        spawned.stdout.on("data", check);
        spawned.stderr.on("data", check);
        spawned.on("exit", () => {
          clearTimeout(timer);
          if (test()) resolveWait();
          else
            reject(new Error(`npm run dev exited before ${what}:\n${run.stdout}\n${run.stderr}`));
        });
        check();
      }),
  };
  spawned.stdout.on("data", (chunk: Buffer) => (run.stdout += chunk.toString("utf8")));
  spawned.stderr.on("data", (chunk: Buffer) => (run.stderr += chunk.toString("utf8")));
  return run;
}

/** Nothing `npm run dev` prints may hold a signing secret, a token or the passphrase. */
async function expectNoSecrets(run: Run, directory: string, known: readonly string[] = []) {
  const output = run.stdout + run.stderr;
  expect(output).not.toMatch(/whsec_|polar_oat_|polar_pat_/);
  const passphrase = await readFile(join(directory, "dev", "passphrase"), "utf8");
  for (const secret of [passphrase, ...known]) expect(output).not.toContain(secret);
}

/** Destroyed and removed: no stack in the backend, no state file, no lock. */
async function expectStackGone(directory: string) {
  const settings = localStackSettings({ POLAR_WEBHOOKS_CACHE: directory });
  await expect(openLocalStack(settings)).rejects.toBeInstanceOf(LocalStackNotFoundError);
  const state = join(
    directory,
    "dev",
    "state",
    ".pulumi",
    "stacks",
    "polar-webhooks",
    "local.json",
  );
  expect(existsSync(state)).toBe(false);
  expect(existsSync(join(directory, "dev", "dev.pid"))).toBe(false);
}

describe("npm run dev (spawned; real engine, emulator, receiver, queue, consumer)", () => {
  it("--demo prints each event's journey, waits for every event, destroys the stack and exits 0", async () => {
    // Prepare
    cache = await mkdtemp(join(tmpdir(), "polar-dev-demo-"));
    // Act
    const run = runDev(["--demo"], cache);
    const code = await run.exited;
    // Assess
    expect(code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const steps = demoChapters().flatMap((chapter) => chapter.steps);
    // "  +0.120s  order.paid   1c42dfc3  delivered    HTTP 202 · attempt 1"
    const journey = run.stdout
      .split("\n")
      .map((line) => /^\s+\+[\d.]+s\s+(\S+)\s+([0-9a-f]{8})\s+(\S+)\s+(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map(([, type, id, stage, facts]) => ({ type, id, stage, facts }));
    for (const stage of ["emitted", "delivered", "enqueued", "consumed"]) {
      const types = journey.filter((step) => step.stage === stage).map((step) => step.type);
      expect(types, stage).toEqual(steps.map((s) => s.type));
    }
    expect(journey.filter((step) => step.stage === "delivered").map((step) => step.facts)).toEqual(
      steps.map(() => "HTTP 202 · attempt 1"),
    );
    expect(run.stdout).toContain(`[dev] demo done: ${steps.length} events emitted`);
    expect(run.stdout).toContain("[engine] created polar:WebhookEndpoint webhook-endpoint");
    expect(run.stdout).toContain("[engine] local stack destroyed and removed");
    await expectNoSecrets(run, cache);
    await expectStackGone(cache);
  }, 200_000);

  it("takes event types at the prompt and the control endpoint, exposes the contract outputs, and Ctrl-C destroys the stack", async () => {
    // Prepare
    cache = await mkdtemp(join(tmpdir(), "polar-dev-interactive-"));
    const run = runDev(["--json", "--consumer", "lambda/consumer/example.ts"], cache, true);
    await run.waitFor(/\[dev\] ready in/, "the stack to be up");
    const stack = await openLocalStack(localStackSettings({ POLAR_WEBHOOKS_CACHE: cache }));
    const outputs = await stack.outputs();
    // npm run dev's emulator runs in its process: what it issued is registered here.
    const token = registerSecret(
      (await stack.getConfig("polar:accessToken")).value,
      "npm run dev organization token",
    );
    const journey = () =>
      run.stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => typeof entry.stage === "string");
    const consumed = (id: string) => () =>
      journey().some((step) => step.stage === "consumed" && step.webhookId === id);

    // Act: the control endpoint (what another terminal can use) ...
    const controlUrl = `${outputs[LOCAL_STACK_OUTPUTS.CONTROL_URL]!.value}${CONTROL_EMIT_PATH}`;
    const emit = (body: unknown, auth = `Bearer ${token}`) =>
      fetch(controlUrl, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const emitted = await emit({ type: "order.paid" });
    const { ids } = (await emitted.json()) as { ids: string[] };
    await run.waitFor(consumed(ids[0]!), "the emitted order.paid to be consumed");
    const unknown = await emit({ type: "order.payed" });
    const unauthorized = await emit({ type: "order.paid" }, "Bearer nope");
    // ... the prompt ...
    run.child.stdin.write("order.payd\n");
    await run.waitFor(/did you mean "order\.paid"\? \(nothing sent\)/, "a did-you-mean");
    run.child.stdin.write("subscription.updated\n");
    await run.waitFor(
      () => journey().some((s) => s.stage === "consumed" && s.type === "subscription.updated"),
      "the typed event to be consumed",
    );
    // ... and a delivery signed with the stack's secret, as `npm run polar -- trigger` sends it.
    const secret = registerSecret(
      outputs[LOCAL_STACK_OUTPUTS.SECRET]!.value as string,
      "npm run dev webhook secret",
    );
    const body = JSON.stringify({
      type: "order.refunded",
      timestamp: new Date().toISOString(),
      api_version: "2026-04",
      data: { id: "11111111-2222-4333-8444-555555555555" },
    });
    const triggerId = `trigger-${Date.now()}`;
    const triggered = await fetch(outputs[LOCAL_STACK_OUTPUTS.WEBHOOK_URL]!.value as string, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...new Signer(secret).headers(triggerId, body),
      },
      body,
    });
    await run.waitFor(consumed(triggerId), "the triggered event to be consumed");
    process.kill(-run.child.pid!, "SIGINT");
    const code = await run.exited;

    // Assess
    expect(code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(Object.keys(outputs).sort()).toEqual(Object.values(LOCAL_STACK_OUTPUTS).sort());
    expect(outputs[LOCAL_STACK_OUTPUTS.SECRET]!.secret).toBe(true);
    expect(outputs[LOCAL_STACK_OUTPUTS.POLAR_API_URL]!.value).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+$/,
    );
    expect(emitted.status).toBe(202);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ suggestion: "order.paid" });
    expect(unauthorized.status).toBe(401);
    expect(triggered.status).toBe(202);
    const steps = journey();
    expect(steps.filter((s) => s.webhookId === ids[0]).map((s) => s.stage)).toEqual([
      "emitted",
      "delivered",
      "enqueued",
      "consumed",
    ]);
    expect(steps.filter((s) => s.webhookId === triggerId).map((s) => s.stage)).toEqual([
      "enqueued",
      "consumed",
    ]);
    // The user's consumer module ran (its own log lines), with the in-memory store.
    expect(run.stdout).toMatch(
      /"msg":"polar-event".*"outcome":"handled".*"eventType":"order\.paid"/,
    );
    expect(run.stderr).toContain("[dev] SIGINT: shutting down");
    expect(run.stderr).toContain("[engine] local stack destroyed and removed");
    await expectNoSecrets(run, cache, [secret, token]);
    await expectStackGone(cache);
  }, 200_000);
});
