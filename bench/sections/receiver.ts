/**
 * Receiver: warm latency at a steady 200 signed 2 KB deliveries per second over a real socket.
 * Ours is the shipped bundle (verify + enqueue to a local SQS server in another process); beside it
 * the same-work peer, the AWS quick-start way (a Lambda handler: validateEvent + an AWS SDK v3
 * SendMessage, bench/variants/peer-receiver.ts) behind the same HTTP adapter and queue, and the
 * reference receiver a team would write from Polar's docs (express + validateEvent, 202 without
 * enqueueing). Each runs in a process of its own, measured in rotating rounds.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Pool } from "undici";
import { buildReceiverBundle } from "../../infra/bundle";
import { localSqsClientConfig } from "../../local/dev/index";
import { polarBody, seededSecret, signDelivery, webhookIdFor } from "../lib/deliveries";
import { formatMs, formatRatio } from "../lib/format";
import { openLoop } from "../lib/load";
import {
  LOCAL_AWS,
  onCleanup,
  progress,
  REPO_ROOT,
  startServerProcess,
  temporaryDirectory,
  type ServerProcess,
} from "../lib/processes";
import { measuredRow, type SectionResult } from "../lib/report";
import { percentile, ratios, summarize } from "../lib/stats";
import { timeAtMost } from "../lib/targets";
import type { SectionOptions } from "../lib/report";

const RATE_PER_SECOND = 200;
const BODY_BYTES = 2048;
const P99_TARGET_MS = 5;
const OURS = "ours (bundle: verify + SQS SendMessage)";
const SAME_WORK = "same-work peer (Lambda handler: validateEvent + SDK v3 SendMessage)";
const REFERENCE = "reference (express + validateEvent, no enqueue)";
const PEER_ENTRY = path.join(REPO_ROOT, "bench", "variants", "peer-receiver.ts");

/** The handler's own latency of each request ours served in the current round. */
const handlerLatencies: number[] = [];

