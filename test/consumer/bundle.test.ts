/**
 * The consumer bundle as an artifact: the example consumer built by `buildConsumerBundle`, written
 * to a directory with no node_modules, run in a clean Node 22 process, fed by `SqsEventSource` with
 * records received from moto's SQS, idempotent in moto's DynamoDB (table from IDEMPOTENCY_TABLE,
 * endpoint from AWS_ENDPOINT_URL, as the deployed function is configured).
 */
import { builtinModules } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildConsumerBundle,
  EXAMPLE_CONSUMER_ENTRY,
  type ConsumerBundle,
} from "../../infra/bundle";
import { ConsumerEntryError } from "../../lambda";
import { SqsEventSource } from "../../local/adapters";
import { order, subscription } from "./fixtures";
import { queueDepth } from "./harness";
import { startLambdaProcess } from "./lambda-process";
import {
  createIdempotencyTable,
  createQueuePair,
  enqueuePolarEvent,
  enqueueRaw,
  receiveAll,
  scanTable,
  useMoto,
} from "./support";

let bundle: ConsumerBundle;
let workDir: string;

beforeAll(async () => {
  bundle = await buildConsumerBundle({ entry: EXAMPLE_CONSUMER_ENTRY });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-bundle-"));
  fs.writeFileSync(path.join(workDir, bundle.fileName), bundle.code);
});

