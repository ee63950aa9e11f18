/**
 * Request validation with FastAPI/pydantic v2 error items (polar-api.md §2 and §4).
 *
 * Mirrors `WebhookEndpointCreate` / `WebhookEndpointUpdate` and the list query parameters:
 * errors come in field order, `loc` is prefixed with "body"/"query"/"path", unknown fields are
 * ignored (the schemas don't forbid extras), and JSON input is validated in pydantic's lax mode.
 */
import {
  API_VERSIONS,
  type ApiVersion,
  HTTP_CODE_CLASSES,
  type HttpCodeClass,
  isApiVersion,
  isWebhookEventType,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_FORMATS,
  type WebhookEventType,
  type WebhookFormat,
} from "./events";
import type { ValidationErrorItem } from "./responses";
import { type UrlPolicy, validateWebhookUrl } from "./url";
import { validateUuid4 } from "./uuid";

type Loc = readonly (string | number)[];

/** Items in `detail` order; a field that failed yields `undefined` and at least one item. */
class Issues {
  readonly items: ValidationErrorItem[] = [];

  add(
    loc: Loc,
    problem: { type: string; msg: string; ctx?: Readonly<Record<string, unknown>> },
    input: unknown,
  ): undefined {
    this.items.push({
      type: problem.type,
      loc: [...loc],
      msg: problem.msg,
      input,
      ...(problem.ctx === undefined ? {} : { ctx: problem.ctx }),
    });
    return undefined;
  }
}

export type Validated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: ValidationErrorItem[] };

export interface EndpointCreateInput {
  readonly url: string;
  readonly name: string | null;
  readonly apiVersion: ApiVersion;
  readonly format: WebhookFormat;
  readonly events: WebhookEventType[];
  readonly organizationId: string | null;
  readonly secret: string | null;
}

/** Only the fields to apply: nulls are already dropped (`exclude_none=True`). */
export interface EndpointUpdateInput {
  readonly url?: string;
  readonly name?: string;
  readonly apiVersion?: ApiVersion;
  readonly format?: WebhookFormat;
  readonly events?: WebhookEventType[];
  readonly enabled?: boolean;
  readonly secret?: string;
}

/** The deprecated client-supplied `secret` (`min_length=32`). */
const SECRET_MIN_LENGTH = 32;

/** `Polar-Version` / `api_version` literal values, as pydantic lists them in messages. */
const API_VERSION_EXPECTED = expectedList(API_VERSIONS);
const FORMAT_EXPECTED = expectedList(WEBHOOK_FORMATS);
const EVENT_TYPE_EXPECTED = expectedList(WEBHOOK_EVENT_TYPES);
const HTTP_CODE_CLASS_EXPECTED = expectedList(HTTP_CODE_CLASSES);

/** Path `{id}` typed `UUID4`. */
export function validatePathId(value: string, issues: ValidationErrorItem[]): string | undefined {
  const collector = new Issues();
  const id = uuid4Field(value, ["path", "id"], collector);
  issues.push(...collector.items);
  return id;
}

/** A required body that is absent, or present but not a JSON object. */
function bodyObject(body: unknown, issues: Issues): Record<string, unknown> | undefined {
  if (body === undefined) {
    return issues.add(["body"], { type: "missing", msg: "Field required" }, null);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return issues.add(
      ["body"],
      {
        type: "model_attributes_type",
        msg: "Input should be a valid dictionary or object to extract fields from",
      },
      body,
    );
  }
  return body as Record<string, unknown>;
}

export function validateEndpointCreate(
  body: unknown,
  policy: UrlPolicy,
  pathIssues: readonly ValidationErrorItem[] = [],
): Validated<EndpointCreateInput> {
  const issues = new Issues();
  issues.items.push(...pathIssues);
  const fields = bodyObject(body, issues);
  if (fields === undefined) {
    return { ok: false, errors: issues.items };
  }
  const missing = (name: string): undefined =>
    issues.add(["body", name], { type: "missing", msg: "Field required" }, fields);
  const url = "url" in fields ? urlField(fields.url, policy, issues) : missing("url");
  const name = nullable(fields.name, (value) => stringField(value, ["body", "name"], issues));
  const apiVersion =
    "api_version" in fields ? apiVersionField(fields.api_version, issues) : API_VERSIONS[0];
  const format = "format" in fields ? formatField(fields.format, issues) : missing("format");
  const events = "events" in fields ? eventsField(fields.events, issues) : missing("events");
  const organizationId = nullable(fields.organization_id, (value) =>
    uuid4Field(value, ["body", "organization_id"], issues),
  );
  const secret = nullable(fields.secret, (value) => secretField(value, issues));
  if (
    issues.items.length > 0 ||
    url === undefined ||
    apiVersion === undefined ||
    format === undefined ||
    events === undefined
  ) {
    return { ok: false, errors: issues.items };
  }
  return {
    ok: true,
    value: {
      url,
      name: name ?? null,
      apiVersion,
      format,
      events,
      organizationId: organizationId ?? null,
      secret: secret ?? null,
    },
  };
}

