/**
 * An open-loop load generator: requests leave on a fixed schedule whether or not earlier ones
 * have been answered (as Polar's deliveries do), so a slow answer cannot slow the offered load and
 * hide itself. Latency is counted from the moment each request actually left.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface OpenLoopOptions {
  readonly ratePerSecond: number;
  readonly count: number;
  /** Sends request `index`; resolves to its HTTP status once the whole answer is read. */
  readonly send: (index: number) => Promise<number>;
}

export interface OpenLoopResult {
  /** Per request, in sending order. */
  readonly latenciesMs: number[];
  /** How many answers had each status. */
  readonly statuses: Record<string, number>;
  /** The worst delay of a departure behind its schedule (a busy generator shows here). */
  readonly maxScheduleLagMs: number;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const intervalMs = 1000 / options.ratePerSecond;
  const latenciesMs = new Array<number>(options.count).fill(Number.NaN);
  const statuses: Record<string, number> = {};
  const inFlight: Promise<void>[] = [];
  let maxScheduleLagMs = 0;
  const start = performance.now();
  for (let index = 0; index < options.count; index += 1) {
    const due = start + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    maxScheduleLagMs = Math.max(maxScheduleLagMs, sent - due);
    inFlight.push(
      options.send(index).then(
        (status) => {
          latenciesMs[index] = performance.now() - sent;
          statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
        },
        (error: unknown) => {
          const key = `error ${(error as Error).name ?? "unknown"}`;
          statuses[key] = (statuses[key] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { latenciesMs, statuses, maxScheduleLagMs };
}
