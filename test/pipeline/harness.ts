/**
 * The whole pipeline over real sockets, part by part, so tests can break each link: the Polar
 * emulator (scaled-down retries) delivers to the local receiver (`createHandler`), which sends to
 * the embedded SQS server through a TCP gate (close it: the queue is down); the consumer
 * (`createPolarEventConsumer`, in-memory idempotency) runs off the queue as Lambda's trigger would.
 * The endpoint is created through Polar's API with our client, as the provider does.
 */
import { randomUUID } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import {
  createPolarEventConsumer,
  InMemoryPersistenceLayer,
  POLAR_EVENT_TYPES,
  type PolarEventHandlers,
  type RecordLogEntry,
  type RequestLogEntry,
} from "../../lambda";
import { SqsEventSource, startLocalReceiver, type LocalReceiver } from "../../local/adapters";
import {
  localSqsClientConfig,
  startLocalQueues,
  SwitchableSecretProvider,
  type LocalQueues,
} from "../../local/dev";
import { PolarClient, type PolarWebhookEndpoint } from "../../providers/polar";
import {
  startPolarEmulator,
  type PolarEmulator,
  type SecretGeneration,
  type WebhookDeliveryResource,
} from "../emulators/polar";
import { recordOutput } from "../support/secret-sweep";
import { HoldingFront, TcpGate } from "./network";
import { Signer } from "./signing";

/** All 10 attempts of an event within ~5–10 s: outages of a second or two are retried through. */
export const PIPELINE_BACKOFF_SCALE = 0.005;

export interface PipelineOptions {
  readonly secretGeneration?: SecretGeneration;
  /** Put a HoldingFront between the emulator and the receiver. */
  readonly front?: boolean;
  /**
   * Something between the receiver and the gate (e.g. a fault proxy), given the gate's URL. The
   * receiver then keeps its shipped SQS retries unless `sqsMaxAttempts` says otherwise.
   */
  readonly sqsFront?: (gateUrl: string) => Promise<SqsFront>;
  /** Polar's time for one delivery attempt (default 5 s; Polar's own is 10 s). */
  readonly deliveryTimeoutMs?: number;
  /** The receiver's SQS attempts per send; default 1, or the shipped setting with `sqsFront`. */
  readonly sqsMaxAttempts?: number;
}

export interface SqsFront {
  readonly url: string;
  close(): Promise<void>;
}

export interface ConsumedRecord {
  readonly webhookId: string;
  readonly messageId: string;
  readonly body: string;
}

