/**
 * Cold init: a fresh Node 22 process loads the built receiver bundle and answers its first
 * delivery (202: the secret read from SSM, the message sent to SQS, both on moto), for the
 * shipped bundle (AWS SDK inside) and the variant that takes the SDK from the runtime.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildReceiverBundle, toApiGatewayEvent } from "../../lambda/index";
import { createQueue, putSecretParameter } from "../lib/aws-local";
import { polarBody, seededSecret, signDelivery, webhookIdFor } from "../lib/deliveries";
import { formatBytes, formatMs, formatRatio } from "../lib/format";
import {
  lambdaEnvironment,
  runFresh,
  TIMED_FIRST_INVOCATION,
  writeDriver,
} from "../lib/fresh-process";
import { progress, REPO_ROOT, startMoto, temporaryDirectory } from "../lib/processes";
import { exactRow, measuredRow, type SectionResult } from "../lib/report";
import { ratios, summarize } from "../lib/stats";
import { timeAtMost } from "../lib/targets";
import type { SectionOptions } from "./index";

const TARGET_MS = 150;
const PARAMETER = "/bench/polar-webhooks/secret";

interface Variant {
  readonly name: string;
  readonly file: string;
  readonly sizeBytes: number;
  /** Where the runtime's AWS SDK comes from, for the external variant. */
  readonly nodePath?: string;
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

async function variants(directory: string): Promise<Variant[]> {
  const made: Variant[] = [];
  for (const bundleAwsSdk of [true, false]) {
    const bundle = await buildReceiverBundle({ bundleAwsSdk });
    const dir = path.join(directory, bundleAwsSdk ? "shipped" : "sdk-external");
    fs.mkdirSync(dir);
    const file = path.join(dir, bundle.fileName);
    fs.writeFileSync(file, bundle.code);
    made.push({
      name: bundleAwsSdk ? "shipped bundle (AWS SDK inside)" : "AWS-SDK-external variant",
      file,
      sizeBytes: bundle.sizeBytes,
      // The repository's copy stands in for the one in the Lambda runtime.
      ...(bundleAwsSdk ? {} : { nodePath: path.join(REPO_ROOT, "node_modules") }),
      totalMs: [],
      startMs: [],
      requireMs: [],
      firstMs: [],
    });
  }
  return made;
}

export async function run(options: SectionOptions): Promise<SectionResult> {
  const runs = options.quick ? 3 : 10;
  const directory = temporaryDirectory("bench-cold-init");
  progress("cold init: building both bundles, starting moto_server (SQS + SSM)");
  const [built, moto] = await Promise.all([variants(directory), startMoto()]);
  const secret = seededSecret("bench-cold-init");
  const queueUrl = await createQueue(moto.endpoint, "bench-cold-init");
  await putSecretParameter(moto.endpoint, PARAMETER, secret);
  const driver = writeDriver(directory, "driver.js", TIMED_FIRST_INVOCATION);
  const body = polarBody(2048);
  for (let i = 0; i < runs; i += 1) {
    progress(`cold init: run ${i + 1}/${runs}`);
    for (const variant of i % 2 === 0 ? built : [...built].reverse()) {
      const delivery = signDelivery(secret, body, webhookIdFor(3_000 + i, built.indexOf(variant)));
      const event = toApiGatewayEvent({
        method: "POST",
        url: "/polar/webhooks",
        headers: delivery.headers,
        body: delivery.body,
      });
      const first = runFresh<FirstInvocation>(driver, [variant.file], {
        ...lambdaEnvironment(directory, "polar-webhook-receiver"),
        ...(variant.nodePath ? { NODE_PATH: variant.nodePath } : {}),
        AWS_ENDPOINT_URL: moto.endpoint,
        QUEUE_URL: queueUrl,
        WEBHOOK_SECRET_PARAMETER: PARAMETER,
        BENCH_EVENT: JSON.stringify(event),
      });
      if (first.result.statusCode !== 202) {
        throw new Error(
          `${variant.name} answered ${first.result.statusCode}: ${first.result.body}`,
        );
      }
      variant.totalMs.push(first.totalMs);
      variant.startMs.push(first.startMs);
      variant.requireMs.push(first.requireMs);
      variant.firstMs.push(first.firstMs);
    }
  }
  const section = "cold init";
  const [shipped, external] = built as [Variant, Variant];
  const vsExternal = summarize(ratios(shipped.totalMs, external.totalMs)).median;
  return {
    section,
    rows: built.flatMap((variant) => [
      measuredRow(
        section,
        `${variant.name}: process start → first 202`,
        variant.totalMs,
        formatMs,
        {
          ...(variant === shipped ? { vs: `${formatRatio(vsExternal)} SDK-external` } : {}),
          verdict: timeAtMost(summarize(variant.totalMs).median, TARGET_MS),
        },
      ),
      measuredRow(section, `${variant.name}: Node start-up`, variant.startMs, formatMs),
      measuredRow(section, `${variant.name}: require`, variant.requireMs, formatMs),
      measuredRow(section, `${variant.name}: first request (SSM + SQS)`, variant.firstMs, formatMs),
      exactRow(section, `${variant.name}: size`, formatBytes(variant.sizeBytes), {
        ...(variant === shipped
          ? { vs: `${formatRatio(shipped.sizeBytes / external.sizeBytes)} SDK-external` }
          : {}),
      }),
    ]),
    notes: [
      `cold init: ${runs} fresh Node ${process.version} processes per variant, alternating; each gets only a Lambda's environment (no node_modules; ` +
        "the SDK-external variant resolves @aws-sdk from the repository's node_modules, standing in for the runtime's copy). " +
        "Process start → first 202 = Node start-up (process start → the driver's first line, no bundle involved) + require + the first delivery: " +
        "GetParameter (SSM SecureString) and SendMessage, both on moto_server (Python, slower per call than AWS in-region).",
    ],
  };
}
