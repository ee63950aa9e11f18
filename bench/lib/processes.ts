/**
 * Everything a section starts (servers, child processes, temporary directories) is registered here
 * and torn down when the section ends, fails, or is interrupted (Ctrl-C, SIGTERM): no moto_server
 * or receiver outlives the bench.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";

/** Node 22 from the `node` devDependency, as the tests use it. */
export const NODE = fs.realpathSync(path.resolve(__dirname, "../../node_modules/.bin/node"));
export const REPO_ROOT = path.resolve(__dirname, "../..");

/** Credentials and region that only local servers accept. */
export const LOCAL_AWS = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
} as const;

type Cleanup = () => unknown;
const cleanups: Cleanup[] = [];
const children = new Set<ChildProcess>();
let cleaning: Promise<void> | undefined;

/** Runs at the end of the section, last registered first. */
export function onCleanup(cleanup: Cleanup): void {
  cleanups.push(cleanup);
}

export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`  · cleanup failed: ${(error as Error).message}\n`);
      }
    }
  })();
  return cleaning;
}

/** Ctrl-C or SIGTERM: tear everything down, then exit 130/143 as a shell expects. */
export function installSignalHandlers(): void {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    // `on`, not `once`: a second Ctrl-C (or the runner forwarding it) must not kill the process
    // halfway through its cleanup.
    process.on(signal, () => {
      void runCleanups().finally(() => process.exit(code));
    });
  }
  // Whatever way the process ends, no child survives it (synchronous: 'exit' allows nothing else).
  process.on("exit", () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
}

/** A child process stopped (SIGTERM, then SIGKILL after 5 s) at cleanup. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions) {
  const child = spawn(command, args, options);
  children.add(child);
  child.once("exit", () => children.delete(child));
  onCleanup(() => stopChild(child));
  return child;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(force);
}

export function temporaryDirectory(prefix: string): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  onCleanup(() => fs.rmSync(directory, { recursive: true, force: true }));
  return directory;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function waitForHttp(url: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`${what} did not answer at ${url} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Moto {
  readonly endpoint: string;
}

/** moto_server (SQS, SSM, DynamoDB) on a free port; stopped at cleanup. */
export async function startMoto(): Promise<Moto> {
  let command: string;
  try {
    command = execFileSync("sh", ["-c", "command -v moto_server"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("moto_server is not on PATH: install Python moto[server] 5.x for this section");
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  spawnTracked(command, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  await waitForHttp(`${endpoint}/moto-api/`, 60_000, "moto_server");
  return { endpoint };
}

/** Progress goes to stderr, so stdout carries the table alone. */
export function progress(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

export interface ServerProcess<Ready> {
  /** The first message the script sent: its address. */
  readonly ready: Ready;
  /** CPU time (user + system) the process has used so far, in milliseconds. */
  cpuMs(): Promise<number>;
}

/**
 * A bench/servers/*.ts script in a Node 22 process of its own; resolves once it sent its address
 * over IPC, and stops it at cleanup.
 */
export async function startServerProcess<Ready>(
  script: string,
  env: Record<string, string>,
  options: { timeoutMs?: number; onStdoutLine?: (line: string) => void } = {},
): Promise<ServerProcess<Ready>> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawnTracked(
    NODE,
    [
      "--disable-warning=ExperimentalWarning",
      "--import",
      "tsx",
      path.join(REPO_ROOT, "bench", "servers", script),
    ],
    {
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
      // stdout (a receiver's per-request log lines) goes to the section, or nowhere.
      stdio: ["ignore", options.onStdoutLine ? "pipe" : "ignore", "inherit", "ipc"],
    },
  );
  const onLine = options.onStdoutLine;
  if (onLine && child.stdout) {
    createInterface({ input: child.stdout }).on("line", onLine);
  }
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} sent no address within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once("message", (message) => {
      clearTimeout(timer);
      resolve(message as Ready);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready`));
    });
  });
  return {
    ready,
    cpuMs: () =>
      new Promise<number>((resolve) => {
        child.once("message", (message) => resolve((message as { cpuMs: number }).cpuMs));
        child.send(CPU_USAGE_REQUEST);
      }),
  };
}

export const CPU_USAGE_REQUEST = "cpu-usage";
