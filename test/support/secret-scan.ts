/**
 * Secret scanning for tests. Sensitive values are registered where they are made: the Polar
 * emulator announces every token and webhook secret it issues (subscribed to in
 * secret-scan-setup.ts), the engine harness registers its passphrase and secret config, the
 * receiver helpers their webhook secrets. Scans look for every value registered in this process;
 * findings say which secret (by label) and where, never the value.
 *
 * Every test file gets the sweep of secret-sweep.ts for free (what it writes under its temporary
 * directory, and the outputs helpers record). These functions are also for direct use.
 *
 * A value is found in three forms: whole, the first 10 characters after its well-known prefix
 * (a truncated copy in a log line is still a leak; `whsec_`/`polar_oat_` alone are not), and its
 * base64 encoding (e.g. inside an Authorization header or a base64 Lambda payload).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

const KNOWN_PREFIXES = ["whsec_", "polar_whs_", "polar_oat_", "polar_pat_", "polar_at_u_"];
const HEAD_LENGTH = 10;
/** Shorter values would match by chance; none of ours is this short. */
const MIN_SECRET_LENGTH = 12;

interface Registered {
  readonly label: string;
  readonly forms: readonly { readonly form: string; readonly text: string }[];
  /** Directories (absolute) where a test stores this value in clear on purpose; "*" anywhere. */
  readonly allowedUnder: string[];
}

// One registry per process even if this module is loaded twice under different specifiers.
const REGISTRY_KEY = Symbol.for("polar-webhooks.test.secret-registry");
type Registry = Map<string, Registered>;
const registry: Registry = ((globalThis as Record<symbol, unknown>)[REGISTRY_KEY] ??=
  new Map()) as Registry;
let generation = 0;

function formsOf(value: string): Registered["forms"] {
  const prefix = KNOWN_PREFIXES.find((p) => value.startsWith(p)) ?? "";
  const rest = value.slice(prefix.length);
  const forms = [
    { form: "whole value", text: value },
    { form: "base64 of the value", text: Buffer.from(value, "utf8").toString("base64") },
  ];
  if (rest.length > HEAD_LENGTH) {
    forms.push({ form: `first ${HEAD_LENGTH} characters`, text: rest.slice(0, HEAD_LENGTH) });
  }
  return forms;
}

/** Remembers a sensitive value for every later scan in this process. Returns the value. */
export function registerSecret<T extends string | undefined | null>(value: T, label: string): T {
  if (typeof value === "string" && value.length >= MIN_SECRET_LENGTH && !registry.has(value)) {
    registry.set(value, { label, forms: formsOf(value), allowedUnder: [] });
    generation++;
  }
  return value;
}

/**
 * Declares that a test stores `value` in clear on purpose (e.g. to show why the program refuses
 * such config), in files under `directory`, or, without one, in any scanned text or file. The
 * value must be registered (so a typo cannot silently allow nothing).
 */
export function allowInClear(value: string, reason: string, directory?: string): void {
  const entry = registry.get(value);
  if (entry === undefined) {
    throw new Error(`allowInClear (${reason}): the value is not a registered secret`);
  }
  entry.allowedUnder.push(directory === undefined ? "*" : resolve(directory));
  generation++;
}

/** Changes whenever a value is registered or allowed: scanned files are then scanned again. */
export function registryGeneration(): number {
  return generation;
}

/** Labels of what is registered (for messages; never the values). */
export function registeredSecretLabels(): string[] {
  return [...registry.values()].map((entry) => entry.label);
}

export interface SecretFinding {
  readonly label: string;
  readonly form: string;
  /** A file path or the text's name, with a line number. */
  readonly where: string;
}

export type ScanTarget =
  | { readonly text: string; readonly where: string }
  /** A file, or a directory scanned recursively. */
  | { readonly path: string };

export interface ScanOptions {
  /** Values a test put in clear on purpose, for this scan only. */
  readonly allow?: readonly string[];
  /** Extra values for this scan only. */
  readonly secrets?: readonly { readonly value: string; readonly label: string }[];
  /** The scanned text is this file's (absolute path): `allowInClear` directories apply. */
  readonly file?: string;
}

function allowedIn(entry: Registered, file: string | undefined): boolean {
  return entry.allowedUnder.some(
    (dir) => dir === "*" || (file !== undefined && (file === dir || file.startsWith(dir + sep))),
  );
}

function candidates(options: ScanOptions): Registered[] {
  const allowed = new Set(options.allow ?? []);
  const entries = [...registry.entries()]
    .filter(([value, entry]) => !allowed.has(value) && !allowedIn(entry, options.file))
    .map(([, entry]) => entry);
  const extra = (options.secrets ?? [])
    .filter((s) => s.value.length >= MIN_SECRET_LENGTH && !allowed.has(s.value))
    .map((s) => ({ label: s.label, forms: formsOf(s.value), allowedUnder: [] }));
  return [...entries, ...extra];
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** Every place a registered value appears in `text` (one finding per secret and form). */
export function findSecretsInText(
  text: string,
  where: string,
  options: ScanOptions = {},
): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const entry of candidates(options)) {
    for (const { form, text: needle } of entry.forms) {
      const index = text.indexOf(needle);
      if (index !== -1) {
        findings.push({ label: entry.label, form, where: `${where}:${lineOf(text, index)}` });
        break;
      }
    }
  }
  return findings;
}

/** Regular files under `path` (itself if it is one); symbolic links are not followed. */
export async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Findings in one file; none if it vanished meanwhile (a test's cleanup may race the scan). */
export async function findSecretsInFile(
  file: string,
  where: string,
  options: ScanOptions = {},
): Promise<SecretFinding[]> {
  let text: string;
  try {
    // Undecodable bytes become U+FFFD; the (ASCII) values stay searchable around them.
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const absolute = isAbsolute(file) ? file : resolve(file);
  return findSecretsInText(text, where, { ...options, file: absolute });
}

/** Every finding in the given texts, files and directories. */
export async function findSecrets(
  targets: ScanTarget | readonly ScanTarget[],
  options: ScanOptions = {},
): Promise<SecretFinding[]> {
  const findings: SecretFinding[] = [];
  for (const target of Array.isArray(targets) ? targets : [targets]) {
    if ("text" in target) {
      findings.push(...findSecretsInText(target.text, target.where, options));
      continue;
    }
    for (const file of await filesUnder(target.path)) {
      const name = file === target.path ? file : relative(target.path, file);
      findings.push(...(await findSecretsInFile(file, name, options)));
    }
  }
  return findings;
}

export class SecretLeakError extends Error {
  constructor(readonly findings: readonly SecretFinding[]) {
    super(
      `secret scan: ${findings.length} secret value(s) in clear:\n` +
        findings.map((f) => `  - ${f.label} (${f.form}) in ${f.where}`).join("\n") +
        "\n(a test that stores one on purpose declares it with allowInClear)",
    );
    this.name = "SecretLeakError";
  }
}

/** Throws SecretLeakError naming each secret (by label) and where it was found. */
export async function expectNoSecrets(
  targets: ScanTarget | readonly ScanTarget[],
  options: ScanOptions = {},
): Promise<void> {
  const findings = await findSecrets(targets, options);
  if (findings.length > 0) throw new SecretLeakError(findings);
}

/** The synchronous form for text already in memory (log lines, CLI output). */
export function expectNoSecretsInText(text: string, where: string, options: ScanOptions = {}) {
  const findings = findSecretsInText(text, where, options);
  if (findings.length > 0) throw new SecretLeakError(findings);
}
