/**
 * Builds the receiver's Lambda code: one CommonJS file for the Node 22 runtime, returned in memory
 * so the infra component can wrap it without touching the file system:
 *
 *   const bundle = await buildReceiverBundle();
 *   new aws.lambda.Function(name, {
 *     runtime: aws.lambda.Runtime.NodeJS22dX,
 *     handler: bundle.handler, // "index.handler"
 *     code: new pulumi.asset.AssetArchive({ [bundle.fileName]: new pulumi.asset.StringAsset(bundle.code) }),
 *   });
 *
 * The output is deterministic for a given source tree and lockfile (no timestamps, no absolute
 * paths), so `sha256` changes only when the code does and Pulumi does not redeploy the function
 * needlessly.
 *
 * ## Why the AWS SDK is bundled (not left to the runtime)
 * The Node 22 runtime ships some AWS SDK v3, but AWS updates it under running functions, without
 * notice and independently of our lockfile. Bundling pins the version the tests ran against
 * (3.1169.0), including behaviour we rely on (AWS JSON protocol for SQS, `useQueueUrlAsEndpoint`,
 * AWS_ENDPOINT_URL_* support), and makes the artifact test in test/lambda/bundle.test.ts
 * meaningful: it runs with no node_modules at all. The price, measured with bench/lambda-bundle.ts
 * (Node 22, minified): 689 KB with the SQS and SSM clients vs 37 KB without — far below the 50 MB
 * zip / 250 MB unzipped limits — and no cold-start penalty: a fresh process `require`s the single
 * file faster (≈ 276 ms) than the external variant resolving the SDK's files from node_modules (≈
 * 326 ms) on the same (busy, 2-core) machine. zod is imported as `zod/mini` in the handler path:
 * the full build alone was 440 KB.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { build } from "esbuild";

export interface ReceiverBundleOptions {
  /** Minify the output (default true: smaller asset, faster cold-start parse). */
  readonly minify?: boolean;
  /**
   * Bundle `@aws-sdk/*` (default true, see above). `false` leaves it to the runtime's copy; only
   * for measuring.
   */
  readonly bundleAwsSdk?: boolean;
  /**
   * Append an inline source map (default false; set NODE_OPTIONS=--enable-source-maps on the
   * function to use it).
   */
  readonly sourcemap?: boolean;
}

export interface ReceiverBundle {
  /** The bundle's JavaScript source (CommonJS). */
  readonly code: string;
  /** File name inside the Lambda code archive. */
  readonly fileName: "index.js";
  /** Lambda `handler` setting for that file. */
  readonly handler: "index.handler";
  /** Lambda runtime the bundle targets. */
  readonly runtime: "nodejs22.x";
  /** UTF-8 size of `code` in bytes. */
  readonly sizeBytes: number;
  /**
   * Hex SHA-256 of `code`: a stable content hash (e.g. for `sourceCodeHash`-style change detection
   * or logs).
   */
  readonly sha256: string;
  /**
   * Modules the bundle still `require`s at run time (must be Node built-ins only when the SDK is
   * bundled).
   */
  readonly externalModules: readonly string[];
  /** Bytes contributed by each input file, largest first (for the bench). */
  readonly inputs: ReadonlyArray<{ readonly path: string; readonly bytes: number }>;
}

/** The handler entry point, resolved next to this file so it works from any working directory. */
export const RECEIVER_ENTRY_POINT = path.join(__dirname, "handler.ts");

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
    // Relative paths in comments/metafile, so the bytes do not depend on where the repository is
    // checked out.
    absWorkingDir: path.resolve(__dirname, ".."),
    external: options.bundleAwsSdk === false ? ["@aws-sdk/*"] : [],
    // Licence headers of the bundled packages (Apache-2.0 SDK, MIT) stay in the file, at its end.
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