function latencyOf(line: string): number {
  try {
    const entry = JSON.parse(line) as { latencyMs?: unknown };
    return typeof entry.latencyMs === "number" ? entry.latencyMs : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

interface Peer {
  readonly name: string;
  readonly server: ServerProcess<{ url: string }>;
  readonly pool: Pool;
  readonly path: string;
  readonly p50: number[];
  readonly p99: number[];
  /** The receiver process's CPU time per delivery, per round. */
  readonly cpuMs: number[];
  /** Ours only: the handler's own latency (its log line's latencyMs), p50 and p99 per round. */
  readonly handlerP50: number[];
  readonly handlerP99: number[];
  accepted: number;
}

async function startPeers(
  secret: string,
): Promise<{ ours: Peer; sameWork: Peer; reference: Peer; sqs: Sqs }> {
  const directory = temporaryDirectory("bench-receiver");
  const bundleFile = path.join(directory, "index.js");
  const peerFile = path.join(directory, "peer.js");
  const [bundle, peerBundle] = await Promise.all([
    buildReceiverBundle(),
    buildReceiverBundle({ entryPoint: PEER_ENTRY }),
  ]);
  fs.writeFileSync(bundleFile, bundle.code);
  fs.writeFileSync(peerFile, peerBundle.code);
  const sqs = (await startServerProcess<Sqs>("sqs.ts", {})).ready;
  // Both Lambda handlers get the same environment: the queue, its endpoint, the secret.
  const lambdaEnv = (file: string) => ({
    ...LOCAL_AWS,
    BENCH_BUNDLE: file,
    QUEUE_URL: sqs.queueUrl,
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    POLAR_WEBHOOK_SECRET: secret,
    AWS_LAMBDA_FUNCTION_NAME: "polar-webhook-receiver",
  });
  const [oursServer, sameWorkServer, referenceServer] = await Promise.all([
    startServerProcess<{ url: string }>("receiver-bundle.ts", lambdaEnv(bundleFile), {
      onStdoutLine: (line) => handlerLatencies.push(latencyOf(line)),
    }),
    startServerProcess<{ url: string }>("receiver-bundle.ts", lambdaEnv(peerFile)),
    startServerProcess<{ url: string }>("receiver-reference.ts", {
      BENCH_WEBHOOK_SECRET: secret,
    }),
  ]);
  const peer = (name: string, server: ServerProcess<{ url: string }>): Peer => {
    const { origin, pathname } = new URL(server.ready.url);
    // More connections than requests in flight: the pool never queues a request.
    const pool = new Pool(origin, { connections: 64 });
    onCleanup(() => pool.close());
    return {
      name,
      server,
      pool,
      path: pathname,
      p50: [],
      p99: [],
      cpuMs: [],
      handlerP50: [],
      handlerP99: [],
      accepted: 0,
    };
  };
  return {
    ours: peer(OURS, oursServer),
    sameWork: peer(SAME_WORK, sameWorkServer),
    reference: peer(REFERENCE, referenceServer),
    sqs,
  };
}

interface Sqs {
  readonly endpoint: string;
  readonly queueUrl: string;
}

/** One round: `count` fresh deliveries at the steady rate; every answer must be 202. */
async function round(peer: Peer, secret: string, run: number, count: number) {
  const body = polarBody(BODY_BYTES);
  const timestamp = Math.floor(Date.now() / 1000);
  const deliveries = Array.from({ length: count }, (_, i) =>
    signDelivery(secret, body, webhookIdFor(run, i), timestamp),
  );
  const result = await openLoop({
    ratePerSecond: RATE_PER_SECOND,
    count,
    send: async (index) => {
      const delivery = deliveries[index]!;
      const response = await peer.pool.request({
        path: peer.path,
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
      });
      await response.body.dump();
      return response.statusCode;
    },
  });
  const accepted = result.statuses["202"] ?? 0;
  if (accepted !== count) {
    throw new Error(
      `${peer.name} answered ${JSON.stringify(result.statuses)} to ${count} valid deliveries`,
    );
  }
  peer.accepted += accepted;
  return result;
}

export async function run(options: SectionOptions): Promise<SectionResult> {
  const secret = seededSecret("bench-receiver");
  const rounds = options.quick ? 3 : 8;
  const seconds = options.quick ? 2 : 5;
  const count = RATE_PER_SECOND * seconds;
  progress("receiver: building the bundles, starting the SQS server and the three receivers");
  const { ours, sameWork, reference, sqs } = await startPeers(secret);
  const peers = [ours, sameWork, reference];
  for (const peer of peers) await round(peer, secret, 1_000 + peers.indexOf(peer), RATE_PER_SECOND);
  let maxLag = 0;
  for (let i = 0; i < rounds; i += 1) {
    // Rotating order, so drift on the shared machine hits all alike.
    for (const peer of [...peers.slice(i % peers.length), ...peers.slice(0, i % peers.length)]) {
      progress(`receiver: round ${i + 1}/${rounds}, ${peer.name}`);
      const cpuBefore = await peer.server.cpuMs();
      handlerLatencies.length = 0;
      const result = await round(peer, secret, i * peers.length + peers.indexOf(peer), count);
      peer.cpuMs.push(((await peer.server.cpuMs()) - cpuBefore) / count);
      if (peer === ours) {
        // The log line is written just before the answer; the cpuMs round trip lets it arrive.
        const served = handlerLatencies.filter(Number.isFinite);
        ours.handlerP50.push(percentile(served, 50));
        ours.handlerP99.push(percentile(served, 99));
      }
      peer.p50.push(percentile(result.latenciesMs, 50));
      peer.p99.push(percentile(result.latenciesMs, 99));
      maxLag = Math.max(maxLag, result.maxScheduleLagMs);
    }
  }
  const enqueued = await queueLength(sqs);
  if (enqueued !== ours.accepted + sameWork.accepted) {
    throw new Error(
      `ours and the same-work peer answered 202 ${ours.accepted} + ${sameWork.accepted} times but the queue holds ${enqueued}`,
    );
  }
  const section = "receiver";
  const vs = (of: (peer: Peer) => number[]) =>
    `${formatRatio(summarize(ratios(of(ours), of(sameWork))).median)} same-work, ` +
    `${formatRatio(summarize(ratios(of(ours), of(reference))).median)} reference`;
  return {
    section,
    rows: [
      measuredRow(section, `${OURS}: p50`, ours.p50, formatMs, { vs: vs((p) => p.p50) }),
      measuredRow(section, `${OURS}: p99`, ours.p99, formatMs, {
        vs: vs((p) => p.p99),
        verdict: timeAtMost(summarize(ours.p99).median, P99_TARGET_MS),
      }),
      measuredRow(
        section,
        "ours: inside the handler (its log's latencyMs), p50",
        ours.handlerP50,
        formatMs,
      ),
      measuredRow(
        section,
        "ours: inside the handler (its log's latencyMs), p99",
        ours.handlerP99,
        formatMs,
      ),
      measuredRow(section, `${SAME_WORK}: p50`, sameWork.p50, formatMs),
      measuredRow(section, `${SAME_WORK}: p99`, sameWork.p99, formatMs),
      measuredRow(section, `${REFERENCE}: p50`, reference.p50, formatMs),
      measuredRow(section, `${REFERENCE}: p99`, reference.p99, formatMs),
      measuredRow(section, `${OURS}: CPU per delivery`, ours.cpuMs, formatMs, {
        vs: vs((p) => p.cpuMs),
      }),
      measuredRow(section, `${SAME_WORK}: CPU per delivery`, sameWork.cpuMs, formatMs),
      measuredRow(section, `${REFERENCE}: CPU per delivery`, reference.cpuMs, formatMs),
    ],
    notes: [
      `receiver: ${rounds} rounds × ${count} deliveries (${seconds} s at ${RATE_PER_SECOND}/s, open loop, keep-alive connections) per receiver, after a 1 s warm-up; ` +
        `p50/p99 per round, then the median over rounds. Each delivery is a fresh webhook-id signed with the current standard key, ${BODY_BYTES} B. ` +
        `Ours and the same-work peer: each a bundle behind npm run receiver's HTTP adapter (the API Gateway payload 2.0 event), POLAR_WEBHOOK_SECRET, SendMessage to fauxqs (npm run dev's queue) in another process; ` +
        `all ${(ours.accepted + sameWork.accepted).toLocaleString("en-US")} of their 202s were found in the queue. CPU per delivery: the receiver process's user + system time over a round / deliveries (SQS's own work not included). The generator ran at most ${formatMs(maxLag)} behind its schedule.`,
    ],
  };
}

async function queueLength(sqs: Sqs): Promise<number> {
  const client = new SQSClient({
    ...localSqsClientConfig(sqs.endpoint),
    useQueueUrlAsEndpoint: false,
  });
  try {
    const output = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: sqs.queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages"],
      }),
    );
    return Number(output.Attributes?.["ApproximateNumberOfMessages"] ?? Number.NaN);
  } finally {
    client.destroy();
  }
}
