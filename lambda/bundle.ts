/**
 * The receiver's code as one deterministic CommonJS file, in memory, with its AWS client (aws-lite)
 * inside: nothing is taken from the runtime (whose AWS SDK AWS updates under running functions), so
 * what the tests ran is what runs. bench/sections/cold-init.ts measures it beside the alternatives
 * (AWS SDK v3 clients eager, lazy, with fewer modules), built here with the same settings.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { build } from "esbuild";

export interface ReceiverBundleOptions {
  /** Default true. */
  readonly minify?: boolean;
  /** Another entry point with the same settings: the bench's alternatives. Default: handler.ts. */
  readonly entryPoint?: string;
  /** Module replacements (esbuild's `alias`), for the bench's alternatives only. */
  readonly alias?: Readonly<Record<string, string>>;
  /** Inline source map (default false); needs NODE_OPTIONS=--enable-source-maps. */
  readonly sourcemap?: boolean;
}

export interface ReceiverBundle {
  readonly code: string;
  readonly fileName: "index.js";
  readonly handler: "index.handler";
  readonly runtime: "nodejs22.x";
  readonly sizeBytes: number;
  readonly sha256: string;
  /** Still `require`d at run time: only Node built-ins. */
  readonly externalModules: readonly string[];
  /** Bytes per input file, largest first (for the bench). */
  readonly inputs: ReadonlyArray<{ readonly path: string; readonly bytes: number }>;
}

// handler.ts here; handler.js in the installed package, whose dist/ holds the compiled code.
export const RECEIVER_ENTRY_POINT = path.join(__dirname, `handler${path.extname(__filename)}`);

export async function buildReceiverBundle(
  options: ReceiverBundleOptions = {},
): Promise<ReceiverBundle> {
  const result = await build({
    entryPoints: [options.entryPoint ?? RECEIVER_ENTRY_POINT],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    minify: options.minify ?? true,
    sourcemap: options.sourcemap ? "inline" : false,
    // Relative paths, so the bytes do not depend on where the repository is checked out.
    absWorkingDir: path.resolve(__dirname, ".."),
    ...(options.alias ? { alias: { ...options.alias } } : {}),
    // ES module builds first, so esbuild can drop what is not used (with the AWS SDK v3, the
    // CommonJS build of client-ssm holds every SSM operation: 686 → 421 KiB).
    mainFields: ["module", "main"],
    legalComments: "eof",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) {
    throw new Error("esbuild produced no output for the receiver bundle");
  }
  const code = output.text;
  const metaOutput = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(metaOutput?.inputs ?? {})
    .map(([inputPath, info]) => ({ path: inputPath, bytes: info.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  // A `require.resolve` loads nothing (aws-lite resolves itself only to autoload plugins, off).
  const externalModules = [
    ...new Set(
      (metaOutput?.imports ?? [])
        .filter((entry) => entry.external && entry.kind !== "require-resolve")
        .map((entry) => entry.path),
    ),
  ].sort();
  return {
    code,
    fileName: "index.js",
    handler: "index.handler",
    runtime: "nodejs22.x",
    sizeBytes: Buffer.byteLength(code, "utf8"),
    sha256: createHash("sha256").update(code).digest("hex"),
    externalModules,
    inputs,
  };
}
