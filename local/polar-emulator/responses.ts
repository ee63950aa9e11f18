/**
 * Responses in Polar's exact shapes (polar-api.md §4 "Errors, auth failures and rate limits").
 */

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Serialized body; undefined means an empty body (204, 429). */
  readonly body?: string;
}

/** One FastAPI/pydantic error item: `{type, loc, msg, input, ctx?}`, never `url`. */
export interface ValidationErrorItem {
  readonly type: string;
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly input: unknown;
  readonly ctx?: Readonly<Record<string, unknown>>;
}

const REALM = 'Bearer realm="polar"';
const INVALID_TOKEN_DESCRIPTION =
  "The access token provided is expired, revoked, malformed, or invalid for other reasons.";
const INSUFFICIENT_SCOPE_DESCRIPTION =
  "The request requires higher privileges than provided by the access token.";

/** Starlette's `JSONResponse`: compact separators, `application/json`. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ApiResponse {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

export function noContent(): ApiResponse {
  return { status: 204, headers: {} };
}

/** Starlette's own 404 (unknown route) and the `Polar-Version` middleware's answer. */
export function routeNotFound(): ApiResponse {
  return json(404, { detail: "Not Found" });
}

export function methodNotAllowed(allowed: readonly string[]): ApiResponse {
  return json(405, { detail: "Method Not Allowed" }, { allow: allowed.join(", ") });
}

/** FastAPI's `redirect_slashes`: `/v1/webhooks/endpoints/` → the route without the slash. */
export function redirectWithoutSlash(location: string): ApiResponse {
  return { status: 307, headers: { location } };
}

/** `ResourceNotFound`, Polar's `PolarError` subclass for ids that are absent or not visible. */
export function resourceNotFound(): ApiResponse {
  return json(404, { error: "ResourceNotFound", detail: "Not found" });
}

/** FastAPI body/query/path validation, with the extra `error` key Polar's handler adds. */
export function requestValidationError(detail: readonly ValidationErrorItem[]): ApiResponse {
  return json(422, { error: "RequestValidationError", detail });
}

/** Validation raised by service code (organization rules, the enable re-check). */
export function polarRequestValidationError(detail: readonly ValidationErrorItem[]): ApiResponse {
  return json(422, { error: "PolarRequestValidationError", detail });
}

/** Anonymous caller on an authenticated route. */
export function unauthorized(): ApiResponse {
  return json(
    401,
    { error: "Unauthorized", detail: "Unauthorized" },
    { "www-authenticate": REALM },
  );
}

/** A Bearer token that resolves to nothing (authlib `InvalidTokenError`, RFC 6750). */
export function invalidToken(): ApiResponse {
  return json(
    401,
    { error: "invalid_token", error_description: INVALID_TOKEN_DESCRIPTION },
    {
      "www-authenticate": `${REALM}, error="invalid_token", error_description="${INVALID_TOKEN_DESCRIPTION}"`,
    },
  );
}

export function insufficientScope(requiredScopes: readonly string[]): ApiResponse {
  return json(
    403,
    { error: "insufficient_scope", error_description: INSUFFICIENT_SCOPE_DESCRIPTION },
    {
      "www-authenticate":
        `${REALM}, scope="${requiredScopes.join(" ")}", error="insufficient_scope", ` +
        `error_description="${INSUFFICIENT_SCOPE_DESCRIPTION}"`,
    },
  );
}

/** asgi-ratelimit's `default_429`: empty body and `retry-after` in seconds. */
export function rateLimited(retryAfterSeconds: number): ApiResponse {
  return { status: 429, headers: { "retry-after": String(retryAfterSeconds) } };
}

const SERVER_ERROR_TEXT: Readonly<Record<number, string>> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** A 5xx as a proxy in front of the API would send it: plain text, not Polar JSON. */
export function serverError(status: number): ApiResponse {
  return {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: `${status} ${SERVER_ERROR_TEXT[status] ?? "Server Error"}`,
  };
}
