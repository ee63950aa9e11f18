/**
 * The bundle as an artifact: built by `buildReceiverBundle`, written to a temporary directory with
 * no node_modules, loaded by a separate, clean Node 22 process (only the environment the Lambda
 * runtime would give it) and invoked with signed API Gateway v2 events. Messages are read back from
 * a real SQS-protocol server: fauxqs in-process, and moto_server (SQS and SSM; set-up installs it, and without it
 * these tests fail).
 */
import { builtinModules } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { SQSClient, type Message } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReceiverBundle, type ReceiverBundle } from "../../infra/bundle";
import {
  attributesOf,
  createQueue,
  legacySecret,
  polarEventBody,
  receiveAll,
  SCHEME,
  standardSecret,
  startTestSqs,
  TestDelivery,
  REFUSED_ENDPOINT,
  type TestSqs,
} from "./support";
import { AWS_ERROR, startScriptedAws } from "./scripted-aws";
import { startMoto, type Moto } from "../support/moto";
import { writeBundle, type BundleDirectory } from "./bundle-process";

let bundle: ReceiverBundle;
let directory: BundleDirectory;
let workDir: string;

beforeAll(async () => {
  bundle = await buildReceiverBundle();
  directory = writeBundle(bundle);
  workDir = directory.workDir;
});

afterAll(() => {
  directory?.dispose();
});

const runBundle: BundleDirectory["run"] = (events, env, functionTimeoutMs) =>
  directory.run(events, env, functionTimeoutMs);

function bodyBytes(message: Message | undefined): Buffer {
  return Buffer.from(message?.Body ?? "", "utf8");
}

/** Messages keyed by webhook-id, so the checks do not depend on delivery order. */
function byWebhookId(messages: Message[]): Map<string | undefined, Message> {
  return new Map(messages.map((message) => [attributesOf(message)["webhook-id"], message]));
}

