/** What the numbers were measured on: printed under the table and written to bench/RESULTS.md. */
import * as os from "node:os";

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly node: string;
  readonly platform: string;
  readonly memoryGiB: number;
  /** 1-, 5- and 15-minute load averages when the run started. */
  readonly loadAtStart: readonly number[];
}

export function describeMachine(): Machine {
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    loadAtStart: os.loadavg(),
  };
}

export function formatLoad(load: readonly number[]): string {
  return load.map((value) => value.toFixed(2)).join(" / ");
}

export function formatMachine(machine: Machine, loadAtEnd?: readonly number[]): string {
  const load =
    `load average (1/5/15 min) ${formatLoad(machine.loadAtStart)} at start` +
    (loadAtEnd ? `, ${formatLoad(loadAtEnd)} at end` : "");
  return (
    `${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
    `${machine.platform}; ${load}`
  );
}
