// The fuzzer's rows (the section the integrator wires once test/adversarial/fuzz.ts is merged), and
// the open-loop generator's bookkeeping (no timing is asserted: speed belongs to the bench).
import { describe, expect, it } from "vitest";
import { BENCH_FUZZ_CASES, fuzzRows, receiverFuzzSection } from "../../bench/lib/fuzz-section";
import { openLoop } from "../../bench/lib/load";

const CLEAN = {
  cases: 100_000,
  accepted: 28_123,
  forgeriesAccepted: 0,
  uncaught: 0,
  enqueuedOnRejection: 0,
  statusMismatches: 0,
  durationMs: 50_000,
  seed: 12,
  reproduce: "runReceiverFuzz({ cases: 100000, seed: 12 })",
};

describe("Function: fuzzRows", () => {
  it("prints the cases run and each safety count beside its target of 0", () => {
    // Act
    const rows = fuzzRows(CLEAN);
    // Assess
    expect(rows.map((row) => [row.measure, row.figure, row.target, row.ok])).toEqual([
      ["cases run (seed 12)", "100,000", undefined, undefined],
      ["forgeries accepted (202 for a request no secret holder signed)", "0", "= 0", true],
      ["uncaught errors (throw or 500)", "0", "= 0", true],
      ["messages enqueued on a rejection", "0", "= 0", true],
      ["statuses other than the contract's (403/400/413/405)", "0", "= 0", true],
    ]);
    expect(rows[0]?.spread).toBe("one run, 50.0 s, 2000 cases/s");
  });

  it("marks a single forgery as a missed target", () => {
    const rows = fuzzRows({ ...CLEAN, forgeriesAccepted: 1 });
    expect(rows.filter((row) => row.ok === false).map((row) => row.figure)).toEqual(["1"]);
  });

  it("runs the fuzzer with the bench's case count and fixed seed", async () => {
    // Prepare
    const calls: Array<{ cases: number; seed?: number }> = [];
    const section = receiverFuzzSection(async (options) => {
      calls.push(options);
      return { ...CLEAN, cases: options.cases };
    });
    // Act
    const result = await section.run({ quick: true });
    // Assess
    expect(calls).toEqual([{ cases: BENCH_FUZZ_CASES.quick, seed: 12 }]);
    expect(result.rows[0]?.figure).toBe("10,000");
  });
});

describe("Function: openLoop", () => {
  it("sends every request once, in order, and counts answers and failures by status", async () => {
    // Prepare
    const sent: number[] = [];
    // Act
    const result = await openLoop({
      ratePerSecond: 10_000,
      count: 6,
      send: async (index) => {
        sent.push(index);
        if (index === 4) throw new TypeError("socket hang up");
        return index % 2 === 0 ? 202 : 503;
      },
    });
    // Assess
    expect(sent).toEqual([0, 1, 2, 3, 4, 5]);
    expect(result.statuses).toEqual({ "202": 2, "503": 3, "error TypeError": 1 });
    expect(result.latenciesMs.filter(Number.isNaN)).toHaveLength(1);
  });
});
