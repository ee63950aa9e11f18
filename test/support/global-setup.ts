/**
 * vitest globalSetup: one temporary root for the run (every file's TMPDIR is made below it, secret-scan-setup.ts) and
 * a marker in the environment every process of the run inherits. After the run, a process still running from it
 * (found by the marker, or orphaned in the run's session), the ports it listens on, and anything left in the
 * temporary root fail the run, named.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  hasEnvironment,
  leakMessage,
  listeningPorts,
  listProcesses,
  parseStat,
  portsOf,
  type ProcessInfo,
} from "./leaks";

const MARKER_NAME = "POLAR_WEBHOOKS_TEST_RUN";
/** Processes get this long to finish exiting after the last test (a killed server closing its sockets). */
const GRACE_MS = 5_000;
/** The test pool's own workers (titled "node (vitest N)"), which vitest stops itself. */
const POOL_WORKER = /node_modules\/(vitest|tinypool)\/|\(vitest \d+\)/;

function session(): number {
  return parseStat(process.pid, readFileSync("/proc/self/stat", "utf8")).session;
}

function ancestors(processes: readonly ProcessInfo[]): Set<number> {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const found = new Set<number>();
  for (let pid = process.pid; pid > 1 && !found.has(pid); pid = byPid.get(pid)?.parentPid ?? 0) {
    found.add(pid);
  }
  return found;
}

export default function setup(): () => Promise<void> {
  const marker = `${MARKER_NAME}=${randomBytes(8).toString("hex")}`;
  process.env[MARKER_NAME] = marker.split("=")[1];
  const root = mkdtempSync(join(tmpdir(), "polar-test-run-"));
  const originalTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = root;
  const ourSession = session();
  const before = new Set(listProcesses().map((p) => p.pid));

  const leftovers = () => {
    const processes = listProcesses();
    const excluded = ancestors(processes);
    return processes.filter(
      (p) =>
        !before.has(p.pid) &&
        !excluded.has(p.pid) &&
        p.command !== "" &&
        !POOL_WORKER.test(p.command) &&
        // The marker, or orphaned in the run's session (a child started with a clean environment whose test left
        // it running); the session alone would also count the user's own commands in the same terminal.
        (hasEnvironment(p.pid, marker) || (p.session === ourSession && p.parentPid === 1)),
    );
  };

  return async () => {
    if (originalTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = originalTmpdir;
    let running = leftovers();
    for (let waited = 0; running.length > 0 && waited < GRACE_MS; waited += 250) {
      await new Promise((wait) => setTimeout(wait, 250));
      running = leftovers();
    }
    const listening = listeningPorts();
    const directories = readdirSync(root).map((entry) => join(root, entry));
    rmSync(root, { recursive: true, force: true });
    const message = leakMessage({
      processes: running.map((p) => ({ ...p, ports: portsOf(p.pid, listening) })),
      directories,
    });
    if (message) throw new Error(message);
  };
}
