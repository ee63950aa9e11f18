/**
 * bench/RESULTS.md: a full run rewrites the part between the markers (date, machine, table, notes)
 * and keeps the rest, where each ✗ is explained by hand.
 */
import { misses, renderTable, type Row } from "./report";

export const BEGIN_MARKER = "<!-- bench:begin (written by npm run bench; edit outside) -->";
export const END_MARKER = "<!-- bench:end -->";

export interface ResultsInput {
  readonly date: Date;
  readonly machine: string;
  readonly rows: readonly Row[];
  readonly notes: readonly string[];
  readonly durationMs: number;
}

export function renderGenerated(input: ResultsInput): string {
  const missed = misses(input.rows);
  return [
    BEGIN_MARKER,
    `Measured ${input.date.toISOString()} by \`npm run bench\` (${Math.round(input.durationMs / 1000)} s).`,
    "",
    `Machine: ${input.machine}.`,
    "",
    renderTable(input.rows),
    "",
    `Targets: ${input.rows.filter((row) => row.ok !== undefined).length - missed.length} met, ` +
      `${missed.length} missed${missed.length > 0 ? ` (${missed.map((row) => `${row.section}: ${row.measure}`).join("; ")})` : ""}.`,
    "",
    ...input.notes.map((note) => `- ${note}`),
    END_MARKER,
  ].join("\n");
}

const TEMPLATE_HEAD = "# Benchmark results\n\n";
const TEMPLATE_TAIL =
  "\n\n## Targets missed (✗)\n\nExplain each ✗ above here, or fix it and run `npm run bench` again.\n";

/** The file with its generated part replaced; a file without markers gets them (nothing lost). */
export function mergeResults(existing: string | undefined, generated: string): string {
  if (existing === undefined || existing.trim() === "") {
    return `${TEMPLATE_HEAD}${generated}${TEMPLATE_TAIL}`;
  }
  const begin = existing.indexOf(BEGIN_MARKER);
  const end = existing.indexOf(END_MARKER);
  if (begin < 0 || end < begin) {
    return `${existing.trimEnd()}\n\n${generated}\n`;
  }
  return existing.slice(0, begin) + generated + existing.slice(end + END_MARKER.length);
}
