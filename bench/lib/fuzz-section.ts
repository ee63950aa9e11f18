/**
 * The adversarial fuzzer as a bench section: 100,000 cases (10,000 with --quick), every safety count beside its
 * target of 0. The fuzzer is npm test's (test/adversarial/receiver-fuzz.test.ts), run as that test with FUZZ_CASES,
 * FUZZ_SEED and FUZZ_REPORT (the JSON its run writes): the bench runs it, it does not import the tests.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { formatCount, formatMs, formatRate } from "./format";
import { progress } from "./processes";
import { exactRow, type Row, type SectionResult } from "./report";
import { countIs } from "./targets";

/** The fields of the fuzzer's report (FUZZ_REPORT) the bench prints. */
export interface FuzzOutcome {
  readonly cases: number;
  readonly accepted: number;
  readonly forgeriesAccepted: number;
  readonly uncaught: number;
  readonly enqueuedOnRejection: number;
  readonly statusMismatches: number;
  readonly durationMs: number;
  readonly seed: number;
  readonly reproduce: string;
}

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

const REPO_ROOT = resolve(__dirname, "../..");
const FUZZ_TEST = "test/adversarial/receiver-fuzz.test.ts";

/** Runs npm test's fuzzer in its own vitest process and reads the report it writes. */
export const runFuzzTest: FuzzRunner = async ({ cases, seed }) => {
  const directory = await mkdtemp(join(tmpdir(), "bench-fuzz-"));
  const report = join(directory, "report.json");
  try {
    await new Promise<void>((done, fail) => {
      execFile(
        join(REPO_ROOT, "node_modules/.bin/vitest"),
        ["run", FUZZ_TEST, "-t", "mutated deliveries"],
        {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            FUZZ_CASES: String(cases),
            FUZZ_SEED: String(seed ?? BENCH_FUZZ_SEED),
            FUZZ_REPORT: report,
          },
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) =>
          error ? fail(new Error(`the fuzz test failed:\n${stdout}${stderr}`)) : done(),
      );
    });
    return JSON.parse(await readFile(report, "utf8")) as FuzzOutcome;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
};
