/**
 * The receiver when AWS misbehaves: SSM or SQS accept the connection and never answer (the whole
 * request must still end, with a 503, before the function's timeout), and SSM failing on a cold
 * container (a flood of requests must not become a flood of GetParameter calls). Real SDK clients,
 * with the production timeouts and retries, against a scripted local endpoint; the queue is fauxqs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createHandler,
  StaticSecretProvider,
  type ReceiverOptions,
  type RequestLogEntry,
} from "../../lambda";
import {
  DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS,
  DEFAULT_SECRET_TTL_SECONDS,
} from "../../lambda/secrets";
import { SsmSecretProvider } from "../../lambda/aws-sdk";
import {
  AWS_ERROR,
  parameterAnswer,
  startScriptedAws,
  type ScriptedAnswer,
  type ScriptedAws,
} from "./scripted-aws";
import {
  DUMMY_AWS,
  receiveAll,
  standardSecret,
  startTestSqs,
  TestDelivery,
  type TestSqs,
} from "./support";

/**
 * Small, so the tests are quick; the production default is 8 s for the 10 s function. It is shorter than one SDK
 * attempt's own timeout (2 s), so a deadline shows as a single attempt where the SDK alone would make three: the
 * order of two timers in one process, which a loaded machine cannot swap, instead of a wall-clock bound.
 */
const BUDGET_MS = 1_500;

let sqs: TestSqs;
let aws: ScriptedAws | undefined;

beforeAll(async () => {
  sqs = await startTestSqs();
});

afterAll(async () => {
  await sqs.stop();
});

afterEach(async () => {
  await aws?.close();
  aws = undefined;
});

async function scriptedAws(answer: (operation: string) => ScriptedAnswer): Promise<ScriptedAws> {
  aws = await startScriptedAws((request) => answer(request.operation));
  return aws;
}

function receiver(options: ReceiverOptions) {
  const logs: RequestLogEntry[] = [];
  const handler = createHandler({ ...options, log: (entry) => logs.push(entry) });
  return { handler, logs };
}

