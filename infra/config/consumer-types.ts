/**
 * esbuild bundles the consumer entry (`polar-webhooks:consumer`) by stripping its types unchecked, so a type error in
 * the user's consumer would deploy. When Pulumi's runner type-checks the program (its ts-node, unless
 * `PULUMI_NODEJS_TRANSPILE_ONLY=true`), the consumer gets the same check here, with the tsconfig nearest to it.
 */
import * as path from "node:path";
import type * as TypeScript from "typescript";

/** The switches Pulumi's Node.js runner itself reads (@pulumi/pulumi/cmd/run). */
export function programIsTypeChecked(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.PULUMI_NODEJS_TYPESCRIPT === "true" && env.PULUMI_NODEJS_TRANSPILE_ONLY !== "true";
}

const SHOWN = 5;

/**
 * The compiler's errors for `entry` and what it imports, as `file(line,col): error TS…: …` with paths relative to
 * `cwd`; empty when it type-checks, or when no `typescript` can be loaded (the runner that asked has its own).
 */
export function consumerTypeErrors(entry: string, cwd: string): string[] {
  let ts: typeof TypeScript;
  try {
    // Loaded only here: checking costs seconds and is needed only under Pulumi's type-checking runner.
    ts = require("typescript") as typeof TypeScript;
  } catch {
    return [];
  }
  const configFile = ts.findConfigFile(path.dirname(entry), ts.sys.fileExists);
  const options: TypeScript.CompilerOptions = configFile
    ? ts.parseJsonConfigFileContent(
        ts.readConfigFile(configFile, ts.sys.readFile).config,
        ts.sys,
        path.dirname(configFile),
      ).options
    : { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16 };
  const program = ts.createProgram([entry], { ...options, noEmit: true });
  const errors = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error);
  const host = {
    getCanonicalFileName: (file: string) => file,
    getCurrentDirectory: () => cwd,
    getNewLine: () => "\n",
  };
  const lines = errors.slice(0, SHOWN).map((d) =>
    ts
      .formatDiagnostic(d, host)
      .trim()
      .replace(/\s*\n\s*/g, " ")
      .replace(/\.$/, ""),
  );
  if (errors.length > SHOWN) lines.push(`and ${errors.length - SHOWN} more`);
  return lines;
}
