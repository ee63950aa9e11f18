/**
 * Micro-benchmark rounds: every contestant runs one batch per round, in a rotating order, so drift
 * on a shared machine (other processes, CPU frequency) hits all of them alike and per-round ratios
 * compare like with like.
 */

export interface Contestant {
  readonly name: string;
  /** Sync or async; an async one is awaited per call. */
  readonly run: () => unknown;
}

export interface RoundOptions {
  readonly rounds: number;
  /** Target duration of one batch. */
  readonly batchMs: number;
  /** Per contestant, before measuring (JIT, caches); also sizes the batches. */
  readonly warmupMs: number;
}

/** Milliseconds per call, one value per round, by contestant name. */
export async function measureRounds(
  contestants: readonly Contestant[],
  options: RoundOptions,
): Promise<Map<string, number[]>> {
  const batchSizes = new Map<string, number>();
  for (const contestant of contestants) {
    const started = performance.now();
    let calls = 0;
    while (performance.now() - started < options.warmupMs) {
      const result = contestant.run();
      if (result instanceof Promise) await result;
      calls += 1;
    }
    const perCall = (performance.now() - started) / calls;
    batchSizes.set(contestant.name, Math.max(1, Math.round(options.batchMs / perCall)));
  }
  const samples = new Map<string, number[]>(contestants.map((c) => [c.name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    for (let i = 0; i < contestants.length; i += 1) {
      const contestant = contestants[(round + i) % contestants.length] as Contestant;
      const calls = batchSizes.get(contestant.name) as number;
      const started = performance.now();
      for (let n = 0; n < calls; n += 1) {
        // Only async results are awaited: `await undefined` would add a microtask per sync call.
        const result = contestant.run();
        if (result instanceof Promise) await result;
      }
      samples.get(contestant.name)?.push((performance.now() - started) / calls);
    }
  }
  return samples;
}
