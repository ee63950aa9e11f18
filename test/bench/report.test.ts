// The one table: rows from repeated runs (median + spread), exact rows, verdict marks, and the
// generated part of bench/RESULTS.md that a full run rewrites without touching the rest.
import { describe, expect, it } from "vitest";
import { formatMs } from "../../bench/lib/format";
import { exactRow, measuredRow, misses, renderTable, spreadOf } from "../../bench/lib/report";
import {
  BEGIN_MARKER,
  END_MARKER,
  mergeResults,
  renderGenerated,
} from "../../bench/lib/results-file";
import { summarize } from "../../bench/lib/stats";
import { timeAtMost } from "../../bench/lib/targets";

describe("Function: measuredRow", () => {
  it("prints the median of the runs, their spread, and the verdict beside the target", () => {
    // Act
    const row = measuredRow("receiver", "ours: p99", [4, 6, 3], formatMs, {
      vs: "0.9× reference",
      verdict: timeAtMost(4, 5),
    });
    // Assess
    expect(row).toEqual({
      section: "receiver",
      measure: "ours: p99",
      figure: "4.00 ms",
      spread: "min–max 3.00 ms–6.00 ms, n=3",
      vs: "0.9× reference",
      target: "≤ 5 ms",
      ok: true,
    });
  });

  it("gives quartiles from 8 runs on, and says when there was a single run", () => {
    const many = summarize([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(spreadOf(many, String)).toBe("p25–p75 3–7, n=9");
    expect(spreadOf(summarize([2]), String)).toBe("n=1");
  });
});

describe("Function: renderTable", () => {
  it("renders one Markdown table, aligned by characters, with ✓ and ✗", () => {
    // Prepare
    const rows = [
      exactRow("provider", "API calls: preview", "0", { verdict: { target: "= 0", ok: true } }),
      exactRow("verify", "worst", "14.7 µs", { verdict: { target: "≤ 4× floor", ok: false } }),
      exactRow("consumer", "bundle size", "582 KiB"),
    ];
    // Act
    const lines = renderTable(rows).split("\n");
    // Assess
    expect(lines).toEqual([
      "| section  | measure            | median  | spread (runs) | comparison (same runs) | target     |   |",
      "| -------- | ------------------ | ------- | ------------- | ---------------------- | ---------- | - |",
      "| provider | API calls: preview | 0       | exact         |                        | = 0        | ✓ |",
      "| verify   | worst              | 14.7 µs | exact         |                        | ≤ 4× floor | ✗ |",
      "| consumer | bundle size        | 582 KiB | exact         |                        |            |   |",
    ]);
    expect(misses(rows).map((row) => row.measure)).toEqual(["worst"]);
  });
});

describe("Module: bench/lib/results-file", () => {
  const generated = renderGenerated({
    date: new Date("2026-12-01T03:00:00Z"),
    machine: "2 cores (AMD EPYC)",
    rows: [
      exactRow("verify", "worst", "14.7 µs", { verdict: { target: "≤ 4× floor", ok: false } }),
    ],
    notes: ["verify: how it was measured"],
    durationMs: 61_000,
  });

  it("writes the date, the machine, the table, the missed targets and the notes", () => {
    expect(generated.split("\n")).toEqual([
      BEGIN_MARKER,
      "Measured 2026-12-01T03:00:00.000Z by `npm run bench` (61 s).",
      "",
      "Machine: 2 cores (AMD EPYC).",
      "",
      "| section | measure | median  | spread (runs) | comparison (same runs) | target     |   |",
      "| ------- | ------- | ------- | ------------- | ---------------------- | ---------- | - |",
      "| verify  | worst   | 14.7 µs | exact         |                        | ≤ 4× floor | ✗ |",
      "",
      "Targets: 0 met, 1 missed (verify: worst).",
      "",
      "- verify: how it was measured",
      END_MARKER,
    ]);
  });

  it("replaces only the generated part, keeping the explanations around it", () => {
    // Prepare
    const existing = `# Results\n\nintro\n\n${BEGIN_MARKER}\nold table\n${END_MARKER}\n\n## Why ✗\n\nexplained\n`;
    // Act
    const merged = mergeResults(existing, generated);
    // Assess
    expect(merged).toBe(`# Results\n\nintro\n\n${generated}\n\n## Why ✗\n\nexplained\n`);
  });

  it("starts a new file with a place for explanations, and never drops a file without markers", () => {
    expect(mergeResults(undefined, generated)).toContain(generated);
    expect(mergeResults(undefined, generated)).toContain("## Targets missed (✗)");
    expect(mergeResults("hand-written notes\n", generated)).toBe(
      `hand-written notes\n\n${generated}\n`,
    );
  });
});