describe("Function: handler under degraded AWS", () => {
  describe("time budget", () => {
    it("answers 503 within the budget when SSM never answers on a cold start, and enqueues nothing", async () => {
      // Prepare
      const scripted = await scriptedAws(() => "hang");
      const queueUrl = await sqs.createQueue();
      const { handler, logs } = receiver({
        env: { WEBHOOK_SECRET_PARAMETER: "/polar/webhook-secret" },
        queueUrl,
        sqsClient: sqs.client,
        ssmClientConfig: { ...DUMMY_AWS, endpoint: scripted.endpoint },
        requestBudgetMs: BUDGET_MS,
      });
      // Act
      const result = await handler(new TestDelivery({ secret: standardSecret() }).event());
      // Assess
      expect(result).toEqual({
        statusCode: 503,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: "deadline_exceeded" }),
      });
      // Answered at the deadline, during the first attempt, not after the SDK's retries.
      expect(scripted.requests).toHaveLength(1);
      expect(logs[0]).toMatchObject({
        outcome: "deadline_exceeded",
        status: 503,
        level: "error",
        reason: "Deadline exceeded during GetParameter",
        budgetMs: BUDGET_MS,
      });
      expect(await receiveAll(sqs.client, queueUrl)).toEqual([]);
    });

    it("answers 503 within the budget when SQS never answers", async () => {
      const scripted = await scriptedAws(() => "hang");
      const secret = standardSecret();
      const { handler, logs } = receiver({
        queueUrl: `${scripted.endpoint}/000000000000/webhooks`,
        secretProvider: new StaticSecretProvider(secret),
        sqsClientConfig: { ...DUMMY_AWS, endpoint: scripted.endpoint },
        requestBudgetMs: BUDGET_MS,
      });
      const delivery = new TestDelivery({ secret });
      const result = await handler(delivery.event());
      expect(result.statusCode).toBe(503);
      expect(scripted.requests).toHaveLength(1);
      expect(logs[0]).toMatchObject({
        outcome: "deadline_exceeded",
        reason: "Deadline exceeded during SendMessage",
        webhookId: delivery.webhookId,
        type: "order.paid",
      });
      expect(scripted.calls("SendMessage")).toBe(1);
    });

    it("takes the budget from the Lambda context (remaining time minus a margin) when it is smaller", async () => {
      // Prepare: a function with 2 s left; the configured budget (8 s by default) is larger.
      const scripted = await scriptedAws(() => "hang");
      const secret = standardSecret();
      const { handler, logs } = receiver({
        queueUrl: `${scripted.endpoint}/000000000000/webhooks`,
        secretProvider: new StaticSecretProvider(secret),
        sqsClientConfig: { ...DUMMY_AWS, endpoint: scripted.endpoint },
      });
      const functionTimeoutMs = 2_000;
      const context = { getRemainingTimeInMillis: () => functionTimeoutMs };
      // Act
      const result = await handler(new TestDelivery({ secret }).event(), context);
      // Assess: answered at that budget, during the first attempt, before the function would have been killed.
      expect(result.statusCode).toBe(503);
      expect(scripted.requests).toHaveLength(1);
      expect(logs[0]?.outcome).toBe("deadline_exceeded");
      expect(logs[0]?.budgetMs).toBeGreaterThan(functionTimeoutMs - 1_000);
      expect(logs[0]?.budgetMs).toBeLessThanOrEqual(functionTimeoutMs - 500);
    });

    it("gives up on a silent attempt after its own timeout and retries it within the budget", async () => {
      // Prepare: the first GetParameter attempt never gets an answer, the retry does.
      const secret = standardSecret();
      let attempts = 0;
      const scripted = await scriptedAws(() =>
        ++attempts === 1
          ? "hang"
          : parameterAnswer(JSON.stringify({ current: secret, previous: null })),
      );
      const queueUrl = await sqs.createQueue();
      const { handler } = receiver({
        env: { WEBHOOK_SECRET_PARAMETER: "/polar/webhook-secret" },
        queueUrl,
        sqsClient: sqs.client,
        ssmClientConfig: { ...DUMMY_AWS, endpoint: scripted.endpoint },
      });
      // Act
      const result = await handler(new TestDelivery({ secret }).event());
      // Assess: one call, two attempts, and the delivery got through.
      expect(result.statusCode).toBe(202);
      expect([scripted.calls("GetParameter"), scripted.requests.length]).toEqual([1, 2]);
      expect(await receiveAll(sqs.client, queueUrl)).toHaveLength(1);
    });

    it("keeps verifying with the cached secret when the TTL re-read hangs, and still enqueues in time", async () => {
      // Prepare: SSM answers the cold read, then hangs.
      const secret = standardSecret();
      let ssmUp = true;
      const { endpoint } = await scriptedAws(() =>
        ssmUp ? parameterAnswer(JSON.stringify({ current: secret, previous: null })) : "hang",
      );
      let now = 1_000_000;
      const queueUrl = await sqs.createQueue();
      const { handler, logs } = receiver({
        queueUrl,
        sqsClient: sqs.client,
        secretProvider: new SsmSecretProvider({
          parameterName: "/polar/webhook-secret",
          clientConfig: { ...DUMMY_AWS, endpoint },
          now: () => now,
        }),
        requestBudgetMs: BUDGET_MS,
      });
      expect((await handler(new TestDelivery({ secret }).event())).statusCode).toBe(202);
      ssmUp = false;
      now += DEFAULT_SECRET_TTL_SECONDS * 1000;
      // Act
      const result = await handler(new TestDelivery({ secret }).event());
      // Assess: had it waited on the hung re-read, the budget would have answered 503.
      expect(result.statusCode).toBe(202);
      expect(logs[1]).toMatchObject({ outcome: "enqueued", key: "current/standard" });
      expect(await receiveAll(sqs.client, queueUrl)).toHaveLength(2);
    });
  });

  it.each([0, -1, Number.NaN])(
    "refuses requestBudgetMs %s, naming the option",
    (requestBudgetMs) => {
      expect(() => createHandler({ requestBudgetMs })).toThrow(
        "requestBudgetMs must be a positive number of milliseconds",
      );
    },
  );

  describe("cold container, SSM failing", () => {
    it("50 forged requests make one GetParameter call; the next comes only after the interval", async () => {
      // Prepare: every GetParameter fails (the SDK retries each call; retries count once).
      const secret = standardSecret();
      let ssmUp = false;
      const scripted = await scriptedAws(() =>
        ssmUp
          ? parameterAnswer(JSON.stringify({ current: secret, previous: null }))
          : AWS_ERROR.internal,
      );
      let now = 1_000_000;
      const queueUrl = await sqs.createQueue();
      const { handler, logs } = receiver({
        queueUrl,
        sqsClient: sqs.client,
        secretProvider: new SsmSecretProvider({
          parameterName: "/polar/webhook-secret",
          clientConfig: { ...DUMMY_AWS, endpoint: scripted.endpoint },
          now: () => now,
        }),
      });
      // Act 1
      const statuses: number[] = [];
      for (let i = 0; i < 50; i += 1) {
        statuses.push(
          (await handler(new TestDelivery({ secret: standardSecret() }).event())).statusCode,
        );
      }
      // Assess 1: all 503 (Polar retries), one call, and the requests after it did not wait for SSM.
      expect(new Set(statuses)).toEqual(new Set([503]));
      expect(scripted.calls("GetParameter")).toBe(1);
      expect(scripted.requests.length).toBeGreaterThan(1);
      expect(logs[0]).toMatchObject({
        outcome: "secret_unavailable",
        reason: "Could not read the secret parameter",
        cause: "InternalServerError",
      });
      expect(logs[1]).toMatchObject({
        outcome: "secret_unavailable",
        reason: "Secret parameter read failed recently; not retried yet",
      });

      // Act 2: just before the interval, still nothing; at the interval, one more call.
      now += DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS * 1000 - 1;
      await handler(new TestDelivery({ secret: standardSecret() }).event());
      expect(scripted.calls("GetParameter")).toBe(1);
      now += 1;
      await handler(new TestDelivery({ secret: standardSecret() }).event());
      expect(scripted.calls("GetParameter")).toBe(2);

      // Act 3: SSM is back; after the next interval a real delivery goes through.
      ssmUp = true;
      now += DEFAULT_MIN_FORCED_REFRESH_INTERVAL_SECONDS * 1000;
      expect((await handler(new TestDelivery({ secret }).event())).statusCode).toBe(202);
      expect(scripted.calls("GetParameter")).toBe(3);
      expect(await receiveAll(sqs.client, queueUrl)).toHaveLength(1);
    });
  });
});
