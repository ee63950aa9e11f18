/**
 * The receiver fuzzer: seeded mutations of valid Polar deliveries sent to `createHandler` in
 * process, enqueuing to a real SQS-protocol server (fauxqs) on a socket. Each answer is compared
 * with the contract's (contract.ts); afterwards the queue itself is checked: one message per 202,
 * each byte for byte a delivery a secret holder signed. `npm test` runs it (test/adversarial);
 * the bench calls `runReceiverFuzz({ cases: 100_000 })`.
 *
 * The clock is frozen (Date.now and the handler's `now`) and moved by the seed between cases, so
 * "exactly 300 s old" is exact and replays age past the tolerance window.
 */
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import {
  createHandler,
  MAX_BODY_BYTES,
  StaticSecretProvider,
  type RequestLogEntry,
  type WebhookSecrets,
} from "../../lambda";
import { BASE_EVENT, startTestSqs } from "../lambda/support";
import { findSecretsInText, registerSecret, type SecretFinding } from "../support/secret-scan";
import {
  bodyBytes,
  expectedOutcome,
  type ContractSettings,
  type FuzzRequest,
  type SignedTriple,
} from "./contract";
import { fuzzSecrets, newDraft, polarBodies, Signer, toRequest, type FuzzSecrets } from "./drafts";
import { MUTATIONS, RESIGN_PROBABILITY, type Mutation } from "./mutations";
import { Prng, randomSeed } from "./prng";

/** 2026-01-01T00:00:00.250Z: a fixed start, so a seed reproduces every byte. */
const CLOCK_START_MS = 1_767_225_600_250;
const REPLAY_PROBABILITY = 0.03;
const REPLAY_POOL = 400;
const MAX_REPORTED = 25;

export interface ReceiverFuzzOptions {
  readonly cases: number;
  /** Default: a random seed (reported in the summary). */
  readonly seed?: number;
  /**
   * What the receiver is configured with; default the run's current and previous secret. A test
   * hands it a stranger's secret to prove that the fuzzer reports the forgeries that follow.
   */
  readonly receiverSecrets?: (secrets: FuzzSecrets) => WebhookSecrets;
}

export interface ReceiverFuzzSummary {
  readonly seed: number;
  readonly cases: number;
  readonly durationMs: number;
  /** Answers by status, e.g. { "202": 3100, "403": 5200, … }. */
  readonly statuses: Readonly<Record<string, number>>;
  /**
   * How often each mutation was applied, plus "unmutated", "resigned" (content edits the sender
   * signed again), "replay" and "replay.<expected status>" (202 within the window, 403 after).
   */
  readonly mutations: Readonly<Record<string, number>>;
  /** Answers that differ from the contract's status, and how many. */
  readonly mismatches: number;
  /** 202s for a request whose (id, timestamp, body) no secret holder signed. */
  readonly forgeries: number;
  /** The handler threw instead of answering. */
  readonly thrown: number;
  /** 500s (never expected: the handler is configured correctly). */
  readonly serverErrors: number;
  readonly accepted: number;
  readonly sendMessageCalls: number;
  /** ApproximateNumberOfMessages after the run. */
  readonly queueDepth: number;
  /** Messages in the queue not matching, byte for byte, a signed delivery answered 202. */
  readonly unexplainedMessages: number;
  /** Secrets found in the receiver's log lines. */
  readonly logLeaks: readonly SecretFinding[];
  /** The first failures, described without secrets. */
  readonly failures: readonly string[];
  /** How to run this exact sequence again. */
  readonly reproduce: string;
}

/** Replaces Date.now (read by standardwebhooks) until `restore()`. */
class FrozenClock {
  #now = CLOCK_START_MS;
  readonly #original = Date.now;

  constructor() {
    Date.now = () => this.#now;
  }

  get now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  restore(): void {
    Date.now = this.#original;
  }
}

