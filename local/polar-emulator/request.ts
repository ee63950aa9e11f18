/**
 * Reading a request the way Polar's stack (Starlette, FastAPI) does: the `Polar-Version` header,
 * the JSON body, the percent-decoded path.
 */
import type { IncomingHttpHeaders } from "node:http";

import { API_VERSIONS, type ApiVersion, DEFAULT_API_VERSION } from "./events";
import type { ValidationErrorItem } from "./responses";

/** Absent → the default version; anything but a known `YYYY-MM` → undefined (404). */
export function requestedVersion(header: string | string[] | undefined): ApiVersion | undefined {
  if (header === undefined) {
    return DEFAULT_API_VERSION;
  }
  const value = headerValue(header)?.trim();
  return API_VERSIONS.find((version) => version === value);
}

export function headerValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header.join(", ") : header;
}

export type DecodedBody = { ok: true; value: unknown } | { ok: false; error: ValidationErrorItem };

/**
 * FastAPI reads JSON when the content type is absent or `application/json` / `*+json`; any other
 * content type leaves the raw text, which then fails model validation. An empty body is "no body".
 */
export function decodeBody(body: Buffer, headers: IncomingHttpHeaders): DecodedBody {
  if (body.length === 0) {
    return { ok: true, value: undefined };
  }
  const text = body.toString("utf8");
  const contentType = headerValue(headers["content-type"]);
  if (contentType !== undefined && !isJsonContentType(contentType)) {
    return { ok: true, value: text };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? text.length);
    return {
      ok: false,
      error: {
        type: "json_invalid",
        loc: ["body", position],
        msg: "JSON decode error",
        input: {},
        ctx: { error: pythonJsonError(message) },
      },
    };
  }
}

function isJsonContentType(contentType: string): boolean {
  const [type] = contentType.split(";");
  const normalized = (type ?? "").trim().toLowerCase();
  return normalized === "application/json" || /^application\/[^/]+\+json$/.test(normalized);
}

/** The closest Python `json.JSONDecodeError.msg` for a V8 `JSON.parse` message. */
function pythonJsonError(message: string): string {
  if (/non-whitespace character after JSON/i.test(message)) {
    return "Extra data";
  }
  if (/property name/i.test(message)) {
    return "Expecting property name enclosed in double quotes";
  }
  if (/Unterminated string/i.test(message)) {
    return "Unterminated string starting at";
  }
  return "Expecting value";
}

export function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A JSON object body without one field: what Polar sees when its schema lacks that field. */
export function withoutField(body: unknown, field: string): unknown {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([key]) => key !== field));
}
