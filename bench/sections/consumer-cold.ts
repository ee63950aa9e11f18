/**
 * The consumer's cold start, part of the consumer section: fresh Node 22 processes load a bundle and
 * handle one record (INIT, then the first batch, idempotency in moto's DynamoDB): the example
 * consumer beside a minimal Powertools consumer written the way its docs show and a hello-world
 * handler, in rotating order each round; then what is Powertools' and the SDK's, their modules
 * bundled and required alone. Everything is bundled by buildConsumerBundle.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { SQSEvent } from "aws-lambda";
import { buildConsumerBundle, EXAMPLE_CONSUMER_ENTRY } from "../../lambda/index";
import { formatBytes, formatMs, formatRatio } from "../lib/format";
import { REQUIRE_ONLY, runFresh, TIMED_FIRST_INVOCATION, writeDriver } from "../lib/fresh-process";
import { progress, REPO_ROOT } from "../lib/processes";
import { exactRow, measuredRow, type Row } from "../lib/report";
import { ratios, summarize } from "../lib/stats";

const VARIANTS_DIR = path.join(REPO_ROOT, "bench", "variants");

interface Variant {
  readonly key: "hello" | "example" | "minimal" | "powertools" | "dynamodb";
  readonly name: string;
  readonly entry: string;
}

/** Whole handlers: process start → the first batch answered. */
const HANDLERS: readonly Variant[] = [
  { key: "hello", name: "hello-world handler", entry: path.join(VARIANTS_DIR, "hello.ts") },
  { key: "example", name: "example consumer", entry: EXAMPLE_CONSUMER_ENTRY },
  {
    key: "minimal",
    name: "minimal Powertools consumer (its docs' way)",
    entry: path.join(VARIANTS_DIR, "powertools-consumer.ts"),
  },
];

/** What remains Powertools' and the SDK's: their modules, bundled and required alone. */
const PIECES: readonly Variant[] = [
  {
    key: "powertools",
    name: "Powertools batch + idempotency + its DynamoDB layer (SDK client included)",
    entry: path.join(VARIANTS_DIR, "powertools-alone.ts"),
  },
  {
    key: "dynamodb",
    name: "@aws-sdk/client-dynamodb",
    entry: path.join(VARIANTS_DIR, "dynamodb-client-alone.ts"),
  },
];

interface Built extends Variant {
  readonly file: string;
  readonly sizeBytes: number;
  readonly totalMs: number[];
  readonly requireMs: number[];
  readonly firstMs: number[];
}

interface FirstBatch {
  readonly result: { batchItemFailures?: unknown[] };
  readonly totalMs: number;
  readonly requireMs: number;
  readonly firstMs: number;
}

async function buildAll(directory: string, variants: readonly Variant[]): Promise<Built[]> {
  return Promise.all(
    variants.map(async (variant) => {
      const bundle = await buildConsumerBundle({ entry: variant.entry });
      const file = path.join(directory, `cold-${variant.key}.js`);
      fs.writeFileSync(file, bundle.code);
      return {
        ...variant,
        file,
        sizeBytes: bundle.sizeBytes,
        totalMs: [],
        requireMs: [],
        firstMs: [],
      };
    }),
  );
}

function byKey(built: readonly Built[], key: Variant["key"]): Built {
  const found = built.find((variant) => variant.key === key);
  if (!found) throw new Error(`no consumer cold-start variant ${key}`);
  return found;
}

/** Measures `runs` rounds; `event(i)` is round i's one-record batch (a fresh webhook-id). */
export async function consumerColdStart(options: {
  readonly directory: string;
  readonly runs: number;
  readonly env: Record<string, string>;
  readonly event: (round: number) => SQSEvent;
}): Promise<{ rows: Row[]; note: string }> {
  const { directory, runs, env } = options;
  const [handlers, pieces] = await Promise.all([
    buildAll(directory, HANDLERS),
    buildAll(directory, PIECES),
  ]);
  const timed = writeDriver(directory, "cold.js", TIMED_FIRST_INVOCATION);
  const requireOnly = writeDriver(directory, "require.js", REQUIRE_ONLY);
  for (let i = 0; i < runs; i += 1) {
    progress(`consumer: cold start ${i + 1}/${runs}`);
    const shift = i % handlers.length;
    for (const variant of [...handlers.slice(shift), ...handlers.slice(0, shift)]) {
      const first = runFresh<FirstBatch>(timed, [variant.file], {
        ...env,
        BENCH_EVENT: JSON.stringify(options.event(i)),
      });
      if ((first.result.batchItemFailures ?? []).length > 0) {
        throw new Error(`${variant.name}: the first record failed`);
      }
      variant.totalMs.push(first.totalMs);
      variant.requireMs.push(first.requireMs);
      variant.firstMs.push(first.firstMs);
    }
    for (const piece of pieces) {
      piece.requireMs.push(
        runFresh<{ requireMs: number }>(requireOnly, [piece.file], env).requireMs,
      );
    }
  }
  return {
    rows: rows(handlers, pieces),
    note:
      `consumer cold start: ${runs} rounds, each the hello-world handler, the example consumer and the minimal Powertools consumer in fresh Node ${process.version} processes (rotating order), ` +
      "then each piece required alone; all bundled by buildConsumerBundle, a Lambda's environment, one record, idempotency in moto's DynamoDB. " +
      "The minimal consumer builds its DynamoDB client at INIT (module scope, as the docs do), ours on the first batch. Powertools' own INIT ≈ its piece − the DynamoDB client's.",
  };
}

function rows(handlers: readonly Built[], pieces: readonly Built[]): Row[] {
  const section = "consumer";
  const hello = byKey(handlers, "hello");
  const example = byKey(handlers, "example");
  const minimal = byKey(handlers, "minimal");
  const ratio = (a: readonly number[], b: readonly number[]) =>
    formatRatio(summarize(ratios(a, b)).median);
  const result: Row[] = [
    measuredRow(
      section,
      "cold: hello-world handler, process start → answer",
      hello.totalMs,
      formatMs,
    ),
  ];
  for (const variant of [example, minimal]) {
    const vsMinimal = (of: (v: Built) => number[]) =>
      variant === example ? { vs: `${ratio(of(example), of(minimal))} minimal Powertools` } : {};
    result.push(
      measuredRow(
        section,
        `cold: ${variant.name}, process start → first record done`,
        variant.totalMs,
        formatMs,
        {
          vs:
            `${ratio(variant.totalMs, hello.totalMs)} hello-world` +
            (variant === example ? `, ${ratio(example.totalMs, minimal.totalMs)} minimal` : ""),
        },
      ),
      measuredRow(section, `cold: ${variant.name}, require (INIT)`, variant.requireMs, formatMs, {
        ...vsMinimal((v) => v.requireMs),
      }),
      measuredRow(section, `cold: ${variant.name}, first batch`, variant.firstMs, formatMs, {
        ...vsMinimal((v) => v.firstMs),
      }),
      exactRow(section, `${variant.name} bundle size`, formatBytes(variant.sizeBytes)),
    );
  }
  for (const piece of pieces) {
    result.push(
      measuredRow(
        section,
        `cold: INIT piece loaded alone: ${piece.name}`,
        piece.requireMs,
        formatMs,
        {
          vs: `${ratio(piece.requireMs, example.requireMs)} example INIT`,
        },
      ),
    );
  }
  return result;
}
