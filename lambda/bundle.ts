/**
 * The receiver's code as one deterministic CommonJS file, in memory. The AWS SDK is bundled, not
 * taken from the runtime (which AWS updates under running functions), to pin what the tests ran;
 * bench/sections/cold-init.ts measures both variants.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { build } from "esbuild";

export interface ReceiverBundleOptions {
  /** Default true. */
  readonly minify?: boolean;
  /** Default true; `false` (the runtime's copy) is for measuring only. */
  readonly bundleAwsSdk?: boolean;
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
  /** Still `require`d at run time: only Node built-ins when the SDK is bundled. */
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
    entryPoints: [RECEIVER_ENTRY_POINT],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    minify: options.minify ?? true,
    sourcemap: options.sourcemap ? "inline" : false,
    // Relative paths, so the bytes do not depend on where the repository is checked out.
    absWorkingDir: path.resolve(__dirname, ".."),
    external: options.bundleAwsSdk === false ? ["@aws-sdk/*"] : [],
    // The SDK's ES module builds first, so esbuild can drop what our two commands do not use (the
    // CommonJS build of client-ssm holds every SSM operation): 686 → 421 KiB, and the cold
    // `require` took ~40 % less CPU [measured, 2 cores here: ~290 → ~170 ms].
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
  const externalModules = [
    ...new Set(
      (metaOutput?.imports ?? []).filter((entry) => entry.external).map((entry) => entry.path),
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
