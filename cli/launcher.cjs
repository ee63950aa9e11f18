#!/usr/bin/env node
// `node cli/launcher.cjs …` (say, behind a shell alias `polar-webhooks`): runs cli/polar.ts with the
// project's toolchain (Node 22 and tsx from node_modules, the Pulumi CLI that `npm run setup` found)
// through scripts/with-toolchain.sh, so it behaves the same as `npm run polar`, whatever Node started
// this launcher.
"use strict";
const { spawn } = require("node:child_process");
const { realpathSync } = require("node:fs");
const path = require("node:path");

const root = path.resolve(path.dirname(realpathSync(__filename)), "..");
const child = spawn(
  "bash",
  [
    path.join(root, "scripts", "with-toolchain.sh"),
    "tsx",
    path.join(root, "cli", "polar.ts"),
    ...process.argv.slice(2),
  ],
  { stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
