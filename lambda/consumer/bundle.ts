/**
 * Builds a consumer's Lambda code from the user's entry file (which exports `handler`, usually
 * `createPolarEventConsumer(…)`): one CommonJS file for Node 22, in memory, like
 * `buildReceiverBundle` (lambda/bundle.ts) and for the same reasons: the AWS SDK (DynamoDB) is
 * bundled so the version the tests ran against is the one deployed, and the output is deterministic
 * (no timestamps, no absolute paths), so an unchanged consumer never redeploys.
 *
 *   const bundle = await buildConsumerBundle({ entry: "consumers/billing.ts" });
 *   new aws.lambda.Function(name, { handler: bundle.handler, runtime: bundle.runtime, code: … });
 *
 * The entry is wrapped in `export { handler } from "<entry>"`, so esbuild itself reports an entry
 * that does not export `handler`, and the bundle exports nothing else.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  build,
  buildSync,
  type BuildFailure,
  type Metafile,
  type Plugin,
  type StdinOptions,
} from "esbuild";
import { ConsumerEntryError } from "./errors";

export interface ConsumerBundleOptions {
  /** The consumer module (TypeScript or JavaScript), exporting `handler`. Relative to `cwd`. */
  readonly entry: string;
  /** Base for a relative `entry` (default `process.cwd()`). */
  readonly cwd?: string;
  /** Minify (default true). */
  readonly minify?: boolean;
  /** Append an inline source map (default false). */
  readonly sourcemap?: boolean;
}

export interface ConsumerBundle {
  readonly code: string;
  readonly fileName: "index.js";
  readonly handler: "index.handler";
  readonly runtime: "nodejs22.x";
  readonly sizeBytes: number;
  readonly sha256: string;
  /** Absolute path of the entry that was bundled. */
  readonly entry: string;
  /** Modules still `require`d at run time: Node built-ins only. */
  readonly externalModules: readonly string[];
  /** Bytes contributed by each input file, largest first (for the bench). */
  readonly inputs: ReadonlyArray<{ readonly path: string; readonly bytes: number }>;
}

/** The example consumer (Polar's subscription advice) that the example stacks deploy. */
export const EXAMPLE_CONSUMER_ENTRY = path.join(__dirname, "example.ts");

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");
const LAMBDA_DIR = path.resolve(__dirname, "..");
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/**
 * Treats this project's lambda/ sources as free of side effects, so a consumer that imports
 * `createPolarEventConsumer` through lambda/index.ts (the public entry of the part) gets the
 * consumer only. Without it esbuild keeps every module that index re-exports, because their
 * module-scope code (the receiver's SQS/SSM clients, esbuild, the local server's fauxqs) might
 * have effects: 1.7 MB instead of 0.6 MB, measured. Only unused modules are dropped; nothing in
 * lambda/ relies on being imported for its effects.
 */
const lambdaSourcesArePure: Plugin = {
  name: "lambda-sources-are-pure",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(\.\.?(\/|$)|\/)/ }, async (args) => {
      // Relative imports inside packages cannot lead into lambda/: skip them (most of the work).
      if (args.pluginData === lambdaSourcesArePure || args.importer.includes(NODE_MODULES)) {
        return undefined;
      }
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: lambdaSourcesArePure,
      });
      const inLambda =
        resolved.errors.length === 0 &&
        resolved.path.startsWith(LAMBDA_DIR + path.sep) &&
        !resolved.path.includes(NODE_MODULES);
      return inLambda ? { path: resolved.path, sideEffects: false } : undefined;
    });
  },
};

/** Packages that belong to the Pulumi program, never to a Lambda: bundled, they would make it megabytes. */
const PROGRAM_ONLY = /^(@pulumi\/|esbuild$|polar-webhooks-as-code$)/;

/** The user's consumer code: not a package, not this project's lambda/ (whose unused modules esbuild drops). */
function isUserCode(file: string): boolean {
  return !file.includes(NODE_MODULES) && !file.startsWith(LAMBDA_DIR + path.sep);
}

/** The same words from the bundler's plugin and from the synchronous pre-flight. */
function programImportText(importer: string, imported: string): string {
  return (
    `${importer} imports ${JSON.stringify(imported)}, which belongs to the Pulumi program, not to a Lambda; ` +
    'import createPolarEventConsumer from "polar-webhooks-as-code/consumer"'
  );
}

/** Refuses an import of the Pulumi side with what to import instead, rather than bundling it silently. */
const noProgramImports: Plugin = {
  name: "no-program-imports",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: PROGRAM_ONLY }, (args) =>
      isUserCode(args.importer)
        ? { errors: [{ text: programImportText(args.importer, args.path) }] }
        : undefined,
    );
  },
};

