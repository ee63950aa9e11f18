// Diffing: what updates in place (PATCH) and what replaces.
import type { WebhookEndpointUpdate } from "./client";
import { locationChange } from "./location";
import {
  isUnknown,
  POLAR_DEFAULT_API_VERSION,
  type WebhookEndpointInputs,
  type WebhookEndpointOutputs,
} from "./model";
import { markedName } from "./owner";

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
  | "providerVersion"
  | "owner";

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

  // The endpoint's name in Polar must name this resource (owner.ts): recorded for the first time,
  // renamed, or changed in Polar (a dashboard edit, another resource's adoption).
  if (news.owner !== undefined && (news.owner !== olds.owner || news.owner !== olds.markedOwner))
    updates.push("owner");

  const rotateSecret =
    (news.secretRotation ?? null) !== (olds.secretRotation ?? null) &&
    news.secretRotation !== undefined;
  if ((news.secretRotation ?? null) !== (olds.secretRotation ?? null))
    updates.push("secretRotation");

  return { updates, replaces, rotateSecret };
}

/**
 * The declared state as Polar's PATCH body. Polar ignores nulls, so an unset name is sent as "" (the
 * only way to clear one), or as the owner marker alone; api_version only when declared, else
 * Polar's default stands.
 */
export function declaredState(news: WebhookEndpointInputs): WebhookEndpointUpdate {
  return {
    url: news.url,
    events: news.events,
    format: news.format,
    name: markedName(news.name, news.owner, "owned"),
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
  owner: "name",
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
