/** `npm run bench`: runs every benchmark in its own process (so one's heap does not skew another's). */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const here = __dirname;
const benchmarks = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .sort();
for (const file of benchmarks) {
  console.log(`\n== ${file}`);
  execFileSync("tsx", [join(here, file)], { stdio: "inherit" });
}
