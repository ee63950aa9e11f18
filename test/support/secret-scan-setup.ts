/**
 * vitest setupFiles entry: each test file gets its own TMPDIR (its children inherit it), which
 * the secret sweep watches, and the Polar emulator's tokens and webhook secrets are registered as
 * they are issued. The runner (secret-scan-runner.ts) sweeps after each test; after the file, a
 * last sweep covers what changed since (e.g. in afterAll hooks), and the directory is removed.
 */
import { subscribe } from "node:diagnostics_channel";
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
// Not the emulator's index: loading all of it would cost every test file ~0.4 s [measured].
import { ISSUED_SECRETS_CHANNEL, type IssuedSecret } from "../../local/polar-emulator/secrets";
import { registerSecret, SecretLeakError } from "./secret-scan";
import { sweep, watchPath } from "./secret-sweep";

const originalTmpdir = process.env.TMPDIR;
const fileTmpdir = mkdtempSync(join(tmpdir(), "polar-test-"));
process.env.TMPDIR = fileTmpdir;
watchPath(fileTmpdir);

subscribe(ISSUED_SECRETS_CHANNEL, (message) => {
  const { kind, value } = message as IssuedSecret;
  registerSecret(value, `Polar emulator ${kind}`);
});

// Registered before the file's own hooks, so (hooks run in reverse) after all of them.
afterAll(async () => {
  let findings;
  try {
    findings = await sweep();
  } finally {
    await rm(fileTmpdir, { recursive: true, force: true });
    if (originalTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = originalTmpdir;
  }
  if (findings.length > 0) throw new SecretLeakError(findings);
});
