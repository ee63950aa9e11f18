// The in-process handler on a fresh fauxqs queue per test: the shared set-up of handler*.test.ts.
// Importing this registers the hooks; `sqs` is a live binding.
import { afterAll, beforeAll } from "vitest";
import {
  createHandler,
  StaticSecretProvider,
  type RequestLogEntry,
  type SecretProvider,
} from "../../lambda/index";
import { receiveAll, standardSecret, startTestSqs, type TestSqs } from "./support";

export let sqs: TestSqs;
beforeAll(async () => {
  sqs = await startTestSqs();
});

afterAll(async () => {
  await sqs.stop();
});

/** A handler on a fresh queue with a fixed secret set, collecting its log lines. */
export async function setUp(
  options: {
    fifo?: boolean;
    current?: string;
    previous?: string;
    secretProvider?: SecretProvider;
  } = {},
) {
  const queueUrl = await sqs.createQueue(options.fifo ?? false);
  const current = options.current ?? standardSecret();
  const logs: RequestLogEntry[] = [];
  const handler = createHandler({
    queueUrl,
    secretProvider:
      options.secretProvider ??
      new StaticSecretProvider({ current, previous: options.previous ?? null }),
    sqsClient: sqs.client,
    log: (entry) => logs.push(entry),
  });
  return { handler, queueUrl, current, logs, messages: () => receiveAll(sqs.client, queueUrl) };
}

export function parseBody(body: string | undefined): unknown {
  return JSON.parse(body ?? "");
}
