/**
 * The adversarial fuzzer (issue 12 part 2) as a bench section: 100,000 cases (10,000 with
 * --quick), every safety count beside its target of 0. The fuzzer itself is npm test's
 * (test/adversarial, `runReceiverFuzz`); bench/sections/index.ts wires the two.
 */
import type { ReceiverFuzzResult } from "../../test/adversarial/index.js";
import { formatCount, formatMs, formatRate } from "./format";
import { progress } from "./processes";
import { exactRow, type Row, type SectionResult } from "./report";
import { countIs } from "./targets";

/** The fields of the fuzzer's result the bench prints. */
export type FuzzOutcome = Pick<
  ReceiverFuzzResult,
  | "cases"
  | "accepted"
  | "forgeriesAccepted"
  | "uncaught"
  | "enqueuedOnRejection"
  | "statusMismatches"
  | "durationMs"
  | "seed"
  | "reproduce"
>;

export type FuzzRunner = (options: { cases: number; seed?: number }) => Promise<FuzzOutcome>;

/** Fixed, so every bench run replays the same 100,000 cases. */
export const BENCH_FUZZ_SEED = 12;
export const BENCH_FUZZ_CASES = { full: 100_000, quick: 10_000 } as const;

export function fuzzRows(outcome: FuzzOutcome): Row[] {
  const section = "fuzz";
  const counts: Array<[string, number]> = [
    ["forgeries accepted (202 for a request no secret holder signed)", outcome.forgeriesAccepted],
    ["uncaught errors (throw or 500)", outcome.uncaught],
    ["messages enqueued on a rejection", outcome.enqueuedOnRejection],
    ["statuses other than the contract's (403/400/413/405)", outcome.statusMismatches],
  ];
  return [
    exactRow(section, `cases run (seed ${outcome.seed})`, formatCount(outcome.cases), {
      vs: `${formatCount(outcome.accepted)} accepted (202)`,
      spread: `one run, ${formatMs(outcome.durationMs)}, ${formatRate((outcome.cases / outcome.durationMs) * 1000, "cases")}`,
    }),
    ...counts.map(([measure, value]) =>
      exactRow(section, measure, formatCount(value), { verdict: countIs(value, 0) }),
    ),
  ];
}

export function receiverFuzzSection(runFuzz: FuzzRunner) {
  return {
    async run(options: { quick: boolean }): Promise<SectionResult> {
      const cases = options.quick ? BENCH_FUZZ_CASES.quick : BENCH_FUZZ_CASES.full;
      progress(`fuzz: ${cases.toLocaleString("en-US")} cases, seed ${BENCH_FUZZ_SEED}`);
      const outcome = await runFuzz({ cases, seed: BENCH_FUZZ_SEED });
      return {
        section: "fuzz",
        rows: fuzzRows(outcome),
        notes: [
          `fuzz: seeded mutations of valid deliveries sent to the receiver, enqueuing to fauxqs (test/adversarial/fuzz.ts); reproduce with ${outcome.reproduce}.`,
        ],
      };
    },
  };
}
