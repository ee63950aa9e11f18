/**
 * Secret scanning for tests. Sensitive values are registered where tests create them (the Polar
 * emulator's tokens and endpoint secrets, the engine harness's passphrase, the receiver tests'
 * webhook secrets, SSM values); the shared helpers that collect output or write files (engine
 * harness, CLI runners, pipeline and dev harnesses, bench) scan what they hold against every value
 * registered in this process. Findings say which secret (by label) and where, never the value.
 *
 * A value is found in three forms: whole, the first 10 characters after its well-known prefix
 * (a truncated copy in a log line is still a leak; `whsec_`/`polar_oat_` alone are not), and its
 * base64 encoding (e.g. inside an Authorization header or a base64 Lambda payload).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";

const KNOWN_PREFIXES = ["whsec_", "polar_whs_", "polar_oat_", "polar_pat_", "polar_at_u_"];
const HEAD_LENGTH = 10;
/** Shorter values would match by chance; none of ours is this short. */
const MIN_SECRET_LENGTH = 12;

interface Registered {
  readonly label: string;
  readonly forms: readonly { readonly form: string; readonly text: string }[];
}

// One registry per process even if this module is loaded twice under different specifiers.
const REGISTRY_KEY = Symbol.for("polar-webhooks.test.secret-registry");
type Registry = Map<string, Registered>;
const registry: Registry = ((globalThis as Record<symbol, unknown>)[REGISTRY_KEY] ??=
  new Map()) as Registry;

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
    registry.set(value, { label, forms: formsOf(value) });
  }
  return value;
}

/** Labels of what is registered (for messages; never the values). */
export function registeredSecretLabels(): string[] {
  return [...registry.values()].map((entry) => entry.label);
}

export interface SecretFinding {
  readonly label: string;
  readonly form: string;
  /** A file path (relative to the scanned directory) or the text's name, with a line number. */
  readonly where: string;
}

export type ScanTarget =
  | { readonly text: string; readonly where: string }
  /** A file, or a directory scanned recursively. */
  | { readonly path: string };

export interface ScanOptions {
  /** Values a test put in clear on purpose (e.g. to show why the program refuses them). */
  readonly allow?: readonly string[];
  /** Extra values for this scan only. */
  readonly secrets?: readonly { readonly value: string; readonly label: string }[];
}

function candidates(options: ScanOptions): Registered[] {
  const allowed = new Set(options.allow ?? []);
  const entries = [...registry.entries()].filter(([value]) => !allowed.has(value));
  const extra = (options.secrets ?? [])
    .filter((s) => s.value.length >= MIN_SECRET_LENGTH && !allowed.has(s.value))
    .map((s) => [s.value, { label: s.label, forms: formsOf(s.value) }] as const);
  return [...entries, ...extra].map(([, entry]) => entry);
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

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
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
      // Undecodable bytes become U+FFFD; the (ASCII) values stay searchable around them.
      findings.push(...findSecretsInText(await readFile(file, "utf8"), name, options));
    }
  }
  return findings;
}

export class SecretLeakError extends Error {
  constructor(readonly findings: readonly SecretFinding[]) {
    super(
      `secret scan: ${findings.length} secret value(s) in clear:\n` +
        findings.map((f) => `  - ${f.label} (${f.form}) in ${f.where}`).join("\n"),
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
