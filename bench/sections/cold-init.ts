/**
 * Cold init: fresh Node 22 processes load a receiver bundle and answer its first delivery (202: the
 * secret read from SSM, the message sent to SQS, both on moto), alternating in every round with a
 * hello-world handler (the floor the ratio target is measured against). Beside the shipped bundle
 * (aws-lite): the alternatives issue 20 compared, each built with the shipped bundle's settings
 * (AWS SDK v3 clients built at INIT, as before; built lazily on the first delivery; with fewer
 * modules), the same-work peer (validateEvent + SDK v3 SendMessage), and the pieces of the shipped
 * INIT, each loaded alone. The entries in bench/variants/ import lambda/'s modules directly, not
 * lambda/index.ts: they are Lambda entry points, and index.ts would bring esbuild and fauxqs along.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildReceiverBundle, type ReceiverBundle } from "../../infra/bundle";
import { toApiGatewayEvent } from "../../local/adapters";
import { createQueue, putSecretParameter } from "../lib/aws-local";
import { polarBody, seededSecret, signDelivery, webhookIdFor } from "../lib/deliveries";
import { formatBytes, formatMs, formatRatio } from "../lib/format";
import {
  lambdaEnvironment,
  REQUIRE_ONLY,
  runFresh,
  TIMED_FIRST_INVOCATION,
  writeDriver,
} from "../lib/fresh-process";
import { progress, REPO_ROOT, startMoto, temporaryDirectory } from "../lib/processes";
import { exactRow, measuredRow, type Row, type SectionResult } from "../lib/report";
import { ratios, summarize } from "../lib/stats";
import { ratioAtMost, timeAtMost } from "../lib/targets";
import type { SectionOptions } from "../lib/report";

/** Issue 20's targets: INIT (`require`) of the shipped bundle, and its first 202 / hello-world. */
const INIT_TARGET_MS = 30;
const FIRST_202_TARGET_RATIO = 4.5;
const PARAMETER = "/bench/polar-webhooks/secret";
const VARIANTS_DIR = path.join(REPO_ROOT, "bench", "variants");

interface Build {
  readonly key: string;
  readonly name: string;
  readonly entryPoint?: string;
  readonly alias?: Record<string, string>;
}

/** Whole handlers: process start → first answer. The hello-world handler answers 200, the rest 202. */
const HANDLERS: readonly Build[] = [
  { key: "hello", name: "hello-world handler", entryPoint: variant("hello.ts") },
  { key: "shipped", name: "shipped bundle (aws-lite)" },
  {
    key: "sdk",
    name: "ours with AWS SDK v3 clients built at INIT (before)",
    entryPoint: variant("receiver-sdk-eager.ts"),
  },
  {
    key: "sdk-lazy",
    name: "ours with AWS SDK v3 loaded on the first delivery",
    entryPoint: variant("receiver-sdk-lazy.ts"),
  },
  {
    key: "sdk-fewer",
    name: "ours with AWS SDK v3, credentials from the environment only",
    entryPoint: variant("receiver-sdk-eager.ts"),
    alias: { "@aws-sdk/credential-provider-node": "./bench/variants/env-credentials.ts" },
  },
  {
    key: "peer",
    name: "same-work peer (validateEvent + SDK v3 SendMessage)",
    entryPoint: variant("peer-receiver.ts"),
  },
];

/** Pieces of the shipped bundle's INIT, each bundled and `require`d alone. */
const PIECES: readonly Build[] = [
  {
    key: "verifier",
    name: "the verifier (lambda/verify.ts: node:crypto, @stablelib/base64)",
    entryPoint: path.join(REPO_ROOT, "lambda", "verify.ts"),
  },
  {
    key: "receiver",
    name: "the receiver without its AWS client (lambda/receiver.ts: the verifier, secrets, queue, log)",
    entryPoint: path.join(REPO_ROOT, "lambda", "receiver.ts"),
  },
  {
    key: "crypto",
    name: "node:crypto (it loads node:stream)",
    entryPoint: variant("crypto-alone.ts"),
  },
  {
    key: "aws-lite",
    name: "aws-lite (@aws-lite/client, aws4)",
    entryPoint: variant("aws-lite-alone.ts"),
  },
];

function variant(file: string): string {
  return path.join(VARIANTS_DIR, file);
}

interface Built extends Build {
  readonly file: string;
  readonly bundle: ReceiverBundle;
  readonly totalMs: number[];
  readonly startMs: number[];
  readonly requireMs: number[];
  readonly firstMs: number[];
}

interface FirstInvocation {
  readonly result: { statusCode: number; body?: string };
  readonly startMs: number;
  readonly requireMs: number;
  readonly firstMs: number;
  readonly totalMs: number;
}

async function buildAll(directory: string, builds: readonly Build[]): Promise<Built[]> {
  return Promise.all(
    builds.map(async (build) => {
      const bundle = await buildReceiverBundle({
        ...(build.entryPoint ? { entryPoint: build.entryPoint } : {}),
        ...(build.alias ? { alias: build.alias } : {}),
      });
      const dir = path.join(directory, build.key);
      fs.mkdirSync(dir);
      const file = path.join(dir, bundle.fileName);
      fs.writeFileSync(file, bundle.code);
      return { ...build, file, bundle, totalMs: [], startMs: [], requireMs: [], firstMs: [] };
    }),
  );
}

function byKey(built: readonly Built[], key: string): Built {
  const found = built.find((entry) => entry.key === key);
  if (!found) throw new Error(`no cold-init variant ${key}`);
  return found;
}