export async function buildConsumerBundle(options: ConsumerBundleOptions): Promise<ConsumerBundle> {
  const entry = existingEntry(options);
  let result;
  try {
    result = await build({
      stdin: handlerOf(entry),
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node22",
      minify: options.minify ?? true,
      sourcemap: options.sourcemap ? "inline" : false,
      // Paths in the metafile relative to the repository, not to where it is checked out.
      absWorkingDir: REPOSITORY_ROOT,
      legalComments: "eof",
      // ES module builds first, as for the receiver: esbuild then drops what the consumer does not
      // use (the CommonJS build of @aws-sdk/core carries a browser user-agent parser, bowser).
      mainFields: ["module", "main"],
      plugins: [noProgramImports, lambdaSourcesArePure],
      metafile: true,
      write: false,
      logLevel: "silent",
    });
  } catch (error) {
    throw entryError(entry, error);
  }
  const output = result.outputFiles[0];
  if (!output) {
    throw entryProblem(entry, "produced no output from esbuild");
  }
  const code = output.text;
  const metaOutput = Object.values(result.metafile.outputs)[0];
  return {
    code,
    fileName: "index.js",
    handler: "index.handler",
    runtime: "nodejs22.x",
    sizeBytes: Buffer.byteLength(code, "utf8"),
    sha256: createHash("sha256").update(code).digest("hex"),
    entry,
    externalModules: [
      ...new Set((metaOutput?.imports ?? []).filter((i) => i.external).map((i) => i.path)),
    ].sort(),
    inputs: Object.entries(metaOutput?.inputs ?? {})
      .map(([inputPath, info]) => ({ path: inputPath, bytes: info.bytesInOutput }))
      .sort((a, b) => b.bytes - a.bytes),
  };
}

/**
 * What `buildConsumerBundle` checks before it bundles, synchronously and in milliseconds (the Pulumi
 * program runs it before it declares any resource): the file exists, it compiles, its relative
 * imports resolve, and it exports `handler`. Packages are not opened (a missing one still fails the
 * bundle). Returns the absolute path of the entry.
 */
export function checkConsumerEntry(options: Pick<ConsumerBundleOptions, "entry" | "cwd">): string {
  const entry = existingEntry(options);
  const workingDir = path.dirname(entry);
  let metafile: Metafile;
  try {
    ({ metafile } = buildSync({
      stdin: handlerOf(entry),
      bundle: true,
      packages: "external",
      platform: "node",
      format: "cjs",
      target: "node22",
      absWorkingDir: workingDir,
      metafile: true,
      write: false,
      logLevel: "silent",
    }));
  } catch (error) {
    throw entryError(entry, error);
  }
  // buildSync takes no plugins: the imports the bundler's noProgramImports refuses, from the metafile.
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    const importer = path.resolve(workingDir, input);
    const refused = imports.find((i) => i.external && PROGRAM_ONLY.test(i.path));
    if (refused && isUserCode(importer)) {
      const text = programImportText(importer, refused.path);
      throw entryProblem(entry, `could not be bundled: ${text}`);
    }
  }
  return entry;
}

function existingEntry(options: Pick<ConsumerBundleOptions, "entry" | "cwd">): string {
  const entry = path.resolve(options.cwd ?? process.cwd(), options.entry);
  if (!fs.existsSync(entry) || !fs.statSync(entry).isFile()) {
    throw entryProblem(entry, "does not exist (or is not a file)");
  }
  return entry;
}

/** Only `handler` is re-exported, so esbuild itself reports an entry without it. */
function handlerOf(entry: string): StdinOptions {
  return {
    contents: `export { handler } from ${JSON.stringify(`./${path.basename(entry)}`)};\n`,
    resolveDir: path.dirname(entry),
    sourcefile: "consumer-entry.js",
    loader: "js",
  };
}

function entryProblem(entry: string, reason: string, cause?: unknown): ConsumerEntryError {
  return new ConsumerEntryError(`consumer entry ${entry} ${reason}`, {
    entry,
    reason,
    ...(cause === undefined ? {} : { cause }),
  });
}

function entryError(entry: string, error: unknown): ConsumerEntryError {
  const messages = (error as Partial<BuildFailure>).errors ?? [];
  if (messages.some((m) => m.text.includes("No matching export") && m.text.includes('"handler"'))) {
    return entryProblem(
      entry,
      'does not export "handler" (export const handler = createPolarEventConsumer({ … }))',
      error,
    );
  }
  const details = messages
    .slice(0, 3)
    // Our plugin's text names the importing file itself, as the pre-flight does without a location.
    .map((m) =>
      m.location && m.pluginName !== noProgramImports.name
        ? `${m.location.file}:${m.location.line}: ${m.text}`
        : m.text,
    )
    .join("; ");
  return entryProblem(entry, `could not be bundled: ${details || String(error)}`, error);
}
