/**
 * Stack configuration: every key the program reads, validated with zod before any resource is declared.
 *
 * `parseStackConfig` is pure (no Pulumi runtime, no environment) and takes config the way the Pulumi runtime
 * holds it: full keys (`polar-webhooks:events`, `polar:server`) mapped to strings, structured values JSON-encoded.
 * Already-parsed values (e.g. straight from a `Pulumi.<stack>.yaml` file) are accepted as well. It throws one
 * `StackConfigError` listing every bad key, so a `pulumi preview` shows all problems at once and creates nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  POLAR_API_VERSIONS,
  suggestEventType,
  closestMatch,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_FORMATS,
  webhookUrlProblem,
  type WebhookEventType,
  type WebhookFormat,
} from "../providers/polar";
import {
  CONSUMER_TIMEOUT_LIMITS,
  DEFAULT_CONSUMER_TIMEOUT_SECONDS,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_WEBHOOK_PATH,
  LOG_RETENTION_DAYS,
  QUEUE_KINDS,
  WEBHOOK_PATH_PATTERN,
  type LogRetentionDays,
  type QueueKind,
} from "./ingress/constants";

/** The project's config namespace (`name` in Pulumi.yaml). */
export const PROJECT_NAMESPACE = "polar-webhooks";

export const POLAR_SERVERS = ["sandbox", "production"] as const;
export type PolarServer = (typeof POLAR_SERVERS)[number];

/** Tag keys the program sets itself on every AWS resource; config may not override them. */
export const RESERVED_TAG_KEYS = ["project", "stack"] as const;

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
  readonly extraEndpoints: readonly ExtraEndpointConfig[];
  readonly tags: Readonly<Record<string, string>>;
  readonly consumerTimeoutSeconds: number;
  readonly reservedConcurrency?: number;
  readonly logRetentionDays: LogRetentionDays;
  readonly adoptEndpointId?: string;
  readonly apiVersion?: (typeof POLAR_API_VERSIONS)[number];
  readonly organizationId?: string;
}

export interface StackConfigProblem {
  /** Full config key, e.g. `polar-webhooks:events`. */
  readonly key: string;
  /** One line: `<key>: <value> is invalid; <details; ><what is allowed>`. */
  readonly message: string;
}

/**
 * Thrown by `parseStackConfig`. A `RunError`, so Pulumi prints the message without a stack trace: the message is
 * the whole diagnosis.
 */
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

const UUID_MESSAGE = "must be a UUID";
const isWebhookEvent = (value: string): value is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);

/**
 * A non-empty list of distinct Polar event types. Entries are checked one by one (not with `z.string()`, which
 * would stop at the first non-string), so every bad entry gets its own message and did-you-mean.
 */
const eventsSchema = z
  .array(z.unknown(), { error: "must be a list of Polar event types" })
  .superRefine((events, ctx) => {
    if (events.length === 0) {
      ctx.addIssue({ code: "custom", message: "the list is empty" });
    }
    const seen = new Set<unknown>();
    events.forEach((event, index) => {
      if (typeof event !== "string" || !isWebhookEvent(event)) {
        const suggestion = typeof event === "string" ? suggestEventType(event) : undefined;
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : "";
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `${JSON.stringify(event)} is not a Polar event type${hint}`,
        });
      } else if (seen.has(event)) {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `${JSON.stringify(event)} is listed twice`,
        });
      }
      seen.add(event);
    });
  })
  .transform((events) => events as WebhookEventType[]);

const EVENTS_ALLOWED = `use a non-empty list of distinct Polar event types, e.g. ["order.paid", "subscription.updated"]`;

