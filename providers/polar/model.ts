// The resource's data model and its pure rules: input checking (what `pulumi preview` rejects) and
// diffing (what updates in place and what replaces). No I/O here.
import {
  isWebhookEventType,
  suggestEventType,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from "./events";
import {
  detectWebhookFormat,
  normalizeWebhookUrl,
  WEBHOOK_FORMATS,
  webhookUrlProblem,
  type WebhookFormat,
  type WebhookUrlPolicy,
} from "./url";
import type { WebhookEndpointUpdate } from "./client";
import { locationChange, type EndpointLocation } from "./location";
import { processMemo } from "./memo";
import { ownSecretProblem } from "./own-secret";

/** What the engine sends for a value not known until apply (pulumi.runtime.unknownValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** API versions Polar accepts for event payloads (`AvailableAPIVersion`). */
export const POLAR_API_VERSIONS = ["2026-04", "2026-10", "2027-01"] as const;

/** The payload version Polar gives an endpoint created without `api_version`. */
export const POLAR_DEFAULT_API_VERSION = "2026-04";

/** Set by `check` (location.ts, version.ts); never by the program. */
const PROVIDER_SET_INPUTS = ["polarApiUrl", "tokenFingerprint", "providerVersion"] as const;

/** Inputs after `check`: plain values, defaults applied, url normalized, location added. */
export interface WebhookEndpointInputs extends EndpointLocation {
  url: string;
  events: string[];
  format: WebhookFormat;
  name?: string;
  enabled: boolean;
  apiVersion?: string;
  organizationId?: string;
  adoptId?: string;
  secretRotation?: string;
  /** A signing secret of the user's own, sent on create only (own-secret.ts). */
  secret?: string;
  /** Hash of the provider code that checked these inputs (version.ts). */
  providerVersion?: string;
}

/**
 * Outputs: the endpoint as Polar stores it, plus what the provider must remember, including where
 * the endpoint lives (absent in state written before locations were recorded).
 */
export interface WebhookEndpointOutputs extends EndpointLocation {
  /** Normalized by Polar (and by `normalizeWebhookUrl`). */
  url: string;
  events: string[];
  format: WebhookFormat;
  /** Polar cannot clear a name; "" is how "no name" is stored once one was set. */
  name: string | null;
  enabled: boolean;
  /** The API version used for event payloads. */
  apiVersion: string | null;
  organizationId: string;
  /** The signing secret (always a Pulumi secret). */
  secret: string;
  /** The secret before the last rotation, kept so receivers can accept both during a rollover. */
  previousSecret?: string;
  /** When the last rotation took effect (ISO 8601 instant, see rotation.ts); absent before any. */
  secretRotatedAt?: string;
  usesStandardWebhookSignature: boolean;
  createdAt: string;
  modifiedAt: string | null;
  /** Echo of the inputs that are not Polar fields, so `diff` can see them change. */
  adoptId?: string;
  secretRotation?: string;
  /** Whether organizationId was declared (user token) or implied by an organization token. */
  organizationIdDeclared: boolean;
  /** Whether apiVersion was declared: removing it then means "back to Polar's default". */
  apiVersionDeclared?: boolean;
  /** The provider code this state was last written with (version.ts). */
  providerVersion?: string;
  /** Set when `secret` was given at creation: whether Polar signs with it. */
  ownSecretAccepted?: boolean;
}

export type TokenKind = "organization" | "user";

export function tokenKind(token: string): TokenKind {
  return token.startsWith("polar_oat_") ? "organization" : "user";
}

export interface CheckFailure {
  property: string;
  reason: string;
}

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

const isUnknown = (value: unknown): boolean => value === UNKNOWN;

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

/**
 * Validates raw resource inputs the way Polar would, before anything is sent. `token` is undefined
 * when no token is configured (then token-dependent rules are skipped; the caller reports it).
 * `urlPolicy.allowLoopback` only for a local emulator (see `loopbackWebhookUrlsAllowed`).
 * Every rule lives in one zod schema; each failure names the field, the value and what is allowed.
 */
export function checkWebhookEndpointInputs(
  raw: Record<string, unknown>,
  token: TokenKind | undefined,
  urlPolicy: WebhookUrlPolicy = {},
): { inputs: WebhookEndpointInputs; failures: CheckFailure[] } {
  const loopback = urlPolicy.allowLoopback === true;
  const schema = processMemo(
    `input-schema:${token ?? "none"}:${loopback ? "loopback" : "polar"}`,
    () => inputSchema(token, { allowLoopback: loopback }),
  );
  const result = schema.safeParse(raw);
  if (result.success) return { inputs: result.data, failures: [] };
  const failures = result.error.issues.map((issue) => {
    const property = issue.path.reduce<string>(
      (acc, part) =>
        typeof part === "number"
          ? `${acc}[${part}]`
          : acc
            ? `${acc}.${String(part)}`
            : String(part),
      "",
    );
    // Item-level messages ("… is not a Polar event type") are prefixed with their position.
    const reason = property.includes("[") ? `${property} ${issue.message}` : issue.message;
    return { property, reason };
  });
  // The engine keeps the previous inputs when check fails; echo what we got, minimally typed.
  return { inputs: raw as unknown as WebhookEndpointInputs, failures };
}

// zod is required where it is used, and the schema memoized per process (memo.ts): this module runs
// inside the serialized provider (see client.ts).
type Zod = typeof import("zod");

function inputSchema(token: TokenKind | undefined, urlPolicy: WebhookUrlPolicy) {
  const { z } = require("zod") as Zod;
  const got = (field: string, what: string) => (issue: { input: unknown }) =>
    `${field} must be ${what} (got ${describe(issue.input)}).`;
  // Pulumi passes an absent optional input as undefined, a cleared one as null: both mean "not set".
  const optional = <T extends import("zod").ZodType>(schema: T) =>
    z.preprocess((v) => (v === null ? undefined : v), schema.optional());
  const oneOf = (field: string, allowed: readonly string[], what: string, extra = "") =>
    z
      .string({
        error: (issue) =>
          `${field} ${describe(issue.input)} ${what}; use one of ${allowed.join(", ")}${extra}.`,
      })
      .refine((v) => isUnknown(v) || allowed.includes(v), {
        error: (issue) =>
          `${field} ${describe(issue.input)} ${what}; use one of ${allowed.join(", ")}${extra}.`,
      });
  const id = (field: string, what: string) =>
    z
      .string({ error: (issue) => `${field} ${describe(issue.input)} is not ${what}.` })
      .refine((v) => isUnknown(v) || UUID4.test(v), {
        error: (issue) => `${field} ${describe(issue.input)} is not ${what}.`,
      })
      .transform((v) => v.toLowerCase());

  const url = z
    .string({ error: got("url", "the https URL Polar delivers to") })
    .superRefine((value, ctx) => {
      if (isUnknown(value)) return;
      const problem = webhookUrlProblem(value, urlPolicy);
      if (problem) ctx.addIssue({ code: "custom", message: `url ${describe(value)} ${problem}.` });
    })
    .transform((value) => (isUnknown(value) ? value : normalizeWebhookUrl(value)));

  const events = z
    .unknown()
    .superRefine((value, ctx) => {
      if (isUnknown(value)) return;
      if (!Array.isArray(value)) {
        ctx.addIssue({
          code: "custom",
          message: got(
            "events",
            'a list of Polar event types, e.g. ["order.paid"]',
          )({ input: value }),
        });
        return;
      }
      value.forEach((item: unknown, index: number) => {
        if (isUnknown(item) || (typeof item === "string" && isWebhookEventType(item))) return;
        const suggestion = typeof item === "string" ? suggestEventType(item) : undefined;
        const hint = suggestion
          ? `did you mean "${suggestion}"?`
          : `allowed: ${WEBHOOK_EVENT_TYPES.join(", ")}.`;
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `${describe(item)} is not a Polar event type; ${hint}`,
        });
      });
    })
    // Polar keeps duplicates verbatim; they mean nothing, so they are dropped instead of diffed.
    .transform((value) => (isUnknown(value) ? [UNKNOWN] : [...new Set(value as string[])]));

  return z
    .object({
      url,
      events,
      format: optional(
        oneOf(
          "format",
          WEBHOOK_FORMATS,
          "is not supported",
          " (or omit it to detect Slack/Discord from the url)",
        ),
      ),
      name: optional(z.string({ error: got("name", "a string") })),
      enabled: optional(
        z.union([z.boolean(), z.literal(UNKNOWN)], { error: got("enabled", "true or false") }),
      ),
      apiVersion: optional(oneOf("apiVersion", POLAR_API_VERSIONS, "is not a Polar API version")),
      organizationId: optional(id("organizationId", "a Polar organization id (a UUID)")),
      adoptId: optional(
        id(
          "adoptId",
          "a Polar webhook endpoint id (a UUID, shown in the dashboard and by the API)",
        ),
      ),
      secretRotation: optional(
        z.union([z.string(), z.number()], {
          error: got("secretRotation", 'a string or number marker, e.g. "2026-11"'),
        }),
      ),
      // Custom messages only: zod's own would quote the value.
      secret: optional(
        z.unknown().superRefine((value, ctx) => {
          const problem = ownSecretProblem(value);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
      ),
      ...Object.fromEntries(
        PROVIDER_SET_INPUTS.map((field) => [
          field,
          z
            .never({
              error: `${field} is recorded by the provider (${field === "providerVersion" ? "which provider code wrote the state" : "where the endpoint lives, from polar:server, polar:apiUrl and the access token"}) and cannot be set; remove it from the resource's arguments.`,
            })
            .optional(),
        ]),
      ),
    })
    .superRefine((value, ctx) => {
      if (value.organizationId !== undefined && token === "organization") {
        ctx.addIssue({
          code: "custom",
          path: ["organizationId"],
          message:
            "organizationId must be omitted with an organization access token (polar_oat_…): the endpoint always belongs to the token's organization. Remove organizationId, or use a personal access token.",
        });
      } else if (value.organizationId === undefined && token === "user") {
        ctx.addIssue({
          code: "custom",
          path: ["organizationId"],
          message:
            "organizationId is required with a personal/user access token; set it to your Polar organization id, or use an organization access token (polar_oat_…).",
        });
      }
    })
    .transform((value): WebhookEndpointInputs => {
      const inputs: WebhookEndpointInputs = {
        url: value.url,
        events: value.events,
        // The dashboard's rule, applied here because the API requires a format and never infers one.
        format:
          (value.format as WebhookFormat | undefined) ??
          (isUnknown(value.url) ? "raw" : detectWebhookFormat(value.url)),
        enabled: (value.enabled as boolean | undefined) ?? true,
      };
      if (value.name !== undefined) inputs.name = value.name;
      if (value.apiVersion !== undefined) inputs.apiVersion = value.apiVersion;
      if (value.organizationId !== undefined) inputs.organizationId = value.organizationId;
      if (value.adoptId !== undefined) inputs.adoptId = value.adoptId;
      if (value.secretRotation !== undefined) inputs.secretRotation = String(value.secretRotation);
      if (value.secret !== undefined) inputs.secret = value.secret as string;
      return inputs;
    });
}

export type DiffablePropertyName =
  | "url"
  | "events"
  | "format"
  | "name"
  | "enabled"
  | "apiVersion"
  | "organizationId"
  | "adoptId"
  | "secretRotation"
  | "polarApiUrl"
  | "tokenFingerprint"
  | "providerVersion";

export interface WebhookEndpointDiff {
  /** Properties whose change Polar can apply with PATCH. */
  updates: DiffablePropertyName[];
  /** Properties whose change needs a new endpoint (and therefore a new secret). */
  replaces: DiffablePropertyName[];
  rotateSecret: boolean;
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

const nameOf = (value: string | null | undefined) => value ?? "";

/**
 * Compares stored outputs with checked inputs. Only organizationId, taking over a different
 * endpoint and a move to another Polar server replace: every replace mints a new signing secret,
 * so all else is a PATCH. `id` is the resource's endpoint id, when known.
 */
export function diffWebhookEndpoint(
  olds: WebhookEndpointOutputs,
  news: WebhookEndpointInputs,
  id?: string,
): WebhookEndpointDiff {
  const updates: DiffablePropertyName[] = [];
  const replaces: DiffablePropertyName[] = [];

  if (isUnknown(news.url) || olds.url !== news.url) updates.push("url");
  if (news.events.some(isUnknown) || !sameSet(olds.events, news.events)) updates.push("events");
  if (olds.format !== news.format) updates.push("format");
  if (nameOf(olds.name) !== nameOf(news.name)) updates.push("name");
  if (olds.enabled !== news.enabled) updates.push("enabled");
  if (news.apiVersion !== undefined && olds.apiVersion !== news.apiVersion)
    updates.push("apiVersion");
  // Removing a declared version goes back to Polar's default. Never declared (e.g. adopted with its
  // own version, or state from before this was recorded): the endpoint keeps what it has.
  if (
    news.apiVersion === undefined &&
    olds.apiVersionDeclared === true &&
    olds.apiVersion !== POLAR_DEFAULT_API_VERSION
  )
    updates.push("apiVersion");

  if (news.organizationId !== undefined && news.organizationId !== olds.organizationId) {
    replaces.push("organizationId");
  }
  // Adopting is a one-time instruction: dropping adoptId later changes nothing, but pointing it
  // at another endpoint means "manage that one instead". Naming the endpoint this resource already
  // manages (say, its own endpointId output) is only recorded: replacing would adopt the endpoint
  // and then delete it as the replaced resource.
  if (news.adoptId !== undefined && news.adoptId !== olds.adoptId) {
    if (id !== undefined && news.adoptId === id.toLowerCase()) updates.push("adoptId");
    else replaces.push("adoptId");
  }

  // Another server cannot take the endpoint over. (A changed token on the same server is for
  // Polar to judge: see the provider's diff.)
  const location = locationChange(olds, news).kind;
  if (location === "moved") replaces.push("polarApiUrl");
  if (location === "unrecorded") updates.push("polarApiUrl");
  // New provider code: an update that only stores it (no PATCH field), see version.ts.
  if (news.providerVersion !== undefined && news.providerVersion !== olds.providerVersion)
    updates.push("providerVersion");

  const rotateSecret =
    (news.secretRotation ?? null) !== (olds.secretRotation ?? null) &&
    news.secretRotation !== undefined;
  if ((news.secretRotation ?? null) !== (olds.secretRotation ?? null))
    updates.push("secretRotation");

  return { updates, replaces, rotateSecret };
}

/**
 * The declared state as Polar's PATCH body. Polar ignores nulls, so an unset name is sent as "" (the
 * only way to clear one); api_version only when declared, else Polar's default stands.
 */
export function declaredState(news: WebhookEndpointInputs): WebhookEndpointUpdate {
  return {
    url: news.url,
    events: news.events,
    format: news.format,
    name: news.name ?? "",
    enabled: news.enabled,
    ...(news.apiVersion !== undefined ? { api_version: news.apiVersion } : {}),
  };
}

const PATCH_FIELD: Partial<Record<DiffablePropertyName, keyof WebhookEndpointUpdate>> = {
  url: "url",
  events: "events",
  format: "format",
  name: "name",
  enabled: "enabled",
  apiVersion: "api_version",
};

/** The PATCH body for an in-place update: only the changed fields. */
export function updateBody(
  diff: WebhookEndpointDiff,
  news: WebhookEndpointInputs,
): WebhookEndpointUpdate {
  const declared: WebhookEndpointUpdate = {
    api_version: POLAR_DEFAULT_API_VERSION,
    ...declaredState(news),
  };
  const body: Record<string, unknown> = {};
  for (const property of diff.updates) {
    const field = PATCH_FIELD[property];
    if (field !== undefined) body[field] = declared[field];
  }
  return body as WebhookEndpointUpdate;
}

export type { WebhookEventType };