afterAll(() => {
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** A consumer entry in a temporary directory, importing this repository by a relative path. */
function entryFile(name: string, source: (lambda: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-entry-"));
  const lambda = path.relative(dir, path.resolve(__dirname, "../../lambda"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, source(lambda));
  return file;
}

describe("Artifact: consumer bundle", () => {
  it("is one CommonJS file that requires only Node built-ins (SDK and Powertools inside)", () => {
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    expect(bundle.externalModules.filter((name) => !builtins.has(name))).toEqual([]);
    const inputs = bundle.inputs.map((input) => input.path);
    for (const expected of [
      "@aws-sdk/client-dynamodb",
      "@aws-lambda-powertools/batch",
      "@aws-lambda-powertools/idempotency",
    ]) {
      expect(inputs.some((p) => p.includes(expected))).toBe(true);
    }
    // Nothing of the receiver, the build tools or the Polar SDK (its import is type-only).
    expect(
      inputs.filter((p) => /lambda\/handler|esbuild|fauxqs|@pulumi|@polar-sh|zod/.test(p)),
    ).toEqual([]);
    expect([bundle.fileName, bundle.handler, bundle.runtime]).toEqual([
      "index.js",
      "index.handler",
      "nodejs22.x",
    ]);
  });

  it("is deterministic (same hash on a rebuild)", async () => {
    expect((await buildConsumerBundle({ entry: EXAMPLE_CONSUMER_ENTRY })).sha256).toBe(
      bundle.sha256,
    );
  });

  it("stays as small when the entry imports lambda/index.ts (the part's public entry)", async () => {
    const entry = entryFile(
      "consumer.ts",
      (lambda) =>
        `import { createPolarEventConsumer } from ${JSON.stringify(`${lambda}/index`)};\n` +
        `export const handler = createPolarEventConsumer({ handlers: { "order.paid": async () => {} } });\n`,
    );
    const built = await buildConsumerBundle({ entry });
    expect(
      built.inputs.filter((i) =>
        /lambda\/(handler|local-server|bundle)\.ts|fauxqs|esbuild/.test(i.path),
      ),
    ).toEqual([]);
    expect(built.sizeBytes).toBeLessThan(bundle.sizeBytes * 1.05);
  });

  it("names the entry when it does not exist, does not export handler, or does not compile", async () => {
    const missing = path.join(os.tmpdir(), "no-such-consumer.ts");
    await expect(buildConsumerBundle({ entry: missing })).rejects.toThrow(
      new ConsumerEntryError(`consumer entry ${missing} does not exist (or is not a file)`, {
        entry: missing,
        reason: "does not exist (or is not a file)",
      }),
    );
    const noHandler = entryFile(
      "no-handler.ts",
      () => "export const main = async () => ({ batchItemFailures: [] });\n",
    );
    await expect(buildConsumerBundle({ entry: noHandler })).rejects.toThrow(
      `consumer entry ${noHandler} does not export "handler"`,
    );
    const broken = entryFile("broken.ts", () => "export const handler = ;\n");
    await expect(buildConsumerBundle({ entry: broken })).rejects.toThrow(
      new RegExp(
        `^consumer entry ${broken.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} could not be bundled: .*broken\\.ts:1: `,
      ),
    );
  });

  describe("run in a clean Node 22 process against moto (SQS + DynamoDB)", () => {
    const moto = useMoto();

    it("applies the subscription advice once per webhook-id, acks unknown types, dead-letters garbage", async () => {
      // Prepare
      const queue = await createQueuePair(moto.sqs, { maxReceiveCount: 2 });
      const tableName = await createIdempotencyTable(moto.dynamodb);
      const paid = await enqueuePolarEvent(moto.sqs, queue.queueUrl, {
        type: "order.paid",
        data: order({ billing_reason: "purchase" }),
      });
      const renewal = await enqueuePolarEvent(moto.sqs, queue.queueUrl, {
        type: "order.created",
        data: order(),
      });
      const canceled = await enqueuePolarEvent(moto.sqs, queue.queueUrl, {
        type: "subscription.updated",
        data: subscription({ cancel_at_period_end: true, ends_at: "2026-12-01T10:00:00Z" }),
      });
      const redelivered = await enqueuePolarEvent(moto.sqs, queue.queueUrl, {
        type: "order.paid",
        webhookId: paid.webhookId,
        data: order({ billing_reason: "purchase" }),
      });
      const unknown = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "invoice.minted" });
      const garbage = await enqueueRaw(moto.sqs, queue.queueUrl, "not json, café", {
        "webhook-id": { DataType: "String", StringValue: "evt_garbage" },
      });
      const lambda = startLambdaProcess(workDir, `./${bundle.fileName}`, {
        AWS_ENDPOINT_URL: moto.endpoint,
        IDEMPOTENCY_TABLE: tableName,
      });
      const source = new SqsEventSource({
        sqsClient: moto.sqs,
        queueUrl: queue.queueUrl,
        handler: lambda.invoke,
      });
      // Act: poll until the queue is empty (the garbage leaves through the redrive).
      try {
        for (let i = 0; i < 100 && (await queueDepth(moto.sqs, queue.queueUrl)) > 0; i += 1) {
          const result = await source.pollOnce();
          expect(result.error).toBeUndefined();
          if (result.received === 0) await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } finally {
        expect(await lambda.stop()).toBe("");
      }
      // Assess
      const logs = lambda.logs();
      const access = logs.filter((line) => line["msg"] === "access");
      expect(access.map((line) => [line["webhookId"], line["action"]])).toEqual(
        expect.arrayContaining([
          [paid.webhookId, "grant"],
          [renewal.webhookId, "extend"],
          [canceled.webhookId, "schedule_end"],
        ]),
      );
      expect(access).toHaveLength(3);
      const outcome = (messageId: string) =>
        logs.filter((line) => line["messageId"] === messageId).map((line) => line["outcome"]);
      expect(outcome(redelivered.messageId).concat(outcome(paid.messageId)).sort()).toEqual([
        "duplicate",
        "handled",
      ]);
      expect(outcome(unknown.messageId)).toEqual(["unknown_type"]);
      expect(outcome(garbage)).toEqual(["malformed", "malformed"]);
      expect(JSON.stringify(logs)).not.toContain("café");
      expect((await receiveAll(moto.sqs, queue.dlqUrl)).map((m) => m.MessageId)).toEqual([garbage]);
      const items = (await scanTable(moto.dynamodb, tableName)).map((item) => unmarshall(item));
      expect(items.map((item) => item["status"])).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
      expect(items.every((item) => String(item["id"]).startsWith("polar-webhooks#"))).toBe(true);
    });
  });
});
