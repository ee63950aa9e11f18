/**
 * Stack configuration, validated before any resource is declared. `parseStackConfig` is pure: it takes full keys
 * mapped to the runtime's strings (structured values JSON-encoded) or already-parsed values, and throws one
 * `StackConfigError` listing every problem.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { checkConsumerEntry } from "../infra/bundle";
import { ConsumerEntryError } from "../lambda";
import {
  closestMatch,
  POLAR_API_VERSIONS,
  type WebhookEventType,
  type WebhookFormat,
} from "../providers/polar";
import {
  CONSUMER_SETTING_KEYS,
  PROJECT_KEY_NAMES,
  PROJECT_KEYS,
  PROJECT_NAMESPACE,
  SERVER_ALLOWED,
  SERVER_KEY,
  serverSchema,
  type PolarServer,
} from "./config/keys";
import { consumerTypeErrors, programIsTypeChecked } from "./config/consumer-types";
import { display, problem, type StackConfigProblem } from "./config/messages";

export type { StackConfigProblem } from "./config/messages";
import type { LogRetentionDays, QueueKind } from "./ingress/constants";
import { CONSUMER_SETTINGS, consumerConflicts } from "./ingress/consumer-settings";

export {
  POLAR_SERVERS,
  PROJECT_NAMESPACE,
  RESERVED_TAG_KEYS,
  STACK_CONFIG_KEYS,
  type PolarServer,
} from "./config/keys";

/** The folder of Pulumi.yaml: `polar-webhooks:consumer` is relative to it. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

const TOKEN_KEY = "polar:accessToken";
const CONSUMER_KEY = `${PROJECT_NAMESPACE}:consumer`;
const EXTRA_ENDPOINTS_KEY = `${PROJECT_NAMESPACE}:extraEndpoints`;

export interface ExtraEndpointConfig {
  /** Lower-case letters, digits and "-"; part of the resource name, so unique. */
  readonly name: string;
  /** Where Polar delivers (e.g. a Slack or Discord incoming-webhook URL). Treated as a secret by the program. */
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  /** Default: detected by Polar's rules from the URL (Slack, Discord), else "raw". */
  readonly format?: WebhookFormat;
}

export interface StackConfig {
  /** `polar:server`: which Polar the provider talks to. */
  readonly server: PolarServer;
  readonly events: readonly WebhookEventType[];
  readonly path: string;
  readonly queueKind: QueueKind;
  readonly alarmEmail?: string;
  readonly secretRotation?: string;
  /** Hours the previous secret stays valid after a rotation (0–168). */
  readonly rotationGraceHours: number;
  readonly extraEndpoints: readonly ExtraEndpointConfig[];
  readonly tags: Readonly<Record<string, string>>;
  readonly consumerTimeoutSeconds: number;
  /** The consumer's entry file, relative to the project root, checked to exist and export `handler`. */
  readonly consumer?: string;
  /** Unset: the component's default (`CONSUMER_SETTINGS`). */
  readonly consumerMemorySize?: number;
  readonly consumerBatchSize?: number;
  readonly consumerBatchingWindowSeconds?: number;
  readonly consumerMaxConcurrency?: number;
  readonly consumerLagAlarmSeconds?: number;
  readonly reservedConcurrency?: number;
  readonly logRetentionDays: LogRetentionDays;
  readonly adoptEndpointId?: string;
  readonly apiVersion?: (typeof POLAR_API_VERSIONS)[number];
  readonly organizationId?: string;
}

/** A `RunError`: Pulumi prints the message without a stack trace. */
export class StackConfigError extends pulumi.RunError {
  readonly problems: readonly StackConfigProblem[];

  constructor(problems: readonly StackConfigProblem[]) {
    super(
      `Invalid stack configuration (${problems.length} ${problems.length === 1 ? "problem" : "problems"}; ` +
        "nothing was created):\n" +
        problems.map((p) => `  ${p.message}`).join("\n"),
    );
    this.name = "StackConfigError";
    this.problems = problems;
  }
}

/** Which keys were set with `--secret`, as the Pulumi runtime knows them. */
export interface ConfigSecrecy {
  /** The stack's name, for the commands in error messages. */
  readonly stack: string;
  readonly isSecret: (key: string) => boolean;
}

/** Checks that read files, kept out of the pure parse. */
export interface ConfigChecks {
  /** What is wrong with the consumer entry (relative to the project root), if anything. */
  readonly consumerEntry?: (entry: string) => string | undefined;
}

/**
 * Keys of other namespaces are ignored; unknown `polar-webhooks:` keys are errors (a typo would be a silently
 * ignored setting). With `secrecy`, so are credentials set without `--secret`.
 */