export interface Pipeline {
  readonly polar: PolarEmulator;
  readonly client: PolarClient;
  readonly queues: LocalQueues;
  readonly queueGate: TcpGate;
  readonly front: HoldingFront | undefined;
  readonly secrets: SwitchableSecretProvider;
  readonly endpoint: PolarWebhookEndpoint;
  /** Receiver log lines, oldest first. */
  readonly requests: RequestLogEntry[];
  /** Every delivery attempt the emulator recorded. */
  readonly deliveries: WebhookDeliveryResource[];
  /** Every record the consumer's handlers ran for (so: once per webhook-id, if idempotent). */
  readonly handled: ConsumedRecord[];
  /** Every record the consumer was given, duplicates included: all that entered the queue. */
  readonly received: ConsumedRecord[];
  readonly consumerLog: RecordLogEntry[];
  receiverUrl(): string;
  stopReceiver(): Promise<void>;
  startReceiver(): Promise<void>;
  emit(type: string, data?: unknown): Promise<string>;
  readonly emitted: string[];
  /** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
  until(what: string, condition: () => boolean, timeoutMs?: number): Promise<void>;
  deliveriesOf(webhookId: string): WebhookDeliveryResource[];
  close(): Promise<void>;
}

export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const deliveries: WebhookDeliveryResource[] = [];
  const polar = await startPolarEmulator({
    allowLoopbackUrls: true,
    secretGeneration: options.secretGeneration ?? "standard",
    deliveryBackoffScale: PIPELINE_BACKOFF_SCALE,
    deliveryTimeoutMs: options.deliveryTimeoutMs ?? 5_000,
    onDelivery: (delivery) => deliveries.push(delivery),
  });
  const queues = await startLocalQueues({ visibilityTimeoutSeconds: 2 });
  const queueGate = new TcpGate(queues.sqsEndpoint);
  await queueGate.open();
  const sqsFront = await options.sqsFront?.(queueGate.url);
  const sqsMaxAttempts = options.sqsMaxAttempts ?? (sqsFront ? undefined : 1);

  const secrets = new SwitchableSecretProvider();
  const requests: RequestLogEntry[] = [];
  let receiver: LocalReceiver | undefined;
  let receiverPort = 0;
  const startReceiver = async () => {
    receiver = await startLocalReceiver({
      port: receiverPort,
      host: "127.0.0.1",
      env: {},
      queueUrl: queues.queueUrl,
      // The receiver reaches SQS through the gate only (behind the front, if any); by default one
      // attempt per call keeps 503s quick.
      sqsClientConfig: {
        ...localSqsClientConfig(sqsFront?.url ?? queueGate.url),
        ...(sqsMaxAttempts !== undefined ? { maxAttempts: sqsMaxAttempts } : {}),
      },
      secretProvider: secrets,
      log: (entry) => {
        requests.push(entry);
        recordOutput(JSON.stringify(entry), "receiver log");
      },
      print: () => undefined,
    });
    receiverPort = receiver.port;
  };
  await startReceiver();
  const front = options.front ? new HoldingFront(receiver!.url) : undefined;
  await front?.start();

  const client = new PolarClient({ accessToken: polar.organizationToken, baseUrl: polar.url });
  const endpoint = await client.createWebhookEndpoint({
    url: `${front?.url ?? receiver!.url.replace(/\/$/, "")}/polar/webhooks`,
    events: [...POLAR_EVENT_TYPES],
    format: "raw",
    name: "pipeline-test",
  });
  secrets.set({ current: endpoint.secret, previous: null });

  const handled: ConsumedRecord[] = [];
  const received: ConsumedRecord[] = [];
  const consumerLog: RecordLogEntry[] = [];
  const record =
    (list: ConsumedRecord[]) => (meta: { webhookId: string; messageId: string }, body: string) =>
      list.push({ webhookId: meta.webhookId, messageId: meta.messageId, body });
  const handlers = Object.fromEntries(
    POLAR_EVENT_TYPES.map((type) => [
      type,
      async (event: unknown, meta: { webhookId: string; messageId: string }) =>
        record(handled)(meta, JSON.stringify(event)),
    ]),
  ) as PolarEventHandlers;
  const consumer = createPolarEventConsumer({
    handlers,
    idempotency: { persistenceStore: new InMemoryPersistenceLayer() },
    log: (entry) => {
      consumerLog.push(entry);
      recordOutput(JSON.stringify(entry), "consumer log");
    },
  });
  const sqsClient = new SQSClient(queues.clientConfig);
  const source = new SqsEventSource({
    sqsClient,
    queueUrl: queues.queueUrl,
    handler: async (event, context) => {
      for (const r of event.Records) {
        received.push({
          webhookId: r.messageAttributes["webhook-id"]?.stringValue ?? "",
          messageId: r.messageId,
          body: r.body,
        });
      }
      return consumer(event, context);
    },
  });
  source.start();

  const emitted: string[] = [];
  const until = async (what: string, condition: () => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  return {
    polar,
    client,
    queues,
    queueGate,
    front,
    secrets,
    endpoint,
    requests,
    deliveries,
    handled,
    received,
    consumerLog,
    receiverUrl: () => receiver!.url,
    stopReceiver: async () => {
      await receiver?.close();
      receiver = undefined;
    },
    startReceiver,
    emitted,
    emit: async (type, data) => {
      const result = await polar.emit(type, data === undefined ? {} : { data: data as never });
      if (result.id === null) throw new Error(`no event created for ${type}`);
      emitted.push(result.id);
      return result.id;
    },
    until,
    deliveriesOf: (webhookId) => deliveries.filter((d) => d.webhook_event.id === webhookId),
    close: async () => {
      await source.stop();
      sqsClient.destroy();
      await client.close();
      await polar.close();
      await front?.close();
      await receiver?.close();
      await sqsFront?.close();
      await queueGate.dispose();
      await queues.close();
    },
  };
}

/**
 * Requests that are not Polar's, to the receiver: unsigned, signed with a stranger's secret, and
 * genuinely signed ones altered in transit (body, webhook-id). Resolves to the statuses and the
 * webhook-ids used, none of which may ever reach the queue.
 */
export async function sendForgeries(
  url: string,
  secret: string,
  body: string,
): Promise<{ statuses: number[]; webhookIds: string[] }> {
  const post = (headers: Record<string, string>, payload: string) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: payload,
    }).then((response) => response.status);
  const ids = Array.from({ length: 5 }, () => `forged-${randomUUID()}`);
  const now = String(Math.floor(Date.now() / 1000));
  const stranger = new Signer(`whsec_${Buffer.from(randomUUID()).toString("base64")}`);
  const genuine = new Signer(secret).headers(ids[3]!, body);
  const statuses = await Promise.all([
    post({ "webhook-id": ids[0]! }, body),
    post({ "webhook-id": ids[1]!, "webhook-timestamp": now, "webhook-signature": "v1,AAAA" }, body),
    post(stranger.headers(ids[2]!, body), body),
    post(genuine, body.replace('"type":"', '"type":"x')),
    post({ ...genuine, "webhook-id": ids[4]! }, body),
  ]);
  return { statuses, webhookIds: ids };
}
