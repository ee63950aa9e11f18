// The resource's data model and its pure rules: input checking (what `pulumi preview` rejects) and
// diffing (what updates in place and what replaces). No I/O here.
import { isWebhookEventType, suggestEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./events";
import {
  detectWebhookFormat,
  normalizeWebhookUrl,
  WEBHOOK_FORMATS,
  webhookUrlProblem,
  type WebhookFormat,
} from "./url";

/** What the engine sends for a value not known until apply (pulumi.runtime.unknownValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** API versions Polar accepts for event payloads (`AvailableAPIVersion`). */
export const POLAR_API_VERSIONS = ["2026-04", "2026-10", "2027-01"] as const;

/** Inputs after `check`: plain values, defaults applied, url normalized. */
export interface WebhookEndpointInputs {
  url: string;
  events: string[];
  format: WebhookFormat;
  name?: string;
  enabled: boolean;
  apiVersion?: string;
  organizationId?: string;
  adoptId?: string;
  secretRotation?: string;
}

/** Outputs: the endpoint as Polar stores it, plus what the provider must remember. */
export interface WebhookEndpointOutputs {
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
  usesStandardWebhookSignature: boolean;
  createdAt: string;
  modifiedAt: string | null;
  /** Echo of the inputs that are not Polar fields, so `diff` can see them change. */
  adoptId?: string;
  secretRotation?: string;
  /** Whether organizationId was declared (user token) or implied by an organization token. */
  organizationIdDeclared: boolean;
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
 */
export function checkWebhookEndpointInputs(
  raw: Record<string, unknown>,
  token: TokenKind | undefined,
): { inputs: WebhookEndpointInputs; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });

  let url = raw.url;
  if (typeof url !== "string") {
    fail("url", `url is required: the https URL Polar delivers to (got ${describe(url)}).`);
    url = "";
  } else if (!isUnknown(url)) {
    const problem = webhookUrlProblem(url);
    if (problem) fail("url", `url ${describe(url)} ${problem}.`);
    else url = normalizeWebhookUrl(url);
  }

  let events: string[] = [];
  if (isUnknown(raw.events)) {
    events = [UNKNOWN];
  } else if (!Array.isArray(raw.events)) {
    fail("events", `events must be a list of Polar event types, e.g. ["order.paid"] (got ${describe(raw.events)}).`);
  } else {
    raw.events.forEach((event: unknown, index: number) => {
      if (isUnknown(event)) return;
      if (typeof event !== "string" || !isWebhookEventType(event)) {
        const suggestion = typeof event === "string" ? suggestEventType(event) : undefined;
        const hint = suggestion
          ? `did you mean "${suggestion}"?`
          : `allowed: ${WEBHOOK_EVENT_TYPES.join(", ")}.`;
        fail(`events[${index}]`, `events[${index}] ${describe(event)} is not a Polar event type; ${hint}`);
      }
    });
    // Polar keeps duplicates verbatim; they mean nothing, so drop them instead of diffing on them.
    events = [...new Set(raw.events as string[])];
  }

  let format: WebhookFormat;
  if (raw.format === undefined || raw.format === null) {
    format = typeof url === "string" && !isUnknown(url) ? detectWebhookFormat(url) : "raw";
  } else if (isUnknown(raw.format)) {
    format = raw.format as WebhookFormat;
  } else if (typeof raw.format === "string" && (WEBHOOK_FORMATS as readonly string[]).includes(raw.format)) {
    format = raw.format as WebhookFormat;
  } else {
    fail("format", `format ${describe(raw.format)} is not supported; use one of ${WEBHOOK_FORMATS.join(", ")} (or omit it to detect Slack/Discord from the url).`);
    format = "raw";
  }

  const inputs: WebhookEndpointInputs = {
    url: url as string,
    events,
    format,
    enabled: true,
  };

  if (raw.name !== undefined && raw.name !== null) {
    if (typeof raw.name !== "string") fail("name", `name must be a string (got ${describe(raw.name)}).`);
    else inputs.name = raw.name;
  }

  if (raw.enabled !== undefined && raw.enabled !== null) {
    if (typeof raw.enabled !== "boolean" && !isUnknown(raw.enabled)) {
      fail("enabled", `enabled must be true or false (got ${describe(raw.enabled)}).`);
    } else {
      inputs.enabled = raw.enabled as boolean;
    }
  }

  if (raw.apiVersion !== undefined && raw.apiVersion !== null) {
    const value = raw.apiVersion;
    if (typeof value !== "string" || (!isUnknown(value) && !(POLAR_API_VERSIONS as readonly string[]).includes(value))) {
      fail("apiVersion", `apiVersion ${describe(value)} is not a Polar API version; use one of ${POLAR_API_VERSIONS.join(", ")}.`);
    } else {
      inputs.apiVersion = value;
    }
  }

  if (raw.organizationId !== undefined && raw.organizationId !== null) {
    const value = raw.organizationId;
    if (typeof value !== "string" || (!isUnknown(value) && !UUID4.test(value))) {
      fail("organizationId", `organizationId ${describe(value)} is not a Polar organization id (a UUID).`);
    } else if (token === "organization") {
      fail("organizationId", "organizationId must be omitted with an organization access token (polar_oat_…): the endpoint always belongs to the token's organization. Remove organizationId, or use a personal access token.");
    } else {
      inputs.organizationId = value.toLowerCase();
    }
  } else if (token === "user") {
    fail("organizationId", "organizationId is required with a personal/user access token; set it to your Polar organization id, or use an organization access token (polar_oat_…).");
  }

  if (raw.adoptId !== undefined && raw.adoptId !== null) {
    const value = raw.adoptId;
    if (typeof value !== "string" || (!isUnknown(value) && !UUID4.test(value))) {
      fail("adoptId", `adoptId ${describe(value)} is not a Polar webhook endpoint id (a UUID, shown in the dashboard and by the API).`);
    } else {
      inputs.adoptId = value.toLowerCase();
    }
  }

  if (raw.secretRotation !== undefined && raw.secretRotation !== null) {
    const value = raw.secretRotation;
    if (typeof value !== "string" && typeof value !== "number") {
      fail("secretRotation", `secretRotation must be a string or number marker, e.g. "2026-11" (got ${describe(value)}).`);
    } else {
      inputs.secretRotation = String(value);
    }
  }

  return { inputs, failures };
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
  | "secretRotation";

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
 * Compares stored outputs with checked inputs. Only organizationId (and taking over a different
 * endpoint) replaces: every replace mints a new signing secret, so all else is a PATCH.
 */
export function diffWebhookEndpoint(
  olds: WebhookEndpointOutputs,
  news: WebhookEndpointInputs,
): WebhookEndpointDiff {
  const updates: DiffablePropertyName[] = [];
  const replaces: DiffablePropertyName[] = [];

  if (isUnknown(news.url) || olds.url !== news.url) updates.push("url");
  if (news.events.some(isUnknown) || !sameSet(olds.events, news.events)) updates.push("events");
  if (olds.format !== news.format) updates.push("format");
  if (nameOf(olds.name) !== nameOf(news.name)) updates.push("name");
  if (olds.enabled !== news.enabled) updates.push("enabled");
  if (news.apiVersion !== undefined && olds.apiVersion !== news.apiVersion) updates.push("apiVersion");

  if (news.organizationId !== undefined && news.organizationId !== olds.organizationId) {
    replaces.push("organizationId");
  }
  // Adopting is a one-time instruction: dropping adoptId later changes nothing, but pointing it
  // at another endpoint means "manage that one instead".
  if (news.adoptId !== undefined && news.adoptId !== olds.adoptId) replaces.push("adoptId");

  const rotateSecret = (news.secretRotation ?? null) !== (olds.secretRotation ?? null) && news.secretRotation !== undefined;
  if ((news.secretRotation ?? null) !== (olds.secretRotation ?? null)) updates.push("secretRotation");

  return { updates, replaces, rotateSecret };
}

/** The PATCH body for an in-place update: only changed fields (Polar ignores nulls). */
export function updateBody(
  diff: WebhookEndpointDiff,
  news: WebhookEndpointInputs,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const property of diff.updates) {
    switch (property) {
      case "url":
        body.url = news.url;
        break;
      case "events":
        body.events = news.events;
        break;
      case "format":
        body.format = news.format;
        break;
      case "name":
        body.name = news.name ?? "";
        break;
      case "enabled":
        body.enabled = news.enabled;
        break;
      case "apiVersion":
        body.api_version = news.apiVersion;
        break;
      default:
        break;
    }
  }
  return body;
}

export type { WebhookEventType };