describe("Artifact: receiver bundle", () => {
  it("is one CommonJS file that requires only Node built-ins (its AWS client, aws-lite, is inside)", () => {
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    expect(bundle.externalModules).toContain("node:crypto");
    expect(bundle.externalModules.filter((name) => !builtins.has(name))).toEqual([]);
    expect(bundle.inputs.some((input) => input.path.includes("@aws-lite/client"))).toBe(true);
    expect(bundle.inputs.some((input) => input.path.includes("@aws-sdk/"))).toBe(false);
    expect(bundle.inputs.some((input) => /fauxqs|esbuild|vitest/.test(input.path))).toBe(false);
    expect([bundle.fileName, bundle.handler, bundle.runtime]).toEqual([
      "index.js",
      "index.handler",
      "nodejs22.x",
    ]);
    expect(bundle.sizeBytes).toBe(Buffer.byteLength(bundle.code));
    expect(fs.existsSync(path.join(workDir, "node_modules"))).toBe(false);
  });

  it("is deterministic (same code and hash on a rebuild)", async () => {
    const again = await buildReceiverBundle();
    expect(again.sha256).toBe(bundle.sha256);
  });

  describe("against fauxqs (in-process SQS server on a free port)", () => {
    let sqs: TestSqs;

    beforeAll(async () => {
      sqs = await startTestSqs();
    });

    afterAll(async () => {
      await sqs.stop();
    });

    it("enqueues deliveries signed both ways byte-for-byte and rejects the rest", async () => {
      // Prepare
      const queueUrl = await sqs.createQueue();
      const secret = standardSecret();
      const standard = new TestDelivery({ secret, scheme: SCHEME.STANDARD });
      const legacy = new TestDelivery({
        secret,
        scheme: SCHEME.LEGACY,
        body: polarEventBody("subscription.active"),
      });
      const forged = new TestDelivery({ secret: standardSecret() });
      const stale = new TestDelivery({ secret, timestamp: Math.floor(Date.now() / 1000) - 3600 });
      // Act
      const run = await runBundle(
        [
          standard.event(),
          legacy.event({ base64: true }),
          forged.event(),
          stale.event(),
          standard.event({ method: "GET" }),
        ],
        { QUEUE_URL: queueUrl, AWS_ENDPOINT_URL_SQS: sqs.endpoint, POLAR_WEBHOOK_SECRET: secret },
      );
      // Assess
      expect(run.results.map((result) => result.statusCode)).toEqual([202, 202, 403, 403, 405]);
      expect(JSON.parse(run.results[0]?.body ?? "")).toMatchObject({
        status: "enqueued",
        webhookId: standard.webhookId,
      });
      const messages = byWebhookId(await receiveAll(sqs.client, queueUrl));
      expect([...messages.keys()].sort()).toEqual([standard.webhookId, legacy.webhookId].sort());
      expect(bodyBytes(messages.get(standard.webhookId)).equals(standard.body)).toBe(true);
      expect(bodyBytes(messages.get(legacy.webhookId)).equals(legacy.body)).toBe(true);
      expect(attributesOf(messages.get(legacy.webhookId)!)).toEqual({
        "webhook-id": legacy.webhookId,
        "webhook-timestamp": legacy.timestamp,
        "event-type": "subscription.active",
      });
      // One JSON log line per request, without the secret or the body.
      expect(run.logs.map((entry) => [entry.outcome, entry.status])).toEqual([
        ["enqueued", 202],
        ["enqueued", 202],
        ["invalid_signature", 403],
        ["stale_timestamp", 403],
        ["method_not_allowed", 405],
      ]);
      expect(run.logs.map((entry) => entry.key)).toEqual([
        "current/standard",
        "current/legacy",
        undefined,
        undefined,
        undefined,
      ]);
      const logText = JSON.stringify(run.logs);
      expect(logText).not.toContain(secret.slice(6));
      expect(logText).not.toContain("café");
    });

    it("sets MessageDeduplicationId and MessageGroupId on a FIFO queue", async () => {
      const queueUrl = await sqs.createQueue(true);
      const secret = legacySecret();
      const delivery = new TestDelivery({ secret, scheme: SCHEME.LEGACY });
      const run = await runBundle([delivery.event(), delivery.event()], {
        QUEUE_URL: queueUrl,
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
        POLAR_WEBHOOK_SECRET: secret,
      });
      expect(run.results.map((result) => result.statusCode)).toEqual([202, 202]);
      const messages = await receiveAll(sqs.client, queueUrl);
      expect(messages).toHaveLength(1);
      expect(messages[0]?.Attributes?.["MessageDeduplicationId"]).toBe(delivery.webhookId);
      expect(messages[0]?.Attributes?.["MessageGroupId"]).toBe(delivery.webhookId);
    });

    it("answers 503 and enqueues nothing when the SQS endpoint is down", async () => {
      const queueUrl = await sqs.createQueue();
      const secret = standardSecret();
      const run = await runBundle([new TestDelivery({ secret }).event()], {
        QUEUE_URL: queueUrl,
        AWS_ENDPOINT_URL_SQS: REFUSED_ENDPOINT,
        POLAR_WEBHOOK_SECRET: secret,
      });
      expect(run.results.map((result) => result.statusCode)).toEqual([503]);
      expect(run.logs[0]?.outcome).toBe("enqueue_failed");
      expect(await receiveAll(sqs.client, queueUrl)).toEqual([]);
    });

    it("answers 503 before the function's timeout when SQS accepts the request and never answers", async () => {
      // Prepare: the Lambda passes its context; this function has 3 s.
      const silent = await startScriptedAws(() => "hang");
      const secret = standardSecret();
      const functionTimeoutMs = 3_000;
      try {
        // Act
        const run = await runBundle(
          [new TestDelivery({ secret }).event()],
          {
            QUEUE_URL: `${silent.endpoint}/000000000000/webhooks`,
            AWS_ENDPOINT_URL_SQS: silent.endpoint,
            POLAR_WEBHOOK_SECRET: secret,
          },
          functionTimeoutMs,
        );
        // Assess
        expect(run.results.map((result) => result.statusCode)).toEqual([503]);
        expect(run.logs[0]).toMatchObject({
          outcome: "deadline_exceeded",
          reason: "Deadline exceeded during SendMessage",
        });
        expect(run.logs[0]?.latencyMs).toBeLessThan(functionTimeoutMs);
        expect(silent.calls("SendMessage")).toBe(1);
      } finally {
        await silent.close();
      }
    });

    it("calls GetParameter once for a flood of requests while SSM fails on a cold container", async () => {
      const failing = await startScriptedAws(() => AWS_ERROR.internal);
      try {
        const forged = Array.from({ length: 20 }, () =>
          new TestDelivery({ secret: standardSecret() }).event(),
        );
        const run = await runBundle(forged, {
          QUEUE_URL: await sqs.createQueue(),
          AWS_ENDPOINT_URL_SQS: sqs.endpoint,
          AWS_ENDPOINT_URL_SSM: failing.endpoint,
          WEBHOOK_SECRET_PARAMETER: "/polar/webhook-secret",
        });
        expect(new Set(run.results.map((result) => result.statusCode))).toEqual(new Set([503]));
        expect(failing.calls("GetParameter")).toBe(1);
      } finally {
        await failing.close();
      }
    });

    it("answers 500 misconfigured, naming the variable, when QUEUE_URL is missing", async () => {
      const run = await runBundle([new TestDelivery({ secret: standardSecret() }).event()], {
        POLAR_WEBHOOK_SECRET: standardSecret(),
      });
      expect(run.results.map((result) => result.statusCode)).toEqual([500]);
      expect(run.logs[0]?.reason).toBe("QUEUE_URL is required");
    });
  });

  describe("against moto_server (SQS and SSM SecureString)", () => {
    let moto: Moto;
    let endpoint: string;
    let sqsClient: SQSClient;
    let ssmClient: SSMClient;

    beforeAll(async () => {
      moto = await startMoto();
      ({ endpoint, sqs: sqsClient, ssm: ssmClient } = moto);
    }, 60_000);

    afterAll(async () => {
      await moto?.stop();
    });

    async function putSecrets(current: string, previous: string | null): Promise<string> {
      const name = `/polar/webhook-secret/${Math.random().toString(36).slice(2)}`;
      await ssmClient.send(
        new PutParameterCommand({
          Name: name,
          Type: "SecureString",
          Value: JSON.stringify({ current, previous }),
        }),
      );
      return name;
    }

    it("verifies with secrets from SSM (current standard, previous legacy) and enqueues byte-for-byte", async () => {
      // Prepare: a rotation in progress — the old legacy-format secret is still "previous".
      const queueUrl = await createQueue(sqsClient);
      const current = standardSecret();
      const previous = legacySecret();
      const parameterName = await putSecrets(current, previous);
      const fresh = new TestDelivery({
        secret: current,
        body: polarEventBody("order.paid", " 🚀"),
      });
      const old = new TestDelivery({ secret: previous, scheme: SCHEME.LEGACY });
      const forged = new TestDelivery({ secret: standardSecret() });
      // Act: AWS_ENDPOINT_URL (the generic setting) serves both SQS and SSM.
      const run = await runBundle([fresh.event(), old.event({ base64: true }), forged.event()], {
        QUEUE_URL: queueUrl,
        AWS_ENDPOINT_URL: endpoint,
        WEBHOOK_SECRET_PARAMETER: parameterName,
      });
      // Assess
      expect(run.results.map((result) => result.statusCode)).toEqual([202, 202, 403]);
      expect(run.logs.map((entry) => entry.key)).toEqual([
        "current/standard",
        "previous/legacy",
        undefined,
      ]);
      const messages = byWebhookId(await receiveAll(sqsClient, queueUrl));
      expect(messages.size).toBe(2);
      expect(bodyBytes(messages.get(fresh.webhookId)).equals(fresh.body)).toBe(true);
      expect(bodyBytes(messages.get(old.webhookId)).equals(old.body)).toBe(true);
      expect(attributesOf(messages.get(fresh.webhookId)!)).toEqual({
        "webhook-id": fresh.webhookId,
        "webhook-timestamp": fresh.timestamp,
        "event-type": "order.paid",
      });
      const logText = JSON.stringify(run.logs);
      expect(logText).not.toContain(current.slice(6));
      expect(logText).not.toContain(previous);
    });

    it("deduplicates on a FIFO queue by webhook-id", async () => {
      const queueUrl = await createQueue(sqsClient, true);
      const secret = standardSecret();
      const parameterName = await putSecrets(secret, null);
      const delivery = new TestDelivery({ secret });
      const run = await runBundle([delivery.event(), delivery.event()], {
        QUEUE_URL: queueUrl,
        AWS_ENDPOINT_URL: endpoint,
        WEBHOOK_SECRET_PARAMETER: parameterName,
      });
      expect(run.results.map((result) => result.statusCode)).toEqual([202, 202]);
      const messages = await receiveAll(sqsClient, queueUrl);
      expect(messages.map((message) => message.Attributes?.["MessageGroupId"])).toEqual([
        delivery.webhookId,
      ]);
    });

    it("answers 503 and enqueues nothing when the SSM parameter does not exist", async () => {
      const queueUrl = await createQueue(sqsClient);
      const run = await runBundle([new TestDelivery({ secret: standardSecret() }).event()], {
        QUEUE_URL: queueUrl,
        AWS_ENDPOINT_URL: endpoint,
        WEBHOOK_SECRET_PARAMETER: "/polar/webhook-secret/missing",
      });
      expect(run.results.map((result) => result.statusCode)).toEqual([503]);
      expect(run.logs[0]).toMatchObject({
        outcome: "secret_unavailable",
        cause: "ParameterNotFound",
      });
      expect(await receiveAll(sqsClient, queueUrl)).toEqual([]);
    });
  });
});
