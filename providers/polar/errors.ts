/**
 * An HTTP error answer from Polar. The message names the operation, the status and Polar's own
 * words; it never includes the access token or request headers.
 */
export class PolarApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** Polar's `error` field, e.g. "ResourceNotFound", "RequestValidationError", "invalid_token". */
    readonly error: string | undefined,
    /** Polar's `detail` (a string, or FastAPI-style validation items for 422). */
    readonly detail: unknown,
    /** For 422s: the first offending field, e.g. "url" or "organization_id". */
    readonly field: string | undefined,
    /** Seconds, from `Retry-After`, when Polar rate-limited the request. */
    readonly retryAfterSeconds?: number,
  ) {
    const message = `Polar API ${method} ${path} failed: ${status}${summarize(error, detail, status)}`;
    super(message);
    // Pulumi serializes the provider by rebuilding classes as plain functions: field initializers
    // are dropped and `super(message)` becomes `Error.call(this, message)`, which sets nothing. So
    // name and message are assigned explicitly, or the engine would report an empty error.
    this.message = message;
    this.name = "PolarApiError";
  }
}

/**
 * No HTTP answer: connection refused/reset, timeout. For a request that changes state the outcome
 * is unknown (Polar may have committed it), which is why callers get a distinct type.
 */
export class PolarConnectionError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    const message = `Polar API ${method} ${path} got no answer (${code ?? "connection error"})`;
    super(message, options);
    this.message = message; // see PolarApiError
    this.name = "PolarConnectionError";
  }
}

/** A 2xx answer whose body does not match Polar's documented schema. */
export class PolarResponseError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly problem: string,
  ) {
    const message = `Polar API ${method} ${path} returned an unexpected body: ${problem}`;
    super(message);
    this.message = message; // see PolarApiError
    this.name = "PolarResponseError";
  }
}

const STATUS_HINTS: Record<number, string> = {
  401: "the access token is missing, expired or revoked; create a new one in Polar (Settings → Developers) and set polar:accessToken",
  403: "the access token lacks the webhooks:write scope (webhooks:read is enough for reads)",
  429: "rate limited by Polar; retried until the time budget ran out",
};

function summarize(error: string | undefined, detail: unknown, status: number): string {
  const parts: string[] = [];
  if (error) parts.push(error);
  if (typeof detail === "string") parts.push(detail);
  else if (Array.isArray(detail)) {
    for (const item of detail.slice(0, 3)) {
      if (item && typeof item === "object") {
        const { loc, msg } = item as { loc?: unknown[]; msg?: string };
        const where = Array.isArray(loc) ? loc.filter((p) => p !== "body").join(".") : "";
        parts.push(where ? `${where}: ${msg ?? ""}` : String(msg ?? ""));
      }
    }
  }
  const hint = STATUS_HINTS[status];
  if (hint) parts.push(hint);
  return parts.length > 0 ? ` ${parts.join("; ")}` : "";
}

/** The first field named by a 422's FastAPI-style detail items, without the "body"/"path" prefix. */
export function validationField(detail: unknown): string | undefined {
  if (!Array.isArray(detail)) return undefined;
  for (const item of detail) {
    const loc = (item as { loc?: unknown }).loc;
    if (Array.isArray(loc)) {
      const path = loc.filter((p) => p !== "body" && p !== "query" && p !== "path");
      if (path.length > 0) return path.join(".");
    }
  }
  return undefined;
}