function toEvent(request: FuzzRequest, index: number): APIGatewayProxyEventV2 {
  const event = structuredClone(BASE_EVENT) as Partial<APIGatewayProxyEventV2> & {
    requestContext?: APIGatewayProxyEventV2["requestContext"];
  };
  if (request.method === undefined) delete event.requestContext;
  else {
    event.requestContext!.http.method = request.method;
    event.requestContext!.requestId = `fuzz-${index}`;
  }
  if (request.headers === undefined) delete event.headers;
  else event.headers = Object.fromEntries(request.headers);
  if (request.body === undefined) delete event.body;
  else event.body = request.body;
  if (request.isBase64Encoded === undefined) delete event.isBase64Encoded;
  else event.isBase64Encoded = request.isBase64Encoded;
  return event as APIGatewayProxyEventV2;
}

/** The (id, timestamp, body) the receiver saw, read from the request as the contract reads it. */
function requestTriple(request: FuzzRequest): SignedTriple {
  const headers = new Map((request.headers ?? []).map(([n, v]) => [n.toLowerCase(), v]));
  return {
    id: headers.get("webhook-id") ?? "",
    timestamp: headers.get("webhook-timestamp") ?? "",
    body: bodyBytes(request),
  };
}

function chooseMutations(rng: Prng): Mutation[] {
  const count = rng.weighted<number>([
    [0, 10],
    [1, 55],
    [2, 25],
    [3, 10],
  ]);
  return Array.from({ length: count }, () =>
    rng.weighted(MUTATIONS.map((m) => [m, m.weight] as const)),
  );
}

