/**
 * Request validation with FastAPI/pydantic v2 error items (polar-api.md §2 and §4).
 *
 * Mirrors `WebhookEndpointCreate` / `WebhookEndpointUpdate` and the path id, and holds the field
 * validators the list queries share (`query-validation.ts`): errors come in field order, `loc` is prefixed with "body"/"query"/"path", unknown fields are
 * ignored (the schemas don't forbid extras), and JSON input is validated in pydantic's lax mode.
 */
import {
  API_VERSIONS,
  type ApiVersion,
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

export type Loc = readonly (string | number)[];

/** Items in `detail` order; a field that failed yields `undefined` and at least one item. */
export class Issues {
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

export function eventTypeItem(
  value: unknown,
  loc: Loc,
  issues: Issues,
): WebhookEventType | undefined {
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

export function uuid4Field(value: unknown, loc: Loc, issues: Issues): string | undefined {
  const result = validateUuid4(value);
  return result.ok ? result.uuid : issues.add(loc, result.problem, value);
}

const TRUE_STRINGS: ReadonlySet<string> = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE_STRINGS: ReadonlySet<string> = new Set(["0", "off", "f", "false", "n", "no"]);

/** pydantic's lax bool: JSON booleans, 0/1, and the usual yes/no strings. */
export function boolField(value: unknown, loc: Loc, issues: Issues): boolean | undefined {
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

/** Present-and-not-null, validated; absent or null gives undefined without an error. */
function nullable<T>(value: unknown, validate: (value: unknown) => T | undefined): T | undefined {
  return value === undefined || value === null ? undefined : validate(value);
}

/** pydantic's list of choices in messages: `'a', 'b' or 'c'`. */
export function expectedList(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  return quoted.length <= 1
    ? (quoted[0] ?? "")
    : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1) ?? ""}`;
}