export function validateEndpointUpdate(
  body: unknown,
  policy: UrlPolicy,
  pathIssues: readonly ValidationErrorItem[] = [],
): Validated<EndpointUpdateInput> {
  const issues = new Issues();
  issues.items.push(...pathIssues);
  const fields = bodyObject(body, issues);
  if (fields === undefined) {
    return { ok: false, errors: issues.items };
  }
  const url = nullable(fields.url, (value) => urlField(value, policy, issues));
  const name = nullable(fields.name, (value) => stringField(value, ["body", "name"], issues));
  const apiVersion = nullable(fields.api_version, (value) => apiVersionField(value, issues));
  const format = nullable(fields.format, (value) => formatField(value, issues));
  const events = nullable(fields.events, (value) => eventsField(value, issues));
  const enabled = nullable(fields.enabled, (value) =>
    boolField(value, ["body", "enabled"], issues),
  );
  const secret = nullable(fields.secret, (value) => secretField(value, issues));
  if (issues.items.length > 0) {
    return { ok: false, errors: issues.items };
  }
  return {
    ok: true,
    value: {
      ...(url === undefined ? {} : { url }),
      ...(name === undefined ? {} : { name }),
      ...(apiVersion === undefined ? {} : { apiVersion }),
      ...(format === undefined ? {} : { format }),
      ...(events === undefined ? {} : { events }),
      ...(enabled === undefined ? {} : { enabled }),
      ...(secret === undefined ? {} : { secret }),
    },
  };
}

export interface Pagination {
  readonly page: number;
  readonly limit: number;
}

/** `API_PAGINATION_MAX_LIMIT`: larger limits are clamped silently, never rejected. */
export const MAX_PAGE_LIMIT = 100;
const DEFAULT_PAGE_LIMIT = 10;

export interface ListEndpointsQuery extends Pagination {
  readonly organizationIds?: string[];
}

export function validateListEndpointsQuery(query: URLSearchParams): Validated<ListEndpointsQuery> {
  const issues = new Issues();
  const organizationIds = uuid4ListQuery(query, "organization_id", issues);
  const pagination = paginationQuery(query, issues);
  if (issues.items.length > 0 || pagination === undefined) {
    return { ok: false, errors: issues.items };
  }
  return { ok: true, value: { ...pagination, ...(organizationIds ? { organizationIds } : {}) } };
}

export interface ListDeliveriesQuery extends Pagination {
  readonly endpointIds?: string[];
  readonly startMicros?: number;
  readonly endMicros?: number;
  readonly succeeded?: boolean;
  readonly query?: string;
  readonly httpCodeClass?: HttpCodeClass;
  readonly eventTypes?: WebhookEventType[];
}

export function validateListDeliveriesQuery(
  query: URLSearchParams,
): Validated<ListDeliveriesQuery> {
  const issues = new Issues();
  const endpointIds = uuid4ListQuery(query, "endpoint_id", issues);
  const startMicros = optionalQuery(query, "start_timestamp", (value, loc) =>
    datetimeField(value, loc, issues),
  );
  const endMicros = optionalQuery(query, "end_timestamp", (value, loc) =>
    datetimeField(value, loc, issues),
  );
  const succeeded = optionalQuery(query, "succeeded", (value, loc) =>
    boolField(value, loc, issues),
  );
  const text = query.getAll("query").at(-1);
  const httpCodeClass = optionalQuery(query, "http_code_class", (value, loc) =>
    (HTTP_CODE_CLASSES as readonly string[]).includes(value)
      ? (value as HttpCodeClass)
      : issues.add(
          loc,
          {
            type: "literal_error",
            msg: `Input should be ${HTTP_CODE_CLASS_EXPECTED}`,
            ctx: { expected: HTTP_CODE_CLASS_EXPECTED },
          },
          value,
        ),
  );
  const eventTypeValues = query.getAll("event_type");
  const eventTypes = eventTypeValues.map((value, index) =>
    eventTypeItem(value, queryItemLoc("event_type", index, eventTypeValues.length), issues),
  );
  const pagination = paginationQuery(query, issues);
  if (issues.items.length > 0 || pagination === undefined) {
    return { ok: false, errors: issues.items };
  }
  return {
    ok: true,
    value: {
      ...pagination,
      ...(endpointIds ? { endpointIds } : {}),
      ...(startMicros === undefined ? {} : { startMicros }),
      ...(endMicros === undefined ? {} : { endMicros }),
      ...(succeeded === undefined ? {} : { succeeded }),
      ...(text === undefined ? {} : { query: text }),
      ...(httpCodeClass === undefined ? {} : { httpCodeClass }),
      ...(eventTypeValues.length > 0 ? { eventTypes: eventTypes as WebhookEventType[] } : {}),
    },
  };
}

