/**
 * Query validation of the list routes (polar-api.md §1 "List endpoints", "List deliveries"), with
 * FastAPI/pydantic v2 error items: scalar parameters keep their last occurrence, repeatable ones
 * take one value or several, and pagination is clamped silently.
 */
import { HTTP_CODE_CLASSES, type HttpCodeClass, type WebhookEventType } from "./events";
import {
  boolField,
  eventTypeItem,
  expectedList,
  Issues,
  type Loc,
  uuid4Field,
  type Validated,
} from "./validation";

const HTTP_CODE_CLASS_EXPECTED = expectedList(HTTP_CODE_CLASSES);

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
