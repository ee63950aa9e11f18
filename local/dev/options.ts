/**
 * What `npm run dev` is asked to do: its flags, and what it takes from the stack config file
 * (Pulumi.dev.yaml): the endpoint's events, the webhook path, the payload API version and the
 * consumer module. Pure, apart from reading that file.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { load } from "js-yaml";
import {
  isWebhookEventType,
  suggestEventType,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from "../../providers/polar";

export const USAGE = `usage: npm run dev [-- options]

  --demo                 fire a scripted purchase and subscription lifecycle, print each event's
                         journey, wait until every event is consumed, then shut down (exit 0)
  --consumer <path>      run this consumer module's handler (default: polar-webhooks:consumer
                         of the stack config; without one, events are printed)
  --all-events           subscribe the endpoint to all 42 event types (default: the stack's)
  --config <file>        the stack config to take events from (default: Pulumi.dev.yaml)
  --json                 journey lines as JSON objects, one per line
  --port <n>             the receiver's port on 127.0.0.1 (default: a free one)
  --timeout <seconds>    --demo: how long each event may take to be consumed (default 30)
  --help                 this text`;

export interface DevOptions {
  readonly demo: boolean;
  readonly consumer?: string;
  readonly allEvents: boolean;
  readonly configFile: string;
  readonly json: boolean;
  readonly port: number;
  readonly timeoutSeconds: number;
  readonly help: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseDevArguments(args: readonly string[]): DevOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        demo: { type: "boolean", default: false },
        consumer: { type: "string" },
        "all-events": { type: "boolean", default: false },
        config: { type: "string", default: "Pulumi.dev.yaml" },
        json: { type: "boolean", default: false },
        port: { type: "string", default: "0" },
        timeout: { type: "string", default: "30" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got ${values.port}`);
  }
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new UsageError(`--timeout must be a number of seconds above 0, got ${values.timeout}`);
  }
  if (values.consumer !== undefined && values.consumer.trim() === "") {
    throw new UsageError("--consumer needs the path of a module that exports handler");
  }
  return {
    demo: values.demo,
    consumer: values.consumer,
    allEvents: values["all-events"],
    configFile: values.config,
    json: values.json,
    port,
    timeoutSeconds,
    help: values.help,
  };
}

export interface DevStackConfig {
  readonly file: string;
  readonly events: readonly WebhookEventType[];
  readonly path: string;
  readonly apiVersion?: string;
  /** `polar-webhooks:consumer`, when set. */
  readonly consumer?: string;
}

export class StackConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigFileError";
  }
}

const EVENTS_KEY = "polar-webhooks:events";
const CONSUMER_KEY = "polar-webhooks:consumer";
const PATH_KEY = "polar-webhooks:path";
const API_VERSION_KEY = "polar-webhooks:apiVersion";

/** The part of a stack config file the local stack uses; every problem names the key. */
export function readDevStackConfig(file: string, root: string): DevStackConfig {
  const path = resolve(root, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new StackConfigFileError(
      `cannot read ${path}: give an existing stack file with --config`,
    );
  }
  return parseDevStackConfig(text, file);
}

export function parseDevStackConfig(text: string, file: string): DevStackConfig {
  let document: unknown;
  try {
    document = load(text);
  } catch (error) {
    throw new StackConfigFileError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  const config = (document as { config?: unknown } | null)?.config;
  if (typeof config !== "object" || config === null) {
    throw new StackConfigFileError(`${file} has no config: section`);
  }
  const values = config as Record<string, unknown>;
  const events = values[EVENTS_KEY];
  if (!Array.isArray(events) || events.length === 0) {
    throw new StackConfigFileError(
      `${file}: ${EVENTS_KEY} must be a non-empty list of Polar event types, e.g. [order.paid]`,
    );
  }
  const problems = events.flatMap((event: unknown, index) => {
    if (typeof event === "string" && isWebhookEventType(event)) return [];
    const suggestion = typeof event === "string" ? suggestEventType(event) : undefined;
    return [
      `${EVENTS_KEY}[${index}] ${JSON.stringify(event)} is not a Polar event type` +
        (suggestion
          ? `; did you mean "${suggestion}"?`
          : `; allowed: ${WEBHOOK_EVENT_TYPES.join(", ")}`),
    ];
  });
  if (problems.length > 0) throw new StackConfigFileError(`${file}: ${problems.join("; ")}`);
  const optionalString = (key: string): string | undefined => {
    const value = values[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || value.trim() === "") {
      throw new StackConfigFileError(`${file}: ${key} must be a non-empty string`);
    }
    return value.trim();
  };
  const apiVersion = optionalString(API_VERSION_KEY);
  const consumer = optionalString(CONSUMER_KEY);
  return {
    file,
    events: [...new Set(events as WebhookEventType[])],
    path: optionalString(PATH_KEY) ?? "/polar/webhooks",
    ...(apiVersion ? { apiVersion } : {}),
    ...(consumer ? { consumer } : {}),
  };
}