/** `page: int > 0 = 1`, `limit: int > 0 = 10`, then `min(limit, 100)`. */
function paginationQuery(query: URLSearchParams, issues: Issues): Pagination | undefined {
  const before = issues.items.length;
  const page = optionalQuery(query, "page", (value, loc) => positiveInt(value, loc, issues)) ?? 1;
  const limit =
    optionalQuery(query, "limit", (value, loc) => positiveInt(value, loc, issues)) ??
    DEFAULT_PAGE_LIMIT;
  if (issues.items.length > before) {
    return undefined;
  }
  return { page, limit: Math.min(limit, MAX_PAGE_LIMIT) };
}

/** Scalar query parameters: Starlette keeps the last occurrence. */
function optionalQuery<T>(
  query: URLSearchParams,
  name: string,
  validate: (value: string, loc: Loc) => T | undefined,
): T | undefined {
  const value = query.getAll(name).at(-1);
  return value === undefined ? undefined : validate(value, ["query", name]);
}

/** A repeatable UUID4 filter (`MultipleQueryFilter`): one value or several. */
function uuid4ListQuery(
  query: URLSearchParams,
  name: string,
  issues: Issues,
): string[] | undefined {
  const values = query.getAll(name);
  if (values.length === 0) {
    return undefined;
  }
  const ids = values.map((value, index) =>
    uuid4Field(value, queryItemLoc(name, index, values.length), issues),
  );
  return ids.every((id) => id !== undefined) ? (ids as string[]) : undefined;
}

function queryItemLoc(name: string, index: number, count: number): Loc {
  return count === 1 ? ["query", name] : ["query", name, index];
}

function positiveInt(value: string, loc: Loc, issues: Issues): number | undefined {
  // pydantic's str→int in lax mode: surrounding whitespace, a sign, and a zero fraction are fine.
  const match = /^\s*([+-]?\d+)(?:\.0*)?\s*$/.exec(value);
  if (match?.[1] === undefined) {
    return issues.add(
      loc,
      {
        type: "int_parsing",
        msg: "Input should be a valid integer, unable to parse string as an integer",
      },
      value,
    );
  }
  const parsed = Number(match[1]);
  if (parsed <= 0) {
    return issues.add(
      loc,
      { type: "greater_than", msg: "Input should be greater than 0", ctx: { gt: 0 } },
      value,
    );
  }
  return parsed;
}

function urlField(value: unknown, policy: UrlPolicy, issues: Issues): string | undefined {
  const result = validateWebhookUrl(value, policy);
  return result.ok ? result.url : issues.add(["body", "url"], result.problem, result.input);
}

function stringField(value: unknown, loc: Loc, issues: Issues): string | undefined {
  if (typeof value !== "string") {
    return issues.add(loc, { type: "string_type", msg: "Input should be a valid string" }, value);
  }
  if (value.includes("\u0000")) {
    // Polar's schemas refuse NUL: PostgreSQL `text` cannot store it.
    const error = "Input must not contain a NUL character (\\u0000).";
    return issues.add(
      loc,
      { type: "value_error", msg: `Value error, ${error}`, ctx: { error } },
      value,
    );
  }
  return value;
}

function secretField(value: unknown, issues: Issues): string | undefined {
  const secret = stringField(value, ["body", "secret"], issues);
  if (secret !== undefined && [...secret].length < SECRET_MIN_LENGTH) {
    return issues.add(
      ["body", "secret"],
      {
        type: "string_too_short",
        msg: `String should have at least ${SECRET_MIN_LENGTH} characters`,
        ctx: { min_length: SECRET_MIN_LENGTH },
      },
      value,
    );
  }
  return secret;
}

