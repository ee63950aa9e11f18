/**
 * Command specs, argument parsing (node:util parseArgs, strict) and help text. Every option a
 * command takes is declared once, with its help line, so `--help` cannot drift from the parser.
 */
import { parseArgs } from "node:util";
import type { Context } from "./context";
import { type ExitCode, UsageError } from "./errors";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  /** Shown in help: `--limit <n>`. */
  readonly placeholder?: string;
  readonly description: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly multiple?: boolean;
  readonly required?: boolean;
}

export interface CommandSpec<Input = ParsedArgs> {
  /** As typed: `deliveries`, `dlq redrive`. */
  readonly name: string;
  /** One line for the command list. */
  readonly brief: string;
  readonly summary: string;
  readonly positionals?: PositionalSpec;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Paragraphs after the option list. */
  readonly details?: readonly string[];
  readonly examples?: readonly string[];
  /**
   * Turns parsed arguments into the command's typed input; throws UsageError on bad input, before
   * anything is sent. `now` anchors relative times such as `--since 2h`.
   */
  readonly input: (args: ParsedArgs, now: number) => Input;
  readonly run: (input: Input, context: Context) => Promise<ExitCode>;
}

export interface ParsedArgs {
  readonly command: string;
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

export const HELP_OPTION: OptionSpec = {
  type: "boolean",
  short: "h",
  description: "Show this help.",
};

export function parseCommandArgs(spec: CommandSpec<unknown>, argv: readonly string[]): ParsedArgs {
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, option]) => [
      name,
      {
        type: option.type,
        ...(option.multiple ? { multiple: true } : {}),
        ...(option.short ? { short: option.short } : {}),
      },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseArgsMessage(error), spec.name);
  }
  const result: ParsedArgs = {
    command: spec.name,
    values: parsed.values as ParsedArgs["values"],
    positionals: parsed.positionals,
  };
  if (result.values.help) return result;
  const { positionals } = spec;
  if (!positionals && result.positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(result.positionals[0])}`, spec.name);
  }
  if (positionals?.required && result.positionals.length === 0) {
    throw new UsageError(`missing <${positionals.name}>`, spec.name);
  }
  if (positionals && !positionals.multiple && result.positionals.length > 1) {
    throw new UsageError(
      `one <${positionals.name}> only; unexpected ${JSON.stringify(result.positionals[1])}`,
      spec.name,
    );
  }
  return result;
}

/** parseArgs's messages name the option already; drop its advice about `--` for positionals. */
function parseArgsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(". To specify a positional argument")[0]?.replace(/\.$/, "") ?? message;
}

export function helpText(spec: CommandSpec<unknown>, program = "polar-webhooks"): string {
  const entries = Object.entries({ ...spec.options, help: HELP_OPTION });
  const signature = (name: string, option: OptionSpec) =>
    `${option.short ? `-${option.short}, ` : ""}--${name}` +
    (option.type === "string" ? ` <${option.placeholder ?? "value"}>` : "") +
    (option.multiple ? " …" : "");
  const width = Math.max(...entries.map(([name, option]) => signature(name, option).length));
  const positional = spec.positionals
    ? ` ${spec.positionals.required ? "" : "["}<${spec.positionals.name}>${spec.positionals.multiple ? "…" : ""}${spec.positionals.required ? "" : "]"}`
    : "";
  const lines = [`Usage: ${program} ${spec.name}${positional} [options]`, "", spec.summary, ""];
  if (spec.positionals) {
    lines.push(`  <${spec.positionals.name}>  ${spec.positionals.description}`, "");
  }
  lines.push("Options:");
  for (const [name, option] of entries) {
    lines.push(`  ${signature(name, option).padEnd(width)}  ${option.description}`);
  }
  for (const paragraph of spec.details ?? []) lines.push("", paragraph);
  if (spec.examples?.length) {
    lines.push("", "Examples:", ...spec.examples.map((example) => `  ${program} ${example}`));
  }
  return `${lines.join("\n")}\n`;
}

export function stringValue(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

export function listValue(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  return Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A positive whole number, e.g. `--limit 50`. */
export function positiveInteger(args: ParsedArgs, name: string): number | undefined {
  const text = stringValue(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(
      `--${name} ${JSON.stringify(text)} is not a whole number ≥ 1`,
      args.command,
    );
  }
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
