/** Plain-text tables for listings: aligned columns, a header, colour per cell. */
import type { Paint, Style } from "./io";

export interface Column<Row> {
  readonly header: string;
  value(row: Row): string;
  style?(row: Row): Style | undefined;
  readonly align?: "left" | "right";
}

/** Columns are padded on the visible text, so colour codes never misalign them. */
export function renderTable<Row>(
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  paint: Paint = (_style, text) => text,
): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  // Padding goes outside the colour codes, so trailing blanks can be trimmed.
  const cell = (text: string, i: number, style: Style | undefined) => {
    const padding = " ".repeat((widths[i] ?? 0) - text.length);
    const painted = text === "" ? "" : paint(style, text);
    return columns[i]?.align === "right" ? padding + painted : painted + padding;
  };
  const lines = [
    columns.map((column, i) => cell(column.header, i, "bold")).join("  "),
    ...rows.map((row, r) =>
      columns.map((column, i) => cell(cells[r]?.[i] ?? "", i, column.style?.(row))).join("  "),
    ),
  ].map((line) => line.replace(/ +$/, ""));
  return lines.join("\n") + "\n";
}
