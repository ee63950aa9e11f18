/**
 * What a test run may not leave behind: processes (and the ports they listen on) and temporary directories. The
 * global set-up (global-setup.ts) notes what exists before the run and checks after it; here are the pure readers
 * of /proc and the message.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export interface ProcessInfo {
  readonly pid: number;
  readonly parentPid: number;
  readonly session: number;
  readonly command: string;
}

/** `/proc/<pid>/stat`, whose second field (the name) may hold spaces and parentheses. */
export function parseStat(pid: number, stat: string): Omit<ProcessInfo, "command"> {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { pid, parentPid: Number(fields[1]), session: Number(fields[3]) };
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

export function listProcesses(): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = read(`/proc/${pid}/stat`);
    const cmdline = read(`/proc/${pid}/cmdline`);
    if (stat === undefined || cmdline === undefined) continue;
    processes.push({ ...parseStat(pid, stat), command: cmdline.split("\0").join(" ").trim() });
  }
  return processes;
}

/** Whether the process's environment holds `marker` (`NAME=value`). */
export function hasEnvironment(pid: number, marker: string): boolean {
  return (read(`/proc/${pid}/environ`) ?? "").split("\0").includes(marker);
}

/** Listening TCP ports by socket inode, from /proc/net/tcp and tcp6 (state 0A). */
export function listeningPorts(): Map<string, number> {
  const ports = new Map<string, number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (read(table) ?? "").split("\n").slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns[3] !== "0A") continue;
      ports.set(columns[9], parseInt(columns[1].split(":").pop() ?? "0", 16));
    }
  }
  return ports;
}

/** The TCP ports `pid` listens on. */
export function portsOf(pid: number, listening: Map<string, number>): number[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    const port = inode === undefined ? undefined : listening.get(inode);
    if (port !== undefined) ports.push(port);
  }
  return ports.sort((a, b) => a - b);
}

export interface Leaks {
  readonly processes: readonly (ProcessInfo & { readonly ports: readonly number[] })[];
  readonly directories: readonly string[];
}

export function leakMessage(leaks: Leaks): string | undefined {
  const lines = [
    ...leaks.processes.map(
      (p) =>
        `process ${p.pid} still running: ${p.command.slice(0, 160)}` +
        (p.ports.length > 0 ? ` (listening on ${p.ports.join(", ")})` : ""),
    ),
    ...leaks.directories.map((d) => `temporary directory left behind: ${d}`),
  ];
  if (lines.length === 0) return undefined;
  return (
    `The test run left ${lines.length} thing(s) behind; the test that started each must stop or remove it:\n` +
    lines.map((line) => `  - ${line}`).join("\n")
  );
}