export function parseStackConfig(
  raw: Readonly<Record<string, unknown>>,
  secrecy?: ConfigSecrecy,
  checks: ConfigChecks = {},
): StackConfig {
  const problems: StackConfigProblem[] = [];
  const values: Record<string, unknown> = {};
  const invalid = new Set<string>();

  for (const key of PROJECT_KEY_NAMES) {
    const spec = PROJECT_KEYS[key];
    const fullKey = `${PROJECT_NAMESPACE}:${key}`;
    const value = decode(raw[fullKey], spec.json);
    const result = spec.schema.safeParse(value);
    if (result.success) {
      values[key] = result.data;
    } else {
      invalid.add(key);
      problems.push(problem(fullKey, value, result.error.issues, spec.allowed));
    }
  }
  problems.push(...consumerProblems(values, invalid, checks));

  const server = serverSchema.safeParse(emptyToUndefined(raw[SERVER_KEY]));
  if (!server.success) {
    problems.push(problem(SERVER_KEY, raw[SERVER_KEY], server.error.issues, SERVER_ALLOWED));
  }

  const prefix = `${PROJECT_NAMESPACE}:`;
  for (const fullKey of Object.keys(raw).sort()) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if ((PROJECT_KEY_NAMES as string[]).includes(key)) continue;
    const suggestion = closestKey(key);
    const hint = suggestion ? ` (did you mean ${prefix}${suggestion}?)` : "";
    problems.push({
      key: fullKey,
      message:
        `${fullKey}: ${display(decode(raw[fullKey], true))} is invalid; unknown key${hint}; ` +
        `known keys: ${PROJECT_KEY_NAMES.map((k) => prefix + k).join(", ")}, ${SERVER_KEY}`,
    });
  }

  if (secrecy) problems.push(...plainCredentials(raw, secrecy));

  // `!server.success` only narrows `server.data`.
  if (problems.length > 0 || !server.success) {
    throw new StackConfigError(problems);
  }
  return { server: server.data, ...values } as unknown as StackConfig;
}

/** The stack's config from the Pulumi runtime, parsed, the consumer entry checked. */
export function readStackConfig(): StackConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(`${PROJECT_NAMESPACE}:`) || key === SERVER_KEY || key === TOKEN_KEY) {
      raw[key] = value;
    }
  }
  return parseStackConfig(
    raw,
    { stack: pulumi.getStack(), isSecret: isConfigSecret },
    { consumerEntry: consumerEntryProblem },
  );
}

/**
 * The bundler's own checks, synchronous, before any resource is declared; then, when Pulumi's runner type-checks the
 * program, the compiler's (config/consumer-types.ts).
 */
export function consumerEntryProblem(
  entry: string,
  typeCheck: boolean = programIsTypeChecked(),
): string | undefined {
  let file: string;
  try {
    file = checkConsumerEntry({ entry, cwd: PROJECT_ROOT });
  } catch (error) {
    if (error instanceof ConsumerEntryError) return `${error.entry} ${error.reason}`;
    throw error;
  }
  const typeErrors = typeCheck ? consumerTypeErrors(file, PROJECT_ROOT) : [];
  if (typeErrors.length === 0) return undefined;
  return `${file} does not type-check: ${typeErrors.join("; ")}`;
}

/**
 * Rules across keys: the consumer's settings need a consumer, must suit the queue (Lambda's rules), and the entry
 * must be a module that exports `handler`. Keys that failed on their own are not judged again.
 */
function consumerProblems(
  values: Readonly<Record<string, unknown>>,
  invalid: ReadonlySet<string>,
  checks: ConfigChecks,
): StackConfigProblem[] {
  const full = (key: string) => `${PROJECT_NAMESPACE}:${key}`;
  const settingKeys = Object.keys(CONSUMER_SETTING_KEYS) as (keyof typeof CONSUMER_SETTING_KEYS)[];
  const entry = values.consumer as string | undefined;
  if (entry === undefined) {
    if (invalid.has("consumer")) return [];
    return settingKeys
      .filter((key) => values[key] !== undefined)
      .map((key) => ({
        key: full(key),
        message:
          `${full(key)}: ${display(values[key])} is invalid; it applies only to a consumer; ` +
          `set ${CONSUMER_KEY} to your consumer's entry file, or remove this key`,
      }));
  }
  const problems: StackConfigProblem[] = [];
  const entryProblem = checks.consumerEntry?.(entry);
  if (entryProblem) {
    problems.push({
      key: CONSUMER_KEY,
      message: `${CONSUMER_KEY}: ${display(entry)} is invalid; ${entryProblem}; ${PROJECT_KEYS.consumer.allowed}`,
    });
  }
  const keyOf = {
    timeoutSeconds: "consumerTimeoutSeconds",
    queueKind: "queueKind",
    batchSize: "consumerBatchSize",
    batchingWindowSeconds: "consumerBatchingWindowSeconds",
  } as const;
  if (Object.values(keyOf).some((key) => invalid.has(key))) return problems;
  const setting = (key: "consumerBatchSize" | "consumerBatchingWindowSeconds") =>
    (values[key] as number | undefined) ?? CONSUMER_SETTINGS[CONSUMER_SETTING_KEYS[key]].default;
  const conflicts = consumerConflicts(
    {
      fifo: values.queueKind === "fifo",
      timeoutSeconds: values.consumerTimeoutSeconds as number,
      batchSize: setting("consumerBatchSize"),
      batchingWindowSeconds: setting("consumerBatchingWindowSeconds"),
    },
    (name) => full(keyOf[name]),
  );
  for (const conflict of conflicts) {
    const key = keyOf[conflict.setting];
    problems.push({
      key: full(key),
      message: `${full(key)}: ${display(values[key])} is invalid; must be ${conflict.detail}; ${PROJECT_KEYS[key].allowed}`,
    });
  }
  return problems;
}