export async function runReceiverFuzz(options: ReceiverFuzzOptions): Promise<ReceiverFuzzSummary> {
  const seed = (options.seed ?? randomSeed()) >>> 0;
  const rng = new Prng(seed);
  const secrets = fuzzSecrets(rng);
  registerSecret(secrets.current, "fuzz webhook secret (current)");
  registerSecret(secrets.previous, "fuzz webhook secret (previous)");
  const signer = new Signer(secrets);
  const settings: ContractSettings = { keys: secrets.accepted, maxBodyBytes: MAX_BODY_BYTES };

  const sqs = await startTestSqs();
  const clock = new FrozenClock();
  const started = performance.now();
  const statuses: Record<string, number> = {};
  const mutations: Record<string, number> = {};
  const failures: string[] = [];
  const logs: RequestLogEntry[] = [];
  const acceptedByMessageId = new Map<string, SignedTriple>();
  const replayPool: FuzzRequest[] = [];
  let mismatches = 0;
  let forgeries = 0;
  let thrown = 0;
  let serverErrors = 0;
  let sendMessageCalls = 0;
  const count = (table: Record<string, number>, key: string) =>
    (table[key] = (table[key] ?? 0) + 1);
  const fail = (text: string) => failures.length < MAX_REPORTED && failures.push(text);

  try {
    const queueUrl = await sqs.createQueue();
    sqs.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "SendMessageCommand") sendMessageCalls++;
        return next(args);
      },
      { step: "initialize", name: "countSendMessage" },
    );
    const handler = createHandler({
      queueUrl,
      sqsClient: sqs.client,
      secretProvider: new StaticSecretProvider(
        options.receiverSecrets?.(secrets) ?? {
          current: secrets.current,
          previous: secrets.previous,
          previousExpiresAt: null,
        },
      ),
      log: (entry) => logs.push(entry),
      now: () => clock.now,
    });
    const bodies = polarBodies(rng, clock.now);

    for (let index = 0; index < options.cases; index++) {
      clock.advance(rng.int(0, 3000));
      const nowSeconds = Math.floor(clock.now / 1000);
      let request: FuzzRequest;
      let labels: string[];
      if (replayPool.length > 0 && rng.chance(REPLAY_PROBABILITY)) {
        request = rng.pick(replayPool);
        labels = ["replay"];
      } else {
        const draft = newDraft(rng, signer, bodies, nowSeconds);
        const chosen = chooseMutations(rng);
        const context = { rng, signer, nowSeconds, maxBodyBytes: MAX_BODY_BYTES };
        const content = chosen.filter((m) => m.phase === "content");
        for (const mutation of content) mutation.apply(draft, context);
        labels = chosen.length === 0 ? ["unmutated"] : content.map((m) => m.name);
        const resign = Math.min(...content.map((m) => m.resign ?? RESIGN_PROBABILITY));
        if (content.length > 0 && rng.chance(resign)) {
          signer.sign(draft, rng);
          labels.push("resigned");
        }
        for (const mutation of chosen.filter((m) => m.phase === "transport")) {
          mutation.apply(draft, context);
          labels.push(mutation.name);
        }
        request = toRequest(draft);
      }
      for (const label of labels) count(mutations, label);

      const expected = expectedOutcome(request, settings, clock.now);
      if (labels[0] === "replay") count(mutations, `replay.${expected.status}`);
      if (expected.status === 202) {
        replayPool.push(request);
        if (replayPool.length > REPLAY_POOL) replayPool.shift();
      }
      const logged = logs.length;
      let status: number;
      let responseBody: string | undefined;
      try {
        const result = await handler(toEvent(request, index));
        status = result.statusCode;
        responseBody = result.body;
      } catch (error) {
        thrown++;
        fail(`#${index} [${labels.join(", ")}] threw ${(error as Error)?.name ?? typeof error}`);
        continue;
      }
      count(statuses, String(status));
      if (status === 500) serverErrors++;
      const outcome = logs[logged]?.outcome ?? "no log line";
      if (status !== expected.status) {
        mismatches++;
        fail(
          `#${index} [${labels.join(", ")}] expected ${expected.status} (${expected.reason}), ` +
            `got ${status} (${outcome})`,
        );
      }
      if (status === 202) {
        const triple = requestTriple(request);
        if (!signer.wasSigned(triple)) {
          forgeries++;
          fail(`#${index} [${labels.join(", ")}] FORGERY accepted (${outcome})`);
        }
        const { messageId } = JSON.parse(responseBody ?? "{}") as { messageId?: string };
        if (messageId) acceptedByMessageId.set(messageId, triple);
      }
    }

    const queueName = queueUrl.slice(queueUrl.lastIndexOf("/") + 1);
    const attributes = await sqs.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages"],
      }),
    );
    const queueDepth = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? NaN);
    const queued = sqs.server.inspectQueue(queueName)?.messages;
    let unexplainedMessages = 0;
    for (const message of [...(queued?.ready ?? []), ...(queued?.delayed ?? [])]) {
      const triple = acceptedByMessageId.get(message.messageId);
      const exact =
        triple !== undefined &&
        Buffer.from(message.body, "utf8").equals(triple.body) &&
        message.messageAttributes["webhook-id"]?.StringValue === triple.id &&
        message.messageAttributes["webhook-timestamp"]?.StringValue === triple.timestamp &&
        signer.wasSigned(triple);
      if (!exact) {
        unexplainedMessages++;
        fail(`queue message ${message.messageId} is not a signed delivery answered 202`);
      }
    }
    const accepted = statuses["202"] ?? 0;
    return {
      seed,
      cases: options.cases,
      durationMs: Math.round(performance.now() - started),
      statuses,
      mutations,
      mismatches,
      forgeries,
      thrown,
      serverErrors,
      accepted,
      sendMessageCalls,
      queueDepth,
      unexplainedMessages,
      logLeaks: findSecretsInText(logs.map((l) => JSON.stringify(l)).join("\n"), "receiver log"),
      failures,
      reproduce:
        `FUZZ_SEED=${seed} FUZZ_CASES=${options.cases} ` +
        "npx vitest run test/adversarial/receiver-fuzz.test.ts",
    };
  } finally {
    clock.restore();
    await sqs.stop();
  }
}
