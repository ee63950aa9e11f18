/**
 * The receiver fuzzer: seeded mutations of valid Polar deliveries sent to `createHandler` in
 * process, enqueuing to a real SQS-protocol server (fauxqs) over a socket. Each answer is compared
 * with the contract's (contract.ts); the queue is watched on the server's side (queue-watch.ts):
 * one message per 202, each byte for byte a delivery a secret holder signed, none after a
 * rejection. `npm test` runs it (test/adversarial); the bench calls `runReceiverFuzz`.
 *
 * The clock is frozen (Date.now and the handler's `now`) and moved by the seed between cases, so
 * "exactly 300 s old" is exact and replays age past the tolerance window.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import {
  createHandler,
  MAX_BODY_BYTES,
  StaticSecretProvider,
  type RequestLogEntry,
} from "../../lambda";
import { type WebhookSecrets } from "../../lambda/verify";
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
import { QueueWatch } from "./queue-watch";

/** 2026-01-01T00:00:00.250Z: a fixed start, so a seed reproduces every byte. */
const CLOCK_START_MS = 1_767_225_600_250;
const REPLAY_PROBABILITY = 0.03;
const REPLAY_POOL = 400;
/** Cases between two checks of the queue's contents (which then empties it). */
const QUEUE_CHECK_INTERVAL = 500;
const MAX_REPORTED = 25;

type ReceiverHandler = ReturnType<typeof createHandler>;

export interface ReceiverFuzzOptions {
  readonly cases: number;
  /** Default: a random seed (returned, and printed by the test on failure). */
  readonly seed?: number;
  /**
   * What the receiver is configured with; default the run's current and previous secret. A test
   * hands it a stranger's secret to prove that the fuzzer reports the forgeries that follow.
   */
  readonly receiverSecrets?: (secrets: FuzzSecrets) => WebhookSecrets;
  /** Wraps the receiver: a test makes it faulty to prove that the fuzzer notices. */
  readonly wrapHandler?: (
    handler: ReceiverHandler,
    queue: { readonly client: SQSClient; readonly queueUrl: string },
  ) => ReceiverHandler;
}

export interface ReceiverFuzzResult {
  readonly cases: number;
  /** 202 answers. */
  readonly accepted: number;
  /** 202s for a request whose (id, timestamp, body) no holder of the receiver's secrets signed. */
  readonly forgeriesAccepted: number;
  /** The handler threw, or answered 500 (an error it did not expect: it is configured right). */
  readonly uncaught: number;
  /** Messages that appeared in the queue during a request answered other than 202. */
  readonly enqueuedOnRejection: number;
  /** Answers whose status differs from the contract's. */
  readonly statusMismatches: number;
  readonly durationMs: number;

  readonly seed: number;
  /** Answers by status, e.g. { "202": 2800, "403": 6100, … }. */
  readonly statuses: Readonly<Record<string, number>>;
  /**
   * How often each mutation was applied, plus "unmutated", "resigned" (content edits the sender
   * signed again), "replay" and "replay.<expected status>" (202 within the window, 403 after).
   */
  readonly mutations: Readonly<Record<string, number>>;
  /** SendMessage calls the receiver's SQS client made (one per 202 when all is well). */
  readonly sendMessageCalls: number;
  /** Queue messages that are not, byte for byte, the delivery of a 202 (strays included). */
  readonly unexplainedMessages: number;
  /** 202s whose message is not in the queue. */
  readonly missingMessages: number;
  /** Secrets found in the receiver's log lines (label and line, never the value). */
  readonly logLeaks: readonly SecretFinding[];
  /** The first failures, described without secrets. */
  readonly failures: readonly string[];
  /** How to run this exact sequence again. */
  readonly reproduce: string;
}

/** Replaces Date.now (read by the verifier and the SDK) until `restore()`. */
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
  const { headers: _headers, body: _body, isBase64Encoded: _flag, ...rest } = BASE_EVENT;
  const event: Partial<APIGatewayProxyEventV2> = {
    ...rest,
    requestContext: {
      ...BASE_EVENT.requestContext,
      http: { ...BASE_EVENT.requestContext.http, method: request.method ?? "" },
      requestId: `fuzz-${index}`,
    },
  };
  if (request.method === undefined) delete event.requestContext;
  if (request.headers !== undefined) event.headers = Object.fromEntries(request.headers);
  if (request.body !== undefined) event.body = request.body;
  if (request.isBase64Encoded !== undefined) event.isBase64Encoded = request.isBase64Encoded;
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

