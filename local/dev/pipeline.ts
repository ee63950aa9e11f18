/**
 * The running parts of `npm run dev`, all in this process and on 127.0.0.1: the Polar emulator
 * (delivering with a scaled-down retry backoff), the receiver (`createHandler`, as in AWS) sending
 * to the embedded queue, and the consumer loop (Lambda's SQS trigger) with its DLQ watch. The
 * stack (engine.ts) declares the endpoint that connects the emulator to the receiver.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { SqsEventSource, startLocalReceiver, type LocalReceiver } from "../../local/adapters";
import {
  startPolarEmulator,
  type PolarEmulator,
  type WebhookDataOverrides,
} from "../polar-emulator";
import { consumerBatchHandler, type ConsumerModule } from "./consumer";
import type { JourneyTracker } from "./journey";
import { startLocalQueues, type LocalQueues } from "./queues";
import { SwitchableSecretProvider } from "./secrets";

/** Polar's ~17–34 minutes of retries in ~10–20 s: a failing receiver shows within seconds. */
export const DEV_DELIVERY_BACKOFF_SCALE = 0.01;
const DLQ_WATCH_INTERVAL_MS = 500;

export interface LocalPipelineOptions {
  readonly journey: JourneyTracker;
  /** The user's consumer module; without one, events are printed and acknowledged. */
  readonly consumer?: ConsumerModule;
  /** The receiver's port on 127.0.0.1 (default: a free one). */
  readonly receiverPort?: number;
  readonly deliveryBackoffScale?: number;
  readonly visibilityTimeoutSeconds?: number;
  readonly maxReceiveCount?: number;
  /** Problems of the consumer loop (an unreachable queue), for the console. */
  readonly warn?: (line: string) => void;
}

export interface LocalPipeline {
  readonly emulator: PolarEmulator;
  readonly receiver: LocalReceiver;
  readonly queues: LocalQueues;
  /** What the receiver verifies with; set from the stack's outputs. */
  readonly secrets: SwitchableSecretProvider;
  /**
   * Something happens in Polar: the emulator creates one event per subscribed endpoint and
   * delivers it. Resolves to the events' ids (none when no endpoint subscribes to `type`);
   * rejects with `UnknownWebhookEventTypeError` (with a suggestion) and sends nothing.
   */
  emit(type: string, data?: unknown): Promise<string[]>;
  /** Stops taking messages off the queue (the rest keeps running until `close`). */
  stopConsumer(): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const { journey } = options;
  const warn = options.warn ?? ((line: string) => console.error(line));
  const cleanup: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const queues = await startLocalQueues({
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
      maxReceiveCount: options.maxReceiveCount,
    });
    cleanup.push(() => queues.close());

    const emulator = await startPolarEmulator({
      allowLoopbackUrls: true,
      deliveryBackoffScale: options.deliveryBackoffScale ?? DEV_DELIVERY_BACKOFF_SCALE,
      onDelivery: (delivery) =>
        journey.delivery({
          webhookId: delivery.webhook_event.id,
          type: delivery.webhook_event.type,
          httpStatus: delivery.http_code,
          succeeded: delivery.succeeded,
          response: delivery.response,
        }),
    });
    cleanup.push(() => emulator.close());

    const secrets = new SwitchableSecretProvider();
    const receiver = await startLocalReceiver({
      port: options.receiverPort ?? 0,
      host: "127.0.0.1",
      // Nothing from the user's shell (a POLAR_WEBHOOK_SECRET, a QUEUE_URL) reaches this receiver.
      env: {},
      queueUrl: queues.queueUrl,
      sqsClientConfig: queues.clientConfig,
      secretProvider: secrets,
      log: (entry) => journey.request(entry),
      print: () => undefined,
    });
    cleanup.push(() => receiver.close());

    const sqsClient = new SQSClient(queues.clientConfig);
    cleanup.push(async () => sqsClient.destroy());
    const source = new SqsEventSource({
      sqsClient,
      queueUrl: queues.queueUrl,
      handler: consumerBatchHandler(journey, options.consumer),
      functionName: "polar-webhooks-local-consumer",
      functionTimeoutSeconds: queues.visibilityTimeoutSeconds,
    });
    source.start((error) => warn(`consumer: cannot poll the queue (${(error as Error).name})`));
    cleanup.push(() => source.stop());
    const stopWatch = watchDeadLetters(queues, journey);
    cleanup.push(async () => stopWatch());

    return {
      emulator,
      receiver,
      queues,
      secrets,
      emit: async (type, data) => {
        const result = await emulator.emit(
          type,
          data === undefined ? {} : { data: data as WebhookDataOverrides<string> },
        );
        for (const id of result.ids) journey.emitted(id, type);
        return [...result.ids];
      },
      stopConsumer: () => source.stop(),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Reports each message that reaches the DLQ once. */
function watchDeadLetters(queues: LocalQueues, journey: JourneyTracker): () => void {
  const seen = new Set<string>();
  const timer = setInterval(() => {
    for (const message of queues.deadLetters()) {
      if (seen.has(message.messageId)) continue;
      seen.add(message.messageId);
      journey.deadLettered(
        message.attributes["webhook-id"],
        message.attributes["event-type"],
        queues.maxReceiveCount,
      );
    }
  }, DLQ_WATCH_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
