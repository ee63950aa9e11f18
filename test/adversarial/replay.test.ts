// A captured genuine delivery sent again, byte for byte: accepted while its timestamp is within
// the ±300 s window (Polar's own retries look like this; the consumer deduplicates on
// webhook-id), refused from the first second after it, and never enqueued then.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createHandler, StaticSecretProvider } from "../../lambda";
import {
  receiveAll,
  standardSecret,
  startTestSqs,
  TestDelivery,
  type TestSqs,
} from "../lambda/support";
import { registerSecret } from "../support/secret-scan";

let sqs: TestSqs;

beforeAll(async () => {
  sqs = await startTestSqs();
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await sqs.stop();
});

describe("replay of a captured delivery", () => {
  it("is accepted up to 300 s after its timestamp and refused at 301 s, with nothing enqueued", async () => {
    // Prepare: capture a delivery signed at t0 (.400 s into the second; the window counts whole seconds).
    const t0 = 1_767_225_600_400;
    vi.useFakeTimers({ toFake: ["Date"], now: t0 });
    const secret = registerSecret(standardSecret(), "replay test secret");
    const queueUrl = await sqs.createQueue();
    const handler = createHandler({
      queueUrl,
      sqsClient: sqs.client,
      secretProvider: new StaticSecretProvider(secret),
      log: () => undefined,
    });
    const captured = new TestDelivery({ secret, timestamp: Math.floor(t0 / 1000) }).event();
    const replayAt = async (ms: number) => {
      vi.setSystemTime(t0 + ms);
      return handler(structuredClone(captured));
    };
    // Act
    const original = await replayAt(0);
    const lastAccepted = await replayAt(300_000 + 599);
    const firstRefused = await replayAt(300_000 + 600);
    const muchLater = await replayAt(86_400_000);
    // Assess
    expect([original, lastAccepted].map((r) => r.statusCode)).toEqual([202, 202]);
    for (const refused of [firstRefused, muchLater]) {
      expect(refused).toMatchObject({ statusCode: 403, body: '{"error":"stale_timestamp"}' });
    }
    const messages = await receiveAll(sqs.client, queueUrl);
    expect(messages.map((m) => m.Body)).toEqual([captured.body, captured.body]);
  });
});
