/**
 * Every project config key: its zod schema, whether the runtime hands it over JSON-encoded, and the sentence
 * saying what is allowed (the tail of every error message for that key).
 */
import * as path from "node:path";
import { z } from "zod";
import {
  POLAR_API_VERSIONS,
  suggestEventType,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_FORMATS,
  webhookUrlProblem,
  type WebhookEventType,
} from "../../providers/polar";
import {
  CONSUMER_TIMEOUT_LIMITS,
  DEFAULT_CONSUMER_TIMEOUT_SECONDS,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_WEBHOOK_PATH,
  LOG_RETENTION_DAYS,
  QUEUE_KINDS,
  WEBHOOK_PATH_PATTERN,
} from "../ingress/constants";
import {
  CONSUMER_SETTINGS,
  LAMBDA_MAX_TIMEOUT_SECONDS,
  type ConsumerSetting,
} from "../ingress/consumer-settings";

/** The project's config namespace (`name` in Pulumi.yaml). */
export const PROJECT_NAMESPACE = "polar-webhooks";

export const POLAR_SERVERS = ["sandbox", "production"] as const;
export type PolarServer = (typeof POLAR_SERVERS)[number];

/** Tag keys the program sets itself on every AWS resource; config may not override them. */
export const RESERVED_TAG_KEYS = ["project", "stack"] as const;

const UUID_MESSAGE = "must be a UUID";

/** How long the previous signing secret stays valid after a rotation, unless configured. */
export const DEFAULT_ROTATION_GRACE_HOURS = 24;
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

/** The keys that tune the consumer, each one of the component's `consumer` settings. */
export const CONSUMER_SETTING_KEYS = {
  consumerMemorySize: "memorySize",
  consumerBatchSize: "batchSize",
  consumerBatchingWindowSeconds: "batchingWindowSeconds",
  consumerMaxConcurrency: "maxConcurrency",
  consumerLagAlarmSeconds: "lagAlarmSeconds",
} as const satisfies Record<string, ConsumerSetting>;

/** Unset means the component's default, so that a key set without a consumer can be told apart. */
function consumerSettingKey(setting: ConsumerSetting, what: string) {
  const { min, max, default: byDefault } = CONSUMER_SETTINGS[setting];
  return {
    json: true,
    allowed: `use a whole number ${what} from ${min} to ${max} (default ${byDefault})`,
    schema: z.int().min(min).max(max).optional(),
  } as const;
}

/**
 * One entry per project key: its schema (`json`: the runtime hands it over JSON-encoded), its default, and the
 * sentence saying what is allowed (the tail of every error message for that key).
 */
export const PROJECT_KEYS = {
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
  rotationGraceHours: {
    json: true,
    allowed:
      "use a whole number of hours from 0 to 168 (7 days, as Stripe's roll secret allows): how long the " +
      "previous signing secret stays valid after a rotation; 0 ends it at once",
    schema: z.int().min(0).max(168).default(DEFAULT_ROTATION_GRACE_HOURS),
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
      `(the consumer's timeout, at most ${LAMBDA_MAX_TIMEOUT_SECONDS} with ${PROJECT_NAMESPACE}:consumer; ` +
      "the queue's visibility timeout is 6 times this, at most 12 hours)",
    schema: z
      .int()
      .min(CONSUMER_TIMEOUT_LIMITS.min)
      .max(CONSUMER_TIMEOUT_LIMITS.max)
      .default(DEFAULT_CONSUMER_TIMEOUT_SECONDS),
  },
  consumer: {
    json: false,
    allowed:
      "use the path of your consumer module relative to the project root (the folder of Pulumi.yaml), " +
      'a file that exports handler = createPolarEventConsumer({ … }), e.g. "lambda/consumer/example.ts", ' +
      "or leave it unset for no consumer",
    schema: z
      .string()
      .trim()
      .min(1)
      .refine((entry) => !path.isAbsolute(entry) && !entry.startsWith("~"), {
        error: "is not relative to the project root",
      })
      .optional(),
  },
  consumerMemorySize: consumerSettingKey("memorySize", "of MB"),
  consumerBatchSize: consumerSettingKey(
    "batchSize",
    "of records per invocation (a FIFO queue takes at most 10; above 10 needs a batching window)",
  ),
  consumerBatchingWindowSeconds: consumerSettingKey(
    "batchingWindowSeconds",
    "of seconds to gather records (standard queues only)",
  ),
  consumerMaxConcurrency: consumerSettingKey(
    "maxConcurrency",
    "of concurrent consumer invocations",
  ),
  consumerLagAlarmSeconds: consumerSettingKey(
    "lagAlarmSeconds",
    "of seconds the oldest queued message may wait before the alarm",
  ),
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

export type ProjectKey = keyof typeof PROJECT_KEYS;
export const PROJECT_KEY_NAMES = Object.keys(PROJECT_KEYS) as ProjectKey[];

/** The project keys the program reads (without namespace), for docs and for reading config. */
export const STACK_CONFIG_KEYS: readonly string[] = PROJECT_KEY_NAMES;

export const SERVER_KEY = "polar:server";
export const serverSchema = z.enum(POLAR_SERVERS).default("sandbox");
export const SERVER_ALLOWED = `use "sandbox" or "production"`;