const extraEndpointSchema = z
  .object({
    name: z.string({ error: "is required" }).regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, {
      error: "must be 1-40 lower-case letters, digits or -",
    }),
    url: z.string({ error: "is required" }).superRefine((url, ctx) => {
      const problem = webhookUrlProblem(url);
      // The URL of a Slack/Discord incoming webhook is a credential: describe the problem, never echo it.
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    events: eventsSchema,
    format: z
      .enum(WEBHOOK_FORMATS, { error: `must be one of ${WEBHOOK_FORMATS.join(", ")}` })
      .optional(),
  })
  .strict();

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

/**
 * One entry per project key: its schema (`json`: the runtime hands it over JSON-encoded), its default, and the
 * sentence saying what is allowed (the tail of every error message for that key).
 */
const PROJECT_KEYS = {
  events: { json: true, allowed: EVENTS_ALLOWED, schema: eventsSchema },
  path: {
    json: false,
    allowed:
      `use an absolute path of segments made of letters, digits, "-", "_", ".", "~", ` +
      `without a trailing slash, e.g. "${DEFAULT_WEBHOOK_PATH}"`,
    schema: z.string().max(512).regex(WEBHOOK_PATH_PATTERN).default(DEFAULT_WEBHOOK_PATH),
  },
  queueKind: {
    json: false,
    allowed: `use "standard" or "fifo"`,
    schema: z.enum(QUEUE_KINDS).default("standard"),
  },
  alarmEmail: {
    json: false,
    allowed: `use an email address, e.g. "ops@example.com", or leave it unset for alarms without notifications`,
    schema: z.email().optional(),
  },
  secretRotation: {
    json: false,
    allowed: `use a non-empty marker such as "2026-11"; changing it rotates the signing secret`,
    schema: z
      .union([z.string().trim().min(1), z.number()])
      .transform((value) => String(value))
      .optional(),
  },
  extraEndpoints: {
    json: true,
    allowed:
      "use a list of {name, url, events, format?}: name unique, url an https URL Polar accepts, " +
      `events Polar event types, format one of ${WEBHOOK_FORMATS.join(", ")} (default: detected from the url)`,
    schema: z
      .array(extraEndpointSchema)
      .superRefine((endpoints, ctx) => {
        const names = new Set<string>();
        endpoints.forEach((endpoint, index) => {
          if (names.has(endpoint.name)) {
            ctx.addIssue({
              code: "custom",
              path: [index, "name"],
              message: `${JSON.stringify(endpoint.name)} is used twice`,
            });
          }
          names.add(endpoint.name);
        });
      })
      .default([]),
  },
  tags: {
    json: true,
    allowed:
      'use a map of tag keys to string values (keys 1-128 characters, not starting with "aws:", ' +
      `values at most 256 characters; ${RESERVED_TAG_KEYS.join(" and ")} are set by the program)`,
    schema: z
      // Values are checked in the refinement, not by the record's value schema: a type error there would skip the
      // refinement and hide the other keys' problems.
      .record(z.string(), z.unknown())
      .superRefine((tags, ctx) => {
        for (const [key, value] of Object.entries(tags)) {
          if (typeof value !== "string") {
            ctx.addIssue({ code: "custom", path: [key], message: "must be a string (quote it)" });
          } else if (!TAG_KEY.test(key) || key.toLowerCase().startsWith("aws:")) {
            ctx.addIssue({ code: "custom", path: [key], message: "is not a valid AWS tag key" });
          } else if ((RESERVED_TAG_KEYS as readonly string[]).includes(key)) {
            ctx.addIssue({ code: "custom", path: [key], message: "is set by the program" });
          } else if (value.length > 256) {
            ctx.addIssue({ code: "custom", path: [key], message: "is longer than 256 characters" });
          }
        }
      })
      .transform((tags) => tags as Record<string, string>)
      .default({}),
  },
  consumerTimeoutSeconds: {
    json: true,
    allowed:
      `use a whole number of seconds from ${CONSUMER_TIMEOUT_LIMITS.min} to ${CONSUMER_TIMEOUT_LIMITS.max} ` +
      "(the queue's visibility timeout is 6 times this, at most 12 hours)",
    schema: z
      .int()
      .min(CONSUMER_TIMEOUT_LIMITS.min)
      .max(CONSUMER_TIMEOUT_LIMITS.max)
      .default(DEFAULT_CONSUMER_TIMEOUT_SECONDS),
  },
  reservedConcurrency: {
    json: true,
    allowed: "use a whole number from 1 to 1000, or leave it unset for unreserved concurrency",
    schema: z.int().min(1).max(1000).optional(),
  },
  logRetentionDays: {
    json: true,
    allowed: `use one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
    schema: z.literal(LOG_RETENTION_DAYS).default(DEFAULT_LOG_RETENTION_DAYS),
  },
  adoptEndpointId: {
    json: false,
    allowed:
      "use the id (a UUID) of an existing Polar webhook endpoint to take over, or leave it unset",
    schema: z.uuid({ error: UUID_MESSAGE }).optional(),
  },
  apiVersion: {
    json: false,
    allowed: `use one of ${POLAR_API_VERSIONS.join(", ")}, or leave it unset for Polar's default`,
    schema: z.enum(POLAR_API_VERSIONS).optional(),
  },
  organizationId: {
    json: false,
    allowed:
      "use your Polar organization id (a UUID); set it only with a personal (user) access token, " +
      "never with an organization token (polar_oat_…)",
    schema: z.uuid({ error: UUID_MESSAGE }).optional(),
  },
} as const;

type ProjectKey = keyof typeof PROJECT_KEYS;
const PROJECT_KEY_NAMES = Object.keys(PROJECT_KEYS) as ProjectKey[];

/** The project keys the program reads (without namespace), for docs and for reading config. */
export const STACK_CONFIG_KEYS: readonly string[] = PROJECT_KEY_NAMES;

const SERVER_KEY = "polar:server";
const serverSchema = z.enum(POLAR_SERVERS).default("sandbox");
const SERVER_ALLOWED = `use "sandbox" or "production"`;

/**
 * Validates raw stack config. `raw` maps full keys to values; keys of other namespaces (`aws:region`,
 * `polar:accessToken`, …) are ignored, unknown `polar-webhooks:` keys are errors (a typo would otherwise be a
 * silently ignored setting). Throws `StackConfigError` listing every bad key.
 */
export function parseStackConfig(raw: Readonly<Record<string, unknown>>): StackConfig {
  const problems: StackConfigProblem[] = [];
  const values: Record<string, unknown> = {};

  for (const key of PROJECT_KEY_NAMES) {
    const spec = PROJECT_KEYS[key];
    const fullKey = `${PROJECT_NAMESPACE}:${key}`;
    const value = decode(raw[fullKey], spec.json);
    const result = spec.schema.safeParse(value);
    if (result.success) {
      values[key] = result.data;
    } else {
      problems.push(problem(fullKey, value, result.error.issues, spec.allowed));
    }
  }

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

  // `!server.success` again only to narrow `server.data` (its problem is already listed).
  if (problems.length > 0 || !server.success) {
    throw new StackConfigError(problems);
  }
  return { server: server.data, ...values } as unknown as StackConfig;
}

/**
 * `polar:server=production` in a stack whose name says dev/test/sandbox, or sandbox in a stack whose name says
 * prod, is almost always a mistake (the latter is easy to make: sandbox is the default). It is a warning, not an
 * error: stack names are the user's choice, and a deliberate set-up (a "prod-rehearsal" stack on sandbox, say)
 * must stay possible. Returns the warning text, or undefined.
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

function problem(
  key: string,
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
  allowed: string,
): StackConfigProblem {
  // Our own checks (code "custom") and nested field checks explain what is wrong; a top-level type or range
  // mismatch is fully said by `allowed`, so zod's generic wording would only repeat it.
  const details = issues
    .filter((issue) => issue.code === "custom" || issue.path.length > 0)
    .map((issue) =>
      issue.path.length > 0 ? `${formatPath(issue.path)}: ${issue.message}` : issue.message,
    );
  const unique = [...new Set(details)];
  return {
    key,
    message: `${key}: ${display(key.endsWith(":extraEndpoints") ? redactUrls(value) : value)} is invalid; ${[...unique, allowed].join("; ")}`,
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === "number"
        ? `[${segment}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(segment))
          ? `${index === 0 ? "" : "."}${String(segment)}`
          : `[${JSON.stringify(String(segment))}]`,
    )
    .join("");
}

const MAX_DISPLAY = 200;

function display(value: unknown): string {
  const text = value === undefined ? "(unset)" : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_DISPLAY ? `${text.slice(0, MAX_DISPLAY - 1)}…` : text;
}

/** Extra endpoint URLs may be Slack/Discord webhook URLs, i.e. credentials: never print them. */
function redactUrls(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((entry: unknown) =>
    entry !== null && typeof entry === "object" && "url" in entry
      ? { ...entry, url: "<redacted>" }
      : entry,
  );
}

function closestKey(key: string): string | undefined {
  return closestMatch(key, PROJECT_KEY_NAMES);
}
