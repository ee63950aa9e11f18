/**
 * Consumer: the example consumer's bundle (lambda/consumer/example.ts, as the example stacks deploy
 * it), its cold start beside a minimal Powertools consumer (consumer-cold.ts), and warm records/s
 * with idempotency in DynamoDB (moto_server), beside the same with the in-memory store (the code's
 * own cost).
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { buildConsumerBundle, EXAMPLE_CONSUMER_ENTRY } from "../../infra/bundle";
import { sampleWebhookPayload } from "../../local/polar-emulator/index";
import { createIdempotencyTable } from "../lib/aws-local";
import { formatRatio, formatRate } from "../lib/format";
import { lambdaEnvironment, runFresh, writeDriver } from "../lib/fresh-process";
import { progress, startMoto, temporaryDirectory } from "../lib/processes";
import { measuredRow, type SectionResult } from "../lib/report";
import { consumerColdStart } from "./consumer-cold";
import { ratios, summarize } from "../lib/stats";
import type { SectionOptions } from "../lib/report";

const BATCH_SIZE = 10;
const TABLE = "bench-idempotency";

/** Invokes the handler with each batch in turn, as one warm Lambda instance; times all but the first. */
const THROUGHPUT = `
const fs = require("node:fs");
const { handler } = require(process.argv[2]);
const batches = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const context = () => ({ functionName: "bench", awsRequestId: String(Math.random()), getRemainingTimeInMillis: () => 30000 });
(async () => {
  let failures = (await handler(batches[0], context())).batchItemFailures.length;
  const started = performance.now();
  let records = 0;
  for (const event of batches.slice(1)) {
    failures += (await handler(event, context())).batchItemFailures.length;
    records += event.Records.length;
  }
  fs.writeSync(3, JSON.stringify({ records, ms: performance.now() - started, failures }) + "\\n");
})();
`;

/** A record as the receiver enqueues it: Polar's payload, webhook-id and event-type attributes. */
function record(type: string): SQSRecord {
  const webhookId = randomUUID();
  return {
    messageId: randomUUID(),
    receiptHandle: `bench-${webhookId}`,
    body: sampleWebhookPayload(type, { apiVersion: "2026-10" }),
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: String(Date.now()),
      SenderId: "bench",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {
      "webhook-id": { dataType: "String", stringValue: webhookId },
      "webhook-timestamp": {
        dataType: "String",
        stringValue: String(Math.floor(Date.now() / 1000)),
      },
      "event-type": { dataType: "String", stringValue: type },
    },
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:bench",
    awsRegion: "us-east-1",
  };
}

/** Batches of the example consumer's three event types, every record a new webhook-id. */
function batches(count: number, size: number): SQSEvent[] {
  const types = ["order.paid", "order.created", "subscription.updated"];
  return Array.from({ length: count }, (_, b) => ({
    Records: Array.from({ length: size }, (_, r) =>
      record(types[(b * size + r) % types.length] as string),
    ),
  }));
}

export async function run(options: SectionOptions): Promise<SectionResult> {
  const coldRuns = options.quick ? 3 : 10;
  const throughputRuns = options.quick ? 2 : 5;
  const batchCount = options.quick ? 11 : 31;
  const directory = temporaryDirectory("bench-consumer");
  progress("consumer: building the example consumer, starting moto_server (DynamoDB)");
  const [bundle, moto] = await Promise.all([
    buildConsumerBundle({ entry: EXAMPLE_CONSUMER_ENTRY }),
    startMoto(),
  ]);
  const bundleFile = path.join(directory, "index.js");
  fs.writeFileSync(bundleFile, bundle.code);
  await createIdempotencyTable(moto.endpoint, TABLE);
  const warm = writeDriver(directory, "warm.js", THROUGHPUT);
  const stores = {
    dynamodb: { IDEMPOTENCY_TABLE: TABLE, AWS_ENDPOINT_URL: moto.endpoint },
    memory: { IDEMPOTENCY_STORE: "memory" },
  };
  const env = (store: keyof typeof stores) => ({
    ...lambdaEnvironment(directory, "polar-webhook-consumer"),
    ...stores[store],
  });

  const cold = await consumerColdStart({
    directory,
    runs: coldRuns,
    env: env("dynamodb"),
    event: () => batches(1, 1)[0] as SQSEvent,
  });

  const rates = { dynamodb: [] as number[], memory: [] as number[] };
  for (let i = 0; i < throughputRuns; i += 1) {
    for (const store of i % 2 === 0
      ? (["dynamodb", "memory"] as const)
      : (["memory", "dynamodb"] as const)) {
      progress(`consumer: throughput ${i + 1}/${throughputRuns}, idempotency in ${store}`);
      const input = path.join(directory, `batches-${i}-${store}.json`);
      fs.writeFileSync(input, JSON.stringify(batches(batchCount, BATCH_SIZE)));
      const result = runFresh<{ records: number; ms: number; failures: number }>(
        warm,
        [bundleFile, input],
        env(store),
      );
      if (result.failures > 0)
        throw new Error(`${result.failures} records failed (idempotency in ${store})`);
      rates[store].push((result.records / result.ms) * 1000);
    }
  }
  const section = "consumer";
  const perSecond = (value: number) => formatRate(value, "records");
  const dynamoVsMemory = summarize(ratios(rates.dynamodb, rates.memory)).median;
  return {
    section,
    rows: [
      ...cold.rows,
      measuredRow(
        section,
        "warm records/s, idempotency in DynamoDB (moto)",
        rates.dynamodb,
        perSecond,
        {
          vs: `${formatRatio(dynamoVsMemory)} in-memory`,
        },
      ),
      measuredRow(section, "warm records/s, idempotency in memory", rates.memory, perSecond),
    ],
    notes: [
      cold.note,
      `consumer: records/s = ${(batchCount - 1) * BATCH_SIZE} records in batches of ${BATCH_SIZE} handled one batch after another ` +
        `by one warm process after a first batch (${throughputRuns} runs per store, alternating), each record a new webhook-id ` +
        "(order.paid, order.created, subscription.updated sample payloads): Powertools takes and completes a DynamoDB lock per record, on moto_server (Python: slower per call than DynamoDB).",
    ],
  };
}
