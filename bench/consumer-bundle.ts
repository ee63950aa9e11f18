/**
 * The consumer bundle (lambda/consumer/bundle.ts, example consumer): its size, what fills it, and
 * its cold start: a fresh Node 22 process `require`s the bundle, then handles its first record
 * (median of RUNS). With the in-memory idempotency store this is the code's own cost; with
 * DynamoDB (moto_server, when installed) it adds the client's first requests (a local Python
 * server: slower per call than DynamoDB itself, so an upper bound on the work, not on AWS latency).
 *
 *   bash scripts/with-toolchain.sh tsx bench/consumer-bundle.ts
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSEvent } from "aws-lambda";
import { buildConsumerBundle, EXAMPLE_CONSUMER_ENTRY } from "../lambda/index";

const NODE = fs.realpathSync(path.resolve(__dirname, "../node_modules/.bin/node"));
const RUNS = 7;
const AWS = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function event(): SQSEvent {
  const body = JSON.stringify({
    type: "order.paid",
    timestamp: new Date().toISOString(),
    api_version: "2026-10",
    data: {
      id: randomUUID(),
      customer_id: randomUUID(),
      product_id: randomUUID(),
      billing_reason: "purchase",
    },
  });
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: "bench",
        body,
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: "0",
          SenderId: "bench",
          ApproximateFirstReceiveTimestamp: "0",
        },
        messageAttributes: { "webhook-id": { dataType: "String", stringValue: randomUUID() } },
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:bench",
        awsRegion: "us-east-1",
      },
    ],
  };
}

/** { require, first record } in ms, measured inside a fresh process. */
function coldStart(
  file: string,
  env: Record<string, string>,
): { requireMs: number; firstMs: number } {
  const script =
    `const t0=process.hrtime.bigint();const {handler}=require(${JSON.stringify(file)});` +
    `const t1=process.hrtime.bigint();` +
    `handler(JSON.parse(process.env.BENCH_EVENT),{getRemainingTimeInMillis:()=>30000}).then((r)=>{` +
    `if(r.batchItemFailures.length)throw new Error("record failed");` +
    `const t2=process.hrtime.bigint();process.stderr.write(JSON.stringify({requireMs:Number(t1-t0)/1e6,firstMs:Number(t2-t0)/1e6}))})`;
  const samples = { requireMs: [] as number[], firstMs: [] as number[] };
  for (let i = 0; i < RUNS; i += 1) {
    const result = spawnSyncStderr(script, {
      PATH: path.dirname(NODE),
      ...AWS,
      ...env,
      BENCH_EVENT: JSON.stringify(event()),
    });
    samples.requireMs.push(result.requireMs);
    samples.firstMs.push(result.firstMs);
  }
  return { requireMs: median(samples.requireMs), firstMs: median(samples.firstMs) };
}

/** The measurement goes to stderr: stdout carries the consumer's own log lines. */
function spawnSyncStderr(
  script: string,
  env: Record<string, string>,
): { requireMs: number; firstMs: number } {
  const result = spawnSync(NODE, ["-e", script], { env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`cold-start process failed: ${result.stderr}`);
  }
  return JSON.parse(result.stderr) as { requireMs: number; firstMs: number };
}

async function startMoto(): Promise<{ endpoint: string; stop: () => void } | undefined> {
  let command: string;
  try {
    command = execFileSync("sh", ["-c", "command -v moto_server"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
  const child = spawn(command, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i += 1) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok)
        return { endpoint, stop: () => child.kill("SIGTERM") };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  child.kill("SIGTERM");
  return undefined;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-bench-"));
  const moto = await startMoto();
  try {
    const bundle = await buildConsumerBundle({ entry: EXAMPLE_CONSUMER_ENTRY });
    const file = path.join(dir, "index.js");
    fs.writeFileSync(file, bundle.code);
    const byPackage = new Map<string, number>();
    for (const input of bundle.inputs) {
      const name = input.path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? "(project)";
      byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytes);
    }
    console.log(
      `example consumer bundle: ${Math.round(bundle.sizeBytes / 1024)} KB (minified, AWS SDK bundled)`,
    );
    console.table(
      [...byPackage]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([name, bytes]) => ({ package: name, KB: Math.round(bytes / 1024) })),
    );
    const rows: Array<Record<string, string | number>> = [];
    const memory = coldStart(file, { IDEMPOTENCY_STORE: "memory" });
    rows.push({
      idempotency: "in-memory",
      "require ms": round(memory.requireMs),
      "to first record ms": round(memory.firstMs),
    });
    if (moto) {
      const tableName = `bench-${randomUUID().slice(0, 8)}`;
      const dynamodb = new DynamoDBClient({
        region: "us-east-1",
        endpoint: moto.endpoint,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      });
      await dynamodb.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      const dynamo = coldStart(file, {
        IDEMPOTENCY_TABLE: tableName,
        AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
      });
      rows.push({
        idempotency: "DynamoDB (moto)",
        "require ms": round(dynamo.requireMs),
        "to first record ms": round(dynamo.firstMs),
      });
    } else {
      rows.push({
        idempotency: "DynamoDB (moto)",
        "require ms": "moto_server not found",
        "to first record ms": "-",
      });
    }
    console.table(rows);
  } finally {
    moto?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

void main();