/** In every round, each in turn, the order rotating so drift on the machine hits all alike. */
function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export async function run(options: SectionOptions): Promise<SectionResult> {
  const runs = options.quick ? 3 : 12;
  const directory = temporaryDirectory("bench-cold-init");
  progress("cold init: building the bundles, starting moto_server (SQS + SSM)");
  const [handlers, pieces, moto] = await Promise.all([
    buildAll(directory, HANDLERS),
    buildAll(directory, PIECES),
    startMoto(),
  ]);
  const secret = seededSecret("bench-cold-init");
  const queueUrl = await createQueue(moto.endpoint, "bench-cold-init");
  await putSecretParameter(moto.endpoint, PARAMETER, secret);
  const timed = writeDriver(directory, "driver.js", TIMED_FIRST_INVOCATION);
  const requireOnly = writeDriver(directory, "require.js", REQUIRE_ONLY);
  const body = polarBody(2048);
  const env = {
    ...lambdaEnvironment(directory, "polar-webhook-receiver"),
    AWS_ENDPOINT_URL: moto.endpoint,
    QUEUE_URL: queueUrl,
    WEBHOOK_SECRET_PARAMETER: PARAMETER,
  };
  for (let i = 0; i < runs; i += 1) {
    progress(`cold init: run ${i + 1}/${runs}`);
    for (const [index, variant] of rotated(handlers, i).entries()) {
      const delivery = signDelivery(secret, body, webhookIdFor(3_000 + i, index));
      const event = toApiGatewayEvent({
        method: "POST",
        url: "/polar/webhooks",
        headers: delivery.headers,
        body: delivery.body,
      });
      const first = runFresh<FirstInvocation>(timed, [variant.file], {
        ...env,
        BENCH_EVENT: JSON.stringify(event),
      });
      const expected = variant.key === "hello" ? 200 : 202;
      if (first.result.statusCode !== expected) {
        throw new Error(
          `${variant.name} answered ${first.result.statusCode}: ${first.result.body}`,
        );
      }
      variant.totalMs.push(first.totalMs);
      variant.startMs.push(first.startMs);
      variant.requireMs.push(first.requireMs);
      variant.firstMs.push(first.firstMs);
    }
    for (const piece of rotated(pieces, i)) {
      piece.requireMs.push(
        runFresh<{ requireMs: number }>(requireOnly, [piece.file], env).requireMs,
      );
    }
  }
  return { section: "cold init", rows: rows(handlers, pieces), notes: notes(runs, handlers) };
}

function rows(handlers: readonly Built[], pieces: readonly Built[]): Row[] {
  const section = "cold init";
  const hello = byKey(handlers, "hello");
  const shipped = byKey(handlers, "shipped");
  const peer = byKey(handlers, "peer");
  const overHello = (variant: Built) => summarize(ratios(variant.totalMs, hello.totalMs)).median;
  const result: Row[] = [
    measuredRow(section, `${hello.name}: process start → answer`, hello.totalMs, formatMs),
    measuredRow(section, `${hello.name}: Node start-up`, hello.startMs, formatMs),
  ];
  for (const variant of handlers.filter((entry) => entry !== hello)) {
    const isShipped = variant === shipped;
    const ratio = overHello(variant);
    result.push(
      measuredRow(
        section,
        `${variant.name}: process start → first 202`,
        variant.totalMs,
        formatMs,
        {
          vs: `${formatRatio(ratio)} hello-world`,
          ...(isShipped
            ? { verdict: ratioAtMost(ratio, FIRST_202_TARGET_RATIO, "hello-world") }
            : {}),
        },
      ),
      measuredRow(section, `${variant.name}: require (INIT)`, variant.requireMs, formatMs, {
        ...(isShipped
          ? { verdict: timeAtMost(summarize(variant.requireMs).median, INIT_TARGET_MS) }
          : {}),
        ...(variant === peer || isShipped
          ? {}
          : {
              vs: `${formatRatio(summarize(ratios(variant.requireMs, shipped.requireMs)).median)} shipped`,
            }),
      }),
      measuredRow(section, `${variant.name}: first request (SSM + SQS)`, variant.firstMs, formatMs),
      exactRow(section, `${variant.name}: size`, formatBytes(variant.bundle.sizeBytes)),
    );
  }
  for (const piece of pieces) {
    result.push(
      measuredRow(
        section,
        `shipped INIT, piece loaded alone: ${piece.name}`,
        piece.requireMs,
        formatMs,
        {
          vs: `${formatRatio(summarize(ratios(piece.requireMs, shipped.requireMs)).median)} shipped INIT`,
        },
      ),
    );
  }
  return result;
}

function notes(runs: number, handlers: readonly Built[]): string[] {
  const shipped = byKey(handlers, "shipped");
  const modules = (variant: Built) =>
    new Set(
      variant.bundle.inputs.map((input) =>
        input.path.includes("node_modules/")
          ? (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input.path)?.[1] ?? input.path)
          : "ours",
      ),
    );
  return [
    `cold init: ${runs} rounds; in each, every handler in a fresh Node ${process.version} process (the order rotating), then each INIT piece. ` +
      "Each process gets only a Lambda's environment (no node_modules, credentials and region in variables) and `require`s one bundle built by buildReceiverBundle with the shipped settings. " +
      "Process start → first 202 = Node start-up (process start → the driver's first line) + require (Lambda's INIT phase) + the first delivery: " +
      "GetParameter (SSM SecureString) and SendMessage, both on moto_server (Python, slower per call than AWS in-region). " +
      "The ratio to the hello-world handler is taken per round, then the median.",
    `cold init: the shipped bundle holds ${[...modules(shipped)].sort().join(", ")}; each INIT piece is bundled alone with the same settings and only required: node:crypto is part of the verifier, the verifier of the receiver, the receiver plus aws-lite is the shipped bundle.`,
  ];
}
