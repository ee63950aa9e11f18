/**
 * `npm run dev`: the pipeline on this machine, no AWS and no account. Starts the Polar emulator,
 * the receiver with its embedded queue and DLQ, and the consumer loop; runs `pulumi up` of the
 * local stack (the endpoint, pointed at the receiver); then takes event types at a prompt, or runs
 * the demo (`--demo`). Ctrl-C (or SIGTERM, or `quit`) destroys the stack and stops everything; a
 * second Ctrl-C exits at once.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../providers/polar";
import { UnknownWebhookEventTypeError } from "../polar-emulator";
import { loadConsumerModule } from "./consumer";
import { startControlServer, type ControlServer } from "./control";
import { runDemo, demoChapters, demoEventTypes } from "./demo";
import { createLocalStack, destroyLocalStack, requirePulumiCli, upLocalStack } from "./engine";
import { JourneyTracker } from "./journey";
import { acquireDevLock } from "./lock";
import {
  parseDevArguments,
  readDevStackConfig,
  USAGE,
  UsageError,
  type DevOptions,
} from "./options";
import { startLocalPipeline, type LocalPipeline } from "./pipeline";
import { startPrompt, type Prompt } from "./prompt";
import {
  ensureLocalPassphrase,
  localStackSettings,
  REPOSITORY_ROOT,
  withoutPassphraseVariable,
} from "./stack";

const SAME_SIGNAL_WINDOW_MS = 1_000;

/** What is running, so that shutdown stops exactly that. */
interface Running {
  releaseLock?: () => void;
  pipeline?: LocalPipeline;
  control?: ControlServer;
  stack?: Stack;
  prompt?: Prompt;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: DevOptions;
  try {
    options = parseDevArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }

  const running: Running = {};
  // With --json, stdout carries only journey lines; everything else goes to stderr.
  const write = (line: string) =>
    running.prompt ? running.prompt.write(line) : process.stdout.write(`${line}\n`);
  const info = options.json ? (line: string) => process.stderr.write(`${line}\n`) : write;
  const started = performance.now();

