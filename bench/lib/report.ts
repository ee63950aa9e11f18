/**
 * The one table `npm run bench` prints. Each section (a process of its own) returns rows; the
 * runner renders them together, as a Markdown table that also reads well in a terminal.
 */
import { summarize, type Summary } from "./stats";
import type { Verdict } from "./targets";

export interface Row {
  readonly section: string;
  readonly measure: string;
  /** The median over runs, with its unit. */
  readonly figure: string;
  /** e.g. "p25–p75 3.1–3.3 µs, n=21". */
  readonly spread: string;
  /** A ratio to a peer measured in the same runs. */
  readonly vs?: string;
  readonly target?: string;
  /** Whether the target is met; absent when there is no target. */
  readonly ok?: boolean;
}

export interface SectionResult {
  readonly section: string;
  readonly rows: readonly Row[];
  /** How it was measured (what ran, sizes, counts): printed under the table. */
  readonly notes: readonly string[];
}

/** A row for repeated measurements: the median as the figure, the spread of the runs beside it. */
export function measuredRow(
  section: string,
  measure: string,
  values: readonly number[],
  format: (value: number) => string,
  extra: { vs?: string; verdict?: Verdict } = {},
): Row {
  const summary = summarize(values);
  return {
    section,
    measure,
    figure: format(summary.median),
    spread: spreadOf(summary, format),
    ...(extra.vs === undefined ? {} : { vs: extra.vs }),
    ...(extra.verdict === undefined ? {} : { target: extra.verdict.target, ok: extra.verdict.ok }),
  };
}

/** A row for a figure that does not vary between runs (a size, a count of calls). */
export function exactRow(
  section: string,
  measure: string,
  figure: string,
  extra: { vs?: string; verdict?: Verdict; spread?: string } = {},
): Row {
  return {
    section,
    measure,
    figure,
    spread: extra.spread ?? "exact",
    ...(extra.vs === undefined ? {} : { vs: extra.vs }),
    ...(extra.verdict === undefined ? {} : { target: extra.verdict.target, ok: extra.verdict.ok }),
  };
}

/** `p25–p75 a–b` (8 runs or more) or `min–max a–b` (fewer), formatted like the figure. */
export function spreadOf(
  summary: Summary,
  format: (value: number) => string,
  kind: "iqr" | "range" = summary.n >= 8 ? "iqr" : "range",
): string {
  if (summary.n === 1) return "n=1";
  const [low, high, label] =
    kind === "iqr" ? [summary.p25, summary.p75, "p25–p75"] : [summary.min, summary.max, "min–max"];
  return `${label} ${format(low)}–${format(high)}, n=${summary.n}`;
}

const COLUMNS = [
  ["section", "section"],
  ["measure", "measure"],
  ["figure", "median"],
  ["spread", "spread (runs)"],
  ["vs", "comparison (same runs)"],
  ["target", "target"],
  ["ok", ""],
] as const;

export function verdictMark(row: Row): string {
  return row.ok === undefined ? "" : row.ok ? "✓" : "✗";
}

/** A Markdown table, padded so it also reads well in a terminal. */
export function renderTable(rows: readonly Row[]): string {
  const cells = rows.map((row) =>
    COLUMNS.map(([key]) => (key === "ok" ? verdictMark(row) : (row[key] ?? ""))),
  );
  const header = COLUMNS.map(([, title]) => title);
  const widths = header.map((title, i) =>
    Math.max(title.length, ...cells.map((line) => [...(line[i] as string)].length)),
  );
  // Padded by code points, so "µs" and "✓" count as one column each.
  const pad = (value: string, width: number) =>
    value + " ".repeat(Math.max(0, width - [...value].length));
  const line = (values: readonly string[]) =>
    `| ${values.map((value, i) => pad(value, widths[i] as number)).join(" | ")} |`;
  return [
    line(header),
    line(widths.map((width) => "-".repeat(width))),
    ...cells.map((values) => line(values)),
  ].join("\n");
}

/** The rows whose target was missed. */
export function misses(rows: readonly Row[]): Row[] {
  return rows.filter((row) => row.ok === false);
}

/** What every section's `run` takes. */
export interface SectionOptions {
  /** `--quick`: fewer runs and shorter ones, for a look in a minute or two. */
  readonly quick: boolean;
}

export interface SectionModule {
  run(options: SectionOptions): Promise<SectionResult>;
}
