// The handler in-process when SSM or SQS fail, and a rotation seen through SSM.
import { randomUUID } from "node:crypto";
import { SSMClient, type GetParameterCommandOutput } from "@aws-sdk/client-ssm";
import { SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { createHandler, StaticSecretProvider, type RequestLogEntry } from "../../lambda";
import { SsmSecretProvider } from "../../lambda/aws-sdk";
import {
  DUMMY_AWS,
  REFUSED_ENDPOINT,
  receiveAll,
  SCHEME,
  standardSecret,
  TestDelivery,
} from "./support";
import { sqs, setUp } from "./handler-support";

describe("Function: handler (in-process, SQS = fauxqs)", () => {
  describe("dependencies failing", () => {
    it("answers 503 and acknowledges nothing when SQS is unreachable", async () => {
      // Prepare: a client pointing at a port nobody listens on; the real queue exists and must stay
      // empty.
      const queueUrl = await sqs.createQueue();
      const deadClient = new SQSClient({
        ...DUMMY_AWS,
        endpoint: REFUSED_ENDPOINT,
        useQueueUrlAsEndpoint: false,
        maxAttempts: 2,
      });
      const secret = standardSecret();
      const logs: RequestLogEntry[] = [];
      const handler = createHandler({
        queueUrl,
        secretProvider: new StaticSecretProvider(secret),
        sqsClient: deadClient,
        log: (entry) => logs.push(entry),
      });
      const delivery = new TestDelivery({ secret });
      // Act
      const result = await handler(delivery.event());
      // Assess
      expect(result).toEqual({
        statusCode: 503,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: "enqueue_failed" }),
      });
      expect(await receiveAll(sqs.client, queueUrl)).toEqual([]);
      expect(logs[0]).toMatchObject({
        outcome: "enqueue_failed",
        status: 503,
        level: "error",
        reason: "SendMessage failed",
        webhookId: delivery.webhookId,
        type: "order.paid",
      });
      expect(logs[0]?.cause).toMatch(/ECONNREFUSED/);
    });

    it("answers 503 when the queue does not exist", async () => {
      const secret = standardSecret();
      const logs: RequestLogEntry[] = [];
      const handler = createHandler({
        queueUrl: `${sqs.endpoint}/000000000000/missing-${randomUUID()}`,
        secretProvider: new StaticSecretProvider(secret),
        sqsClient: sqs.client,
        log: (entry) => logs.push(entry),
      });
      expect((await handler(new TestDelivery({ secret }).event())).statusCode).toBe(503);
      expect(logs[0]?.outcome).toBe("enqueue_failed");
    });

    it("answers 503 and enqueues nothing when SSM is unreachable", async () => {
      const { handler, messages, logs } = await setUp({
        secretProvider: new SsmSecretProvider({
          parameterName: "/polar/webhook-secret",
          clientConfig: {
            ...DUMMY_AWS,
            endpoint: REFUSED_ENDPOINT,
            maxAttempts: 1,
          },
        }),
      });
      const result = await handler(new TestDelivery({ secret: standardSecret() }).event());
      expect(result).toEqual({
        statusCode: 503,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: "secret_unavailable" }),
      });
      expect(await messages()).toEqual([]);
      expect(logs[0]).toMatchObject({
        outcome: "secret_unavailable",
        reason: "Could not read the secret parameter",
      });
    });
  });

  describe("secret rotation through SSM (forced refresh on a miss)", () => {
    it("picks up a new secret without a redeploy, at most one GetParameter per 60 s under a flood", async () => {
      // Prepare: SSM holds secret A; the container caches it at t0.
      const oldSecret = standardSecret();
      let parameter = JSON.stringify({ current: oldSecret, previous: null });
      let getParameterCalls = 0;
      const ssm = new SSMClient(DUMMY_AWS);
      ssm.middlewareStack.add(
        () => async () => {
          getParameterCalls += 1;
          const output: GetParameterCommandOutput = {
            $metadata: {},
            Parameter: { Value: parameter },
          };
          return { output, response: {} };
        },
        { step: "initialize", name: "stubGetParameter" },
      );
      let now = 1_000_000;
      const provider = new SsmSecretProvider({
        parameterName: "p",
        ssmClient: ssm,
        now: () => now,
      });
      const { handler, messages, logs } = await setUp({ secretProvider: provider });
      expect((await handler(new TestDelivery({ secret: oldSecret }).event())).statusCode).toBe(202);

      // Act 1: Polar's secret is reset (standard scheme); the parameter now holds {new, previous:
      // old}.
      const newSecret = standardSecret();
      parameter = JSON.stringify({ current: newSecret, previous: oldSecret });
      now += 10_000;
      const tooSoon = await handler(new TestDelivery({ secret: newSecret }).event());
      // …and an attacker floods forged requests meanwhile.
      for (let i = 0; i < 20; i += 1) {
        await handler(new TestDelivery({ secret: standardSecret() }).event());
      }
      // Assess 1: rate-limited, no extra GetParameter.
      expect(tooSoon.statusCode).toBe(403);
      expect(getParameterCalls).toBe(1);
      expect(logs[1]?.secretRefresh).toBe("rate_limited");

      // Act 2: Polar retries after the interval.
      now += 60_000;
      const retried = await handler(new TestDelivery({ secret: newSecret }).event());
      const forgedAfter = await handler(new TestDelivery({ secret: standardSecret() }).event());
      // Assess 2
      expect(retried.statusCode).toBe(202);
      expect(logs.at(-2)).toMatchObject({
        secretRefresh: "forced",
        key: "current/standard",
        outcome: "enqueued",
      });
      expect(forgedAfter.statusCode).toBe(403);
      expect(getParameterCalls).toBe(2);
      // The old secret still verifies as "previous" until the parameter drops it.
      expect(
        (await handler(new TestDelivery({ secret: oldSecret, scheme: SCHEME.LEGACY }).event()))
          .statusCode,
      ).toBe(202);
      expect(logs.at(-1)?.key).toBe("previous/legacy");
      expect(await messages()).toHaveLength(3);
    });
  });
});
