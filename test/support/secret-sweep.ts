/**
 * The sweep every test file gets (wired in vitest.config.mts): after each test, before its cleanup
 * hooks run, every file under the watched directories (the file's own TMPDIR, which child
 * processes inherit) and every output a helper recorded (CLI runs, engine output, logs) is scanned
 * for the registered secrets (secret-scan.ts). A finding fails that test. Files are scanned again
 * only when they changed or a secret was registered since, so a leak fails the test that made it,
 * not every later one.
 */
import { rm, stat } from "node:fs/promises";
import {
  filesUnder,
  findSecretsInFile,
  findSecretsInText,
  registryGeneration,
  SecretLeakError,
  type SecretFinding,
} from "./secret-scan";

interface Recorded {
  readonly text: string;
  readonly where: string;
}

interface SweepState {
  readonly watched: Set<string>;
  readonly recorded: Recorded[];
  /** file → `${mtimeMs}:${size}:${generation}` when it was last scanned. */
  readonly scanned: Map<string, string>;
}

// One per process even if this module is loaded twice under different specifiers.
const STATE_KEY = Symbol.for("polar-webhooks.test.secret-sweep");
const state = ((globalThis as Record<symbol, unknown>)[STATE_KEY] ??= {
  watched: new Set<string>(),
  recorded: [],
  scanned: new Map<string, string>(),
}) as SweepState;

/** Scans `text` at the next sweep (e.g. a command's stdout); `where` names it in findings. */
export function recordOutput(text: string, where: string): void {
  if (text.length > 0) state.recorded.push({ text, where });
}

/** Scans every file under `path` at each sweep, for as long as it exists. */
export function watchPath(path: string): void {
  state.watched.add(path);
}

async function fingerprint(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return `${info.mtimeMs}:${info.size}:${registryGeneration()}`;
  } catch {
    return undefined;
  }
}

async function scanFiles(root: string, all: boolean): Promise<SecretFinding[]> {
  let files: string[];
  try {
    files = await filesUnder(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const findings: SecretFinding[] = [];
  for (const file of files) {
    const before = await fingerprint(file);
    if (before === undefined || (!all && state.scanned.get(file) === before)) continue;
    state.scanned.set(file, before);
    findings.push(...(await findSecretsInFile(file, file)));
  }
  return findings;
}

/**
 * Findings in the outputs recorded since the last sweep and in the watched files that changed
 * (every file with `all`). Recorded outputs are scanned once.
 */
export async function sweep(options: { all?: boolean } = {}): Promise<SecretFinding[]> {
  const recorded = state.recorded.splice(0);
  const findings = recorded.flatMap(({ text, where }) => findSecretsInText(text, where));
  for (const root of state.watched) {
    findings.push(...(await scanFiles(root, options.all === true)));
  }
  return findings;
}

/** Throws SecretLeakError if the sweep finds anything. */
export async function expectCleanSweep(options: { all?: boolean } = {}): Promise<void> {
  const findings = await sweep(options);
  if (findings.length > 0) throw new SecretLeakError(findings);
}

/**
 * For a harness's dispose: scans what changed under `directory` since the last sweep (e.g. what
 * an afterAll's destroy wrote), removes it, then throws SecretLeakError if a secret was there.
 */
export async function removeAfterScan(directory: string): Promise<void> {
  const findings = await scanFiles(directory, false);
  await rm(directory, { recursive: true, force: true });
  state.watched.delete(directory);
  if (findings.length > 0) throw new SecretLeakError(findings);
}