function apiVersionField(value: unknown, issues: Issues): ApiVersion | undefined {
  if (isApiVersion(value)) {
    return value;
  }
  return issues.add(
    ["body", "api_version"],
    {
      type: "literal_error",
      msg: `Input should be ${API_VERSION_EXPECTED}`,
      ctx: { expected: API_VERSION_EXPECTED },
    },
    value,
  );
}

function formatField(value: unknown, issues: Issues): WebhookFormat | undefined {
  if ((WEBHOOK_FORMATS as readonly unknown[]).includes(value)) {
    return value as WebhookFormat;
  }
  return issues.add(
    ["body", "format"],
    { type: "enum", msg: `Input should be ${FORMAT_EXPECTED}`, ctx: { expected: FORMAT_EXPECTED } },
    value,
  );
}

/** A list of event types; order and duplicates are kept, as Polar stores them (JSONB). */
function eventsField(value: unknown, issues: Issues): WebhookEventType[] | undefined {
  if (!Array.isArray(value)) {
    return issues.add(
      ["body", "events"],
      { type: "list_type", msg: "Input should be a valid list" },
      value,
    );
  }
  const before = issues.items.length;
  const events = value.map((item: unknown, index) =>
    eventTypeItem(item, ["body", "events", index], issues),
  );
  return issues.items.length > before ? undefined : (events as WebhookEventType[]);
}

function eventTypeItem(value: unknown, loc: Loc, issues: Issues): WebhookEventType | undefined {
  if (isWebhookEventType(value)) {
    return value;
  }
  return issues.add(
    loc,
    {
      type: "enum",
      msg: `Input should be ${EVENT_TYPE_EXPECTED}`,
      ctx: { expected: EVENT_TYPE_EXPECTED },
    },
    value,
  );
}

function uuid4Field(value: unknown, loc: Loc, issues: Issues): string | undefined {
  const result = validateUuid4(value);
  return result.ok ? result.uuid : issues.add(loc, result.problem, value);
}

const TRUE_STRINGS: ReadonlySet<string> = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE_STRINGS: ReadonlySet<string> = new Set(["0", "off", "f", "false", "n", "no"]);

/** pydantic's lax bool: JSON booleans, 0/1, and the usual yes/no strings. */
function boolField(value: unknown, loc: Loc, issues: Issues): boolean | undefined {
  if (typeof value === "boolean") {
    return value;
  }
  if (typeof value === "string") {
    const lowered = value.trim().toLowerCase();
    if (TRUE_STRINGS.has(lowered)) return true;
    if (FALSE_STRINGS.has(lowered)) return false;
  }
  if (value === 0 || value === 1) {
    return value === 1;
  }
  const parsingFailure = typeof value === "string" || typeof value === "number";
  return issues.add(
    loc,
    parsingFailure
      ? { type: "bool_parsing", msg: "Input should be a valid boolean, unable to interpret input" }
      : { type: "bool_type", msg: "Input should be a valid boolean" },
    value,
  );
}

/**
 * A timezone-aware datetime (RFC 3339 or Unix seconds), as microseconds since the epoch.
 * Naive values are refused like pydantic's `AwareDatetime` does.
 */
function datetimeField(value: string, loc: Loc, issues: Issues): number | undefined {
  if (/^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
    return Math.round(Number(value) * 1_000_000);
  }
  const match =
    /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.(\d{1,6}))?)?)(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      value.trim(),
    );
  if (match === null) {
    return issues.add(
      loc,
      {
        type: "datetime_parsing",
        msg: "Input should be a valid datetime, invalid datetime format",
      },
      value,
    );
  }
  if (match[4] === undefined) {
    return issues.add(
      loc,
      { type: "timezone_aware", msg: "Input should have timezone info" },
      value,
    );
  }
  const millis = Date.parse(value.trim().replace(" ", "T"));
  if (Number.isNaN(millis)) {
    return issues.add(
      loc,
      {
        type: "datetime_parsing",
        msg: "Input should be a valid datetime, invalid datetime format",
      },
      value,
    );
  }
  const extraMicros = Number((match[3] ?? "").padEnd(6, "0").slice(3));
  return millis * 1000 + extraMicros;
}

/** Present-and-not-null, validated; absent or null gives undefined without an error. */
function nullable<T>(value: unknown, validate: (value: unknown) => T | undefined): T | undefined {
  return value === undefined || value === null ? undefined : validate(value);
}

/** pydantic's list of choices in messages: `'a', 'b' or 'c'`. */
function expectedList(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  return quoted.length <= 1
    ? (quoted[0] ?? "")
    : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1) ?? ""}`;
}