/** One case: a replay of an earlier 202, or a fresh delivery with its mutations applied. */
function nextRequest(
  rng: Prng,
  signer: Signer,
  bodies: readonly Buffer[],
  nowSeconds: number,
  replayPool: readonly FuzzRequest[],
): { request: FuzzRequest; labels: string[] } {
  if (replayPool.length > 0 && rng.chance(REPLAY_PROBABILITY)) {
    return { request: rng.pick(replayPool), labels: ["replay"] };
  }
  const draft = newDraft(rng, signer, bodies, nowSeconds);
  const chosen = chooseMutations(rng);
  const context = { rng, signer, nowSeconds, maxBodyBytes: MAX_BODY_BYTES };
  const content = chosen.filter((m) => m.phase === "content");
  for (const mutation of content) mutation.apply(draft, context);
  const labels = chosen.length === 0 ? ["unmutated"] : content.map((m) => m.name);
  const resign = Math.min(...content.map((m) => m.resign ?? RESIGN_PROBABILITY));
  if (content.length > 0 && rng.chance(resign)) {
    signer.sign(draft, rng);
    labels.push("resigned");
  }
  for (const mutation of chosen.filter((m) => m.phase === "transport")) {
    mutation.apply(draft, context);
    labels.push(mutation.name);
  }
  return { request: toRequest(draft), labels };
}

export async function runReceiverFuzz(options: ReceiverFuzzOptions): Promise<ReceiverFuzzResult> {
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
  const logLeaks: SecretFinding[] = [];
  const replayPool: FuzzRequest[] = [];
  let logs: RequestLogEntry[] = [];
  let accepted = 0;
  let forgeriesAccepted = 0;
  let uncaught = 0;
  let enqueuedOnRejection = 0;
  let statusMismatches = 0;
  let sendMessageCalls = 0;
  let unexplainedMessages = 0;
  let missingMessages = 0;
  const count = (table: Record<string, number>, key: string) =>
    (table[key] = (table[key] ?? 0) + 1);
  const fail = (text: string) => failures.length < MAX_REPORTED && failures.push(text);

  try {
    const queueUrl = await sqs.createQueue();
    const queue = new QueueWatch(sqs.server, queueUrl.slice(queueUrl.lastIndexOf("/") + 1));
    const checkQueue = () => {
      const { unexplained, missing } = queue.check();
      unexplainedMessages += unexplained.length;
      missingMessages += missing.length;
      for (const id of unexplained) fail(`queue message ${id} is not the delivery of a 202`);
      for (const id of missing) fail(`a 202 named message ${id}, which is not in the queue`);
      logLeaks.push(...findSecretsInText(logs.map((l) => JSON.stringify(l)).join("\n"), "log"));
      logs = [];
    };
    sqs.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "SendMessageCommand") sendMessageCalls++;
        return next(args);
      },
      { step: "initialize", name: "countSendMessage" },
    );
    const receiver = createHandler({
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
    const handler = options.wrapHandler?.(receiver, { client: sqs.client, queueUrl }) ?? receiver;
    const bodies = polarBodies(rng, clock.now);

    for (let index = 0; index < options.cases; index++) {
      if (index > 0 && index % QUEUE_CHECK_INTERVAL === 0) checkQueue();
      clock.advance(rng.int(0, 3000));
      const nowSeconds = Math.floor(clock.now / 1000);
      const { request, labels } = nextRequest(rng, signer, bodies, nowSeconds, replayPool);
      for (const label of labels) count(mutations, label);
      const expected = expectedOutcome(request, settings, clock.now);
      if (labels[0] === "replay") count(mutations, `replay.${expected.status}`);
      if (expected.status === 202) {
        replayPool.push(request);
        if (replayPool.length > REPLAY_POOL) replayPool.shift();
      }
      const what = `#${index} [${labels.join(", ")}]`;

      const logged = logs.length;
      const depth = queue.depth();
      let status: number;
      let responseBody: string | undefined;
      try {
        const result = await handler(toEvent(request, index));
        status = result.statusCode;
        responseBody = result.body;
      } catch (error) {
        uncaught++;
        fail(`${what} threw ${(error as Error)?.name ?? typeof error}`);
        continue;
      }
      const added = queue.depth() - depth;
      count(statuses, String(status));
      const outcome = logs[logged]?.outcome ?? "no log line";
      if (status === 500) {
        uncaught++;
        fail(`${what} answered 500 (${outcome})`);
      }
      if (status !== expected.status) {
        statusMismatches++;
        fail(
          `${what} expected ${expected.status} (${expected.reason}), got ${status} (${outcome})`,
        );
      }
      if (status !== 202) {
        if (added > 0) {
          enqueuedOnRejection += added;
          fail(`${what} answered ${status} and left ${added} message(s) in the queue`);
        }
        continue;
      }
      accepted++;
      const triple = requestTriple(request);
      if (!signer.wasSigned(triple)) {
        forgeriesAccepted++;
        fail(`${what} FORGERY accepted (${outcome})`);
      }
      const { messageId } = JSON.parse(responseBody ?? "{}") as { messageId?: string };
      if (messageId) queue.expect(messageId, triple);
      else fail(`${what} answered 202 without a messageId`);
    }
    checkQueue();
    return {
      cases: options.cases,
      accepted,
      forgeriesAccepted,
      uncaught,
      enqueuedOnRejection,
      statusMismatches,
      durationMs: Math.round(performance.now() - started),
      seed,
      statuses,
      mutations,
      sendMessageCalls,
      unexplainedMessages,
      missingMessages,
      logLeaks,
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
