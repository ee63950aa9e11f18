/**
 * Pipeline: a Polar event emitted by the emulator until the consumer's handler runs, p50/p99 over
 * 1,000 events. The parts of `npm run dev`, all on 127.0.0.1 in this process: the emulator
 * (signing, delivering over HTTP), the receiver (`createHandler` behind the local adapter), the
 * embedded SQS server (fauxqs) and the consumer (`createPolarEventConsumer`, in-memory idempotency)
 * fed by an SQS event source that long-polls, as Lambda's does.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SQSClient } from "@aws-sdk/client-sqs";
import { createPolarEventConsumer, InMemoryPersistenceLayer } from "../../lambda";
import { SqsEventSource, startLocalReceiver } from "../../local/adapters";
import {
  DEV_DELIVERY_BACKOFF_SCALE,
  startLocalQueues,
  SwitchableSecretProvider,
} from "../../local/dev/index";
import { startPolarEmulator, type PolarEmulator } from "../../local/polar-emulator/index";
import { PolarClient } from "../../providers/polar/index";
import { formatMs } from "../lib/format";
import { onCleanup, progress } from "../lib/processes";
import { measuredRow, type SectionResult } from "../lib/report";
import { percentile } from "../lib/stats";
import type { SectionOptions } from "../lib/report";

const TYPE = "order.paid";
const RATE_PER_SECOND = 20;
const WARM_UP_EVENTS = 20;
const noLog = () => undefined;

interface Pipeline {
  readonly emulator: PolarEmulator;
  /** performance.now() when the receiver answered 202 (the message in SQS), by webhook-id. */
  readonly enqueued: Map<string, number>;
  /** performance.now() when the consumer's handler ran, by webhook-id. */
  readonly consumed: Map<string, number>;
  close(): Promise<void>;
}

/** A fresh pipeline per run: the emulator's store (which it scans per delivery) starts empty. */
async function startPipeline(): Promise<Pipeline> {
  const parts: Array<() => unknown> = [];
  const close = async () => {
    for (const part of parts.splice(0).reverse()) await part();
  };
  onCleanup(close);
  const enqueued = new Map<string, number>();
  const queues = await startLocalQueues();
  parts.push(() => queues.close());
  const emulator = await startPolarEmulator({
    allowLoopbackUrls: true,
    deliveryBackoffScale: DEV_DELIVERY_BACKOFF_SCALE,
  });
  parts.push(() => emulator.close());
  const secrets = new SwitchableSecretProvider();
  const receiver = await startLocalReceiver({
    port: 0,
    host: "127.0.0.1",
    env: {},
    queueUrl: queues.queueUrl,
    sqsClientConfig: queues.clientConfig,
    secretProvider: secrets,
    log: (entry) => {
      if (entry.webhookId && entry.status === 202) enqueued.set(entry.webhookId, performance.now());
    },
    print: noLog,
  });
  parts.push(() => receiver.close());
  // The endpoint as the provider creates it: through Polar's API, with our client.
  const client = new PolarClient({
    accessToken: emulator.organizationToken,
    baseUrl: emulator.url,
  });
  const endpoint = await client.createWebhookEndpoint({
    url: `${receiver.url}polar/webhooks`,
    events: [TYPE],
    format: "raw",
    name: "bench pipeline",
  });
  await client.close();
  secrets.set({ current: endpoint.secret, previous: null });

  const consumed = new Map<string, number>();
  const consumer = createPolarEventConsumer({
    handlers: {
      [TYPE]: (_event, meta) => {
        consumed.set(meta.webhookId, performance.now());
      },
    },
    idempotency: { persistenceStore: new InMemoryPersistenceLayer() },
    log: noLog,
  });
  const sqsClient = new SQSClient(queues.clientConfig);
  // 1 s long polls: an arriving message ends the poll at once (as with Lambda's 20 s ones), and
  // stopping waits at most a second.
  const source = new SqsEventSource({
    sqsClient,
    queueUrl: queues.queueUrl,
    handler: consumer,
    waitTimeSeconds: 1,
  });
  source.start((error) => progress(`pipeline: consumer cannot poll (${(error as Error).name})`));
  parts.push(async () => {
    await source.stop();
    sqsClient.destroy();
  });
  return { emulator, enqueued, consumed, close };
}

/** Emits `count` events at the steady rate; resolves to each one's latencies since its emit. */
async function runEvents(
  pipeline: Pipeline,
  count: number,
): Promise<{ enqueued: number[]; consumed: number[] }> {
  const emittedAt = new Map<string, number>();
  const start = performance.now();
  for (let i = 0; i < count; i += 1) {
    const wait = start + (i * 1000) / RATE_PER_SECOND - performance.now();
    if (wait > 0) await sleep(wait);
    const at = performance.now();
    const { id } = await pipeline.emulator.emit(TYPE);
    if (id === null) throw new Error(`the emulator created no ${TYPE} event`);
    emittedAt.set(id, at);
  }
  const deadline = Date.now() + 60_000;
  while ([...emittedAt.keys()].some((id) => !pipeline.consumed.has(id))) {
    if (Date.now() > deadline) {
      const missing = [...emittedAt.keys()].filter((id) => !pipeline.consumed.has(id)).length;
      throw new Error(`${missing} of ${count} events were not consumed within 60 s`);
    }
    await sleep(20);
  }
  const since = (times: Map<string, number>) =>
    [...emittedAt].map(([id, at]) => (times.get(id) as number) - at);
  return { enqueued: since(pipeline.enqueued), consumed: since(pipeline.consumed) };
}

export async function run(options: SectionOptions): Promise<SectionResult> {
  const runs = options.quick ? 2 : 3;
  const count = options.quick ? 200 : 1_000;
  const p50 = { enqueued: [] as number[], consumed: [] as number[] };
  const p99 = { enqueued: [] as number[], consumed: [] as number[] };
  for (let i = 0; i < runs; i += 1) {
    progress(
      `pipeline: run ${i + 1}/${runs}: a fresh pipeline, ${WARM_UP_EVENTS} + ${count} events`,
    );
    const pipeline = await startPipeline();
    await runEvents(pipeline, WARM_UP_EVENTS);
    const latencies = await runEvents(pipeline, count);
    await pipeline.close();
    for (const stage of ["enqueued", "consumed"] as const) {
      p50[stage].push(percentile(latencies[stage], 50));
      p99[stage].push(percentile(latencies[stage], 99));
    }
  }
  const section = "pipeline";
  const events = `${count.toLocaleString("en-US")} events per run`;
  return {
    section,
    rows: [
      measuredRow(section, `emit → consumed, p50 (${events})`, p50.consumed, formatMs),
      measuredRow(section, `emit → consumed, p99 (${events})`, p99.consumed, formatMs),
      measuredRow(section, "emit → enqueued (the receiver's 202), p50", p50.enqueued, formatMs),
      measuredRow(section, "emit → enqueued (the receiver's 202), p99", p99.enqueued, formatMs),
    ],
    notes: [
      `pipeline: ${runs} runs, each on a fresh pipeline: ${WARM_UP_EVENTS} ${TYPE} events to warm up, then ${count.toLocaleString("en-US")} emitted at ${RATE_PER_SECOND}/s; ` +
        "latency from the emulator's emit() call until the receiver answered 202 and until the consumer's handler ran: signing, an HTTP delivery " +
        "(a new connection each, as Polar's worker), verify + SendMessage to fauxqs, a long-polled ReceiveMessage, idempotency (in memory), the handler. " +
        `All in one process, as npm run dev runs it (emulator retry backoff × ${DEV_DELIVERY_BACKOFF_SCALE}).`,
    ],
  };
}