  let stopReason: string | undefined;
  let requestStop: (reason: string) => void = () => undefined;
  const stopRequested = new Promise<string>((resolve) => {
    requestStop = (reason) => {
      if (stopReason !== undefined) return;
      stopReason = reason;
      resolve(reason);
    };
  });
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // One Ctrl-C can arrive twice: from the terminal and forwarded by npm to its script.
    if (stopReason !== undefined && performance.now() - firstSignalAt < SAME_SIGNAL_WINDOW_MS)
      return;
    if (stopReason !== undefined) {
      info(`[dev] ${signal} again: exiting now; the next npm run dev removes what was left`);
      process.exit(130);
    }
    firstSignalAt = performance.now();
    info(`[dev] ${signal}: shutting down (press Ctrl-C again to force)`);
    requestStop(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let code = 0;
  try {
    const config = readDevStackConfig(options.configFile, REPOSITORY_ROOT);
    requirePulumiCli();
    const settings = localStackSettings();
    withoutPassphraseVariable(process.env);
    await ensureLocalPassphrase(settings);
    running.releaseLock = acquireDevLock(settings);

    const consumerEntry = options.consumer ?? config.consumer;
    const consumer = consumerEntry
      ? loadConsumerModule(
          consumerEntry,
          REPOSITORY_ROOT,
          options.consumer ? "--consumer" : `${config.file} polar-webhooks:consumer`,
        )
      : undefined;
    const events = endpointEvents(options, config.events, info);

    const journey = new JourneyTracker(write, { json: options.json });
    info(
      "[dev] starting the Polar emulator, the receiver, the queue (with its DLQ) and the consumer",
    );
    const pipeline = await startLocalPipeline({
      journey,
      consumer,
      receiverPort: options.port,
      warn: info,
    });
    running.pipeline = pipeline;
    running.control = await startControlServer(pipeline.emulator.organizationToken, pipeline.emit);
    const webhookUrl = `${pipeline.receiver.url.replace(/\/$/, "")}${config.path}`;

    if (stopReason === undefined) {
      running.stack = await createLocalStack(
        settings,
        {
          webhookUrl,
          events,
          ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
          polarApiUrl: pipeline.emulator.url,
          accessToken: pipeline.emulator.organizationToken,
          queueUrl: pipeline.queues.queueUrl,
          deadLetterQueueUrl: pipeline.queues.deadLetterQueueUrl,
          sqsEndpoint: pipeline.queues.sqsEndpoint,
          controlUrl: running.control.url,
        },
        info,
      );
      const up = await upLocalStack(running.stack, settings, info);
      pipeline.secrets.set({ current: up.secret, previous: null });
      info(`[dev] ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      for (const line of banner(
        pipeline,
        webhookUrl,
        up.endpointId,
        events.length,
        consumer?.entry,
      )) {
        info(line);
      }
    }

    if (stopReason !== undefined) {
      code = 130;
    } else if (options.demo) {
      code = await demo(pipeline, journey, options, info, stopRequested);
    } else {
      info("Type an event type and press Enter (Tab completes, help lists them); Ctrl-C stops.");
      info("From another terminal: npm run polar -- trigger <type> --stack local");
      journey.startClock();
      running.prompt = startPrompt(process.stdin, process.stdout, {
        emit: (type) => emitTyped(pipeline, type, info),
        print: info,
        quit: () => requestStop("quit"),
        interrupt: () => onSignal("SIGINT"),
      });
      await stopRequested;
    }
  } catch (error) {
    info(`[dev] error: ${describe(error)}`);
    // A Ctrl-C during `pulumi up` reaches the CLI too, which cancels: that failure was asked for.
    code = stopReason === undefined ? 1 : 130;
  } finally {
    if (!(await shutdown(running, info))) code = code || 1;
  }
  return code;
}

function endpointEvents(
  options: DevOptions,
  configured: readonly WebhookEventType[],
  info: (line: string) => void,
): WebhookEventType[] {
  if (options.allEvents) return [...WEBHOOK_EVENT_TYPES];
  if (!options.demo) return [...configured];
  const added = demoEventTypes().filter((type) => !configured.includes(type));
  if (added.length > 0) {
    info(
      `[dev] demo: the endpoint also subscribes to ${added.join(", ")} (not in ${options.configFile})`,
    );
  }
  return [...configured, ...added];
}

function banner(
  pipeline: LocalPipeline,
  webhookUrl: string,
  endpointId: string,
  eventCount: number,
  consumerEntry: string | undefined,
): string[] {
  const { queues } = pipeline;
  return [
    `  Polar (emulator)  ${pipeline.emulator.url}  endpoint ${endpointId} (${eventCount} event types)`,
    `  receiver          ${webhookUrl}  (createHandler, the Lambda's code)`,
    `  queue             ${queues.queueUrl}  (visibility ${queues.visibilityTimeoutSeconds} s)`,
    `  dead-letter queue ${queues.deadLetterQueueUrl}  (after ${queues.maxReceiveCount} receives)`,
    consumerEntry
      ? `  consumer          ${consumerEntry} (its handler, in-memory idempotency)`
      : "  consumer          none configured: each event is printed as it leaves the queue",
  ];
}

async function demo(
  pipeline: LocalPipeline,
  journey: JourneyTracker,
  options: DevOptions,
  info: (line: string) => void,
  stopRequested: Promise<string>,
): Promise<number> {
  journey.startClock();
  const started = performance.now();
  const interrupted = stopRequested.then(() => "interrupted" as const);
  const outcome = await Promise.race([
    runDemo({
      emit: pipeline.emit,
      waitForConsumed: (ids, timeoutMs) => journey.waitForConsumed(ids, timeoutMs),
      print: info,
      timeoutMs: options.timeoutSeconds * 1000,
    }).then((ids) => ({ ids })),
    interrupted,
  ]).catch((error: unknown) => ({ error }));
  if (outcome === "interrupted") return 130;
  if ("error" in outcome) {
    info(`[dev] demo failed: ${describe(outcome.error)}`);
    return 1;
  }
  const { counts } = journey;
  info(
    `[dev] demo done: ${counts.emitted} events emitted, ${counts.delivered} deliveries, ` +
      `${counts.enqueued} enqueued, ${counts.consumed} consumed in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s (${demoChapters().length} chapters)`,
  );
  return 0;
}

function emitTyped(pipeline: LocalPipeline, type: WebhookEventType, info: (line: string) => void) {
  pipeline.emit(type).then(
    (ids) => {
      if (ids.length === 0) {
        info(
          `no endpoint subscribes to ${type}: add it to polar-webhooks:events in the stack config ` +
            "(or start with --all-events); nothing sent",
        );
      }
    },
    (error: unknown) =>
      info(error instanceof UnknownWebhookEventTypeError ? error.message : describe(error)),
  );
}

/** Stops what runs, the stack first (its delete needs the emulator); false if something failed. */
async function shutdown(running: Running, info: (line: string) => void): Promise<boolean> {
  let ok = true;
  running.prompt?.close();
  running.prompt = undefined;
  await running.pipeline?.stopConsumer();
  if (running.stack) {
    try {
      await destroyLocalStack(running.stack, info);
    } catch (error) {
      ok = false;
      info(`[dev] ${describe(error)}; the next npm run dev removes the stack`);
    }
  }
  await running.control?.close();
  await running.pipeline?.close();
  running.releaseLock?.();
  if (running.pipeline) info("[dev] stopped");
  return ok;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
