/**
 * Runs one bench section in this process: `tsx bench/run-section.ts <section> [--quick]` prints
 * its rows as a table; with `--out <file>` (how bench/index.ts calls it) writes them as JSON.
 */
import { writeFileSync } from "node:fs";
import { likeProduction } from "./lib/production";
import { installSignalHandlers, runCleanups } from "./lib/processes";
import { renderTable } from "./lib/report";
import { findSection } from "./sections/index";

async function main(argv: readonly string[]): Promise<void> {
  const name = argv.find((arg, i) => !arg.startsWith("--") && argv[i - 1] !== "--out");
  if (!name) throw new Error("usage: run-section.ts <section> [--quick] [--out <file>]");
  const outIndex = argv.indexOf("--out");
  const out = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  installSignalHandlers();
  likeProduction();
  const section = await findSection(name).load();
  try {
    const result = await section.run({ quick: argv.includes("--quick") });
    if (out) {
      writeFileSync(out, JSON.stringify(result));
    } else {
      console.log(renderTable(result.rows));
      for (const note of result.notes) console.log(`- ${note}`);
    }
  } finally {
    await runCleanups();
  }
}

main(process.argv.slice(2)).then(
  // Sockets of SDK clients may linger; the results are written, so leave now.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    void runCleanups().finally(() => process.exit(1));
  },
);
