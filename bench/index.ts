/**
 * `npm run bench [-- --quick] [-- --json] [-- --only verify,receiver]`: runs every section in a
 * process of its own (one section's heap, JIT and servers do not skew the next), then prints one
 * table on stdout; progress goes to stderr. A full run (no --quick, no --only) also rewrites the
 * generated part of bench/RESULTS.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as prettier from "prettier";
import { describeMachine, formatMachine } from "./lib/machine";
import { NODE } from "./lib/processes";
import { misses, renderTable, type Row, type SectionResult } from "./lib/report";
import { mergeResults, renderGenerated } from "./lib/results-file";
import { SECTIONS } from "./sections/index";

const RESULTS_FILE = path.join(__dirname, "RESULTS.md");

interface Options {
  readonly quick: boolean;
  readonly json: boolean;
  readonly only: readonly string[] | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  const known = new Set(["--quick", "--json", "--only"]);
  const onlyIndex = argv.indexOf("--only");
  const only = onlyIndex >= 0 ? argv[onlyIndex + 1]?.split(",").filter(Boolean) : undefined;
  for (const [i, arg] of argv.entries()) {
    if (!known.has(arg) && argv[i - 1] !== "--only") {
      throw new Error(`unknown argument ${JSON.stringify(arg)}; use --quick, --json, --only a,b`);
    }
  }
  const names = SECTIONS.map((s) => s.name);
  for (const name of only ?? []) {
    if (!names.includes(name))
      throw new Error(`--only: no section "${name}" (${names.join(", ")})`);
  }
  return { quick: argv.includes("--quick"), json: argv.includes("--json"), only };
}

let current: ChildProcess | undefined;

function runSection(name: string, quick: boolean, out: string): Promise<number | null> {
  const args = [
    "--disable-warning=ExperimentalWarning",
    "--import",
    "tsx",
    path.join(__dirname, "run-section.ts"),
    name,
    "--out",
    out,
  ];
  if (quick) args.push("--quick");
  // The section's stdout (its servers' log lines, if any) goes to stderr: stdout is the table's.
  const child = spawn(NODE, args, { stdio: ["ignore", process.stderr, "inherit"] });
  current = child;
  return new Promise((resolve) => {
    child.once("exit", (code) => {
      current = undefined;
      resolve(code);
    });
  });
}

function failedRow(section: string, code: number | null): Row {
  return {
    section,
    measure: "section failed (see its error above)",
    figure: "n/a",
    spread: `exit ${code ?? "signal"}`,
    target: "runs",
    ok: false,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machine = describeMachine();
  const started = Date.now();
  const directory = mkdtempSync(path.join(os.tmpdir(), "polar-bench-"));
  const results: SectionResult[] = [];
  let failed = false;
  try {
    for (const section of SECTIONS) {
      if (options.only && !options.only.includes(section.name)) continue;
      process.stderr.write(`[bench] ${section.name}${options.quick ? " (quick)" : ""}\n`);
      const out = path.join(directory, `${section.name}.json`);
      const code = await runSection(section.name, options.quick, out);
      if (code === 0 && existsSync(out)) {
        results.push(JSON.parse(readFileSync(out, "utf8")) as SectionResult);
      } else {
        failed = true;
        results.push({ section: section.name, rows: [failedRow(section.name, code)], notes: [] });
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const rows = results.flatMap((result) => result.rows);
  const notes = results.flatMap((result) => result.notes);
  const machineLine = formatMachine(machine, os.loadavg());
  if (options.json) {
    console.log(
      JSON.stringify({ machine, loadAtEnd: os.loadavg(), quick: options.quick, results }),
    );
  } else {
    console.log(renderTable(rows));
    console.log("");
    for (const note of notes) console.log(`- ${note}`);
    console.log(`- machine: ${machineLine}`);
  }
  const missed = misses(rows).length;
  process.stderr.write(
    `[bench] ${missed} target(s) missed, ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
  if (!options.quick && !options.only && !failed) {
    const existing = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, "utf8") : undefined;
    const generated = renderGenerated({
      date: new Date(started),
      machine: machineLine,
      rows,
      notes,
      durationMs: Date.now() - started,
    });
    // Formatted as `npm test`'s prettier --check wants it (tables aligned, blank lines).
    const merged = mergeResults(existing, generated);
    const config = (await prettier.resolveConfig(RESULTS_FILE)) ?? {};
    writeFileSync(
      RESULTS_FILE,
      await prettier.format(merged, { ...config, filepath: RESULTS_FILE }),
    );
    process.stderr.write(`[bench] wrote ${path.relative(process.cwd(), RESULTS_FILE)}\n`);
  }
  process.exitCode = failed ? 1 : 0;
}

// Ctrl-C reaches the section too (same process group); wait for it to clean up, then leave.
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.on(signal, () => {
    const child = current;
    if (!child) process.exit(code);
    child.kill(signal);
    child.once("exit", () => process.exit(code));
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