/** The engine copies the stack config into the default dynamic provider's inputs, stored in state. */
function plainCredentials(
  raw: Readonly<Record<string, unknown>>,
  { stack, isSecret }: ConfigSecrecy,
): StackConfigProblem[] {
  const problems: StackConfigProblem[] = [];
  const inClear = `in clear in Pulumi.${stack}.yaml and would be copied into the state`;
  if (emptyToUndefined(raw[TOKEN_KEY]) !== undefined && !isSecret(TOKEN_KEY)) {
    problems.push({
      key: TOKEN_KEY,
      message:
        `${TOKEN_KEY}: set without --secret, so the token is stored ${inClear}; ` +
        `run \`pulumi config set --secret ${TOKEN_KEY} polar_oat_… -s ${stack}\` ` +
        "(or remove it and set env POLAR_ACCESS_TOKEN)",
    });
  }
  const endpoints = decode(raw[EXTRA_ENDPOINTS_KEY], true);
  if (Array.isArray(endpoints) && endpoints.length > 0 && !isSecret(EXTRA_ENDPOINTS_KEY)) {
    const commands = endpoints.map(
      (_, index) =>
        `\`pulumi config set --secret --path '${EXTRA_ENDPOINTS_KEY}[${index}].url' … -s ${stack}\``,
    );
    problems.push({
      key: EXTRA_ENDPOINTS_KEY,
      message:
        `${EXTRA_ENDPOINTS_KEY}: set without --secret, so its URLs (credentials: a Slack or Discord ` +
        `webhook URL lets anyone post) are stored ${inClear}; run ${commands.join(" and ")}`,
    });
  }
  return problems;
}

/** The runtime's record of `--secret` keys (PULUMI_CONFIG_SECRET_KEYS); internal to @pulumi/pulumi, so checked. */
function isConfigSecret(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  if (typeof runtime.isConfigSecret !== "function") {
    throw new Error(
      "@pulumi/pulumi no longer exposes runtime.isConfigSecret; infra/config.ts cannot tell secret config keys apart",
    );
  }
  return runtime.isConfigSecret(key);
}

/**
 * A production server in a stack named like dev, or sandbox (the default) in one named like prod, is almost
 * always a mistake; a warning, not an error, so a deliberate set-up stays possible.
 */
export function serverMismatchWarning(stack: string, server: PolarServer): string | undefined {
  const words = stack.toLowerCase().split(/[^a-z0-9]+/);
  const looksProduction = words.some((w) => w === "prod" || w === "production" || w === "live");
  const looksNonProduction = words.some((w) =>
    ["dev", "development", "sandbox", "test", "testing", "staging", "stage", "qa"].includes(w),
  );
  if (server === "production" && looksNonProduction && !looksProduction) {
    return (
      `Stack "${stack}" targets polar:server=production: its webhook endpoint will receive live customer events. ` +
      `If that is not intended, run \`pulumi config set polar:server sandbox -s ${stack}\`.`
    );
  }
  if (server === "sandbox" && looksProduction && !looksNonProduction) {
    return (
      `Stack "${stack}" targets polar:server=sandbox (the default when unset): no live events will arrive. ` +
      `If that is not intended, run \`pulumi config set polar:server production -s ${stack}\`.`
    );
  }
  return undefined;
}

/** Pulumi hands every value over as a string; structured and numeric ones are JSON inside it. */
function decode(value: unknown, json: boolean): unknown {
  const present = emptyToUndefined(value);
  if (!json || typeof present !== "string") return present;
  try {
    return JSON.parse(present) as unknown;
  } catch {
    return present;
  }
}

function emptyToUndefined(value: unknown): unknown {
  return value === null || value === "" ? undefined : value;
}

function closestKey(key: string): string | undefined {
  return closestMatch(key, PROJECT_KEY_NAMES);
}
