/**
 * Webhook URL validation and normalization as Polar does it (polar-api.md §2 "URL rules").
 *
 * Polar validates `url` with a `.strip()` before-validator, pydantic's `AnyUrl` with
 * `UrlConstraints(max_length=2083, allowed_schemes=["https"], host_required=True)`, then a hostname
 * check. `AnyUrl` parses with the Rust `url` crate, an implementation of the WHATWG URL standard;
 * Node's `URL` implements the same standard, so `new URL(x).href` gives the same normalization:
 * lower-case host, `/` for an empty path, default port dropped, IDN hosts punycoded (UTS #46, as
 * `node:url` `domainToASCII`), spaces and other unsafe characters percent-encoded.
 *
 * Pure: no I/O, no state.
 */
import { domainToASCII, domainToUnicode } from "node:url";

import { isGlobalIp, isLoopbackIp, parseIpHost } from "./ip";

/** `UrlConstraints.max_length`; pydantic-core compares it to the UTF-8 byte length of the input. */
export const WEBHOOK_URL_MAX_LENGTH = 2083;

export const PRIVATE_HOST_MESSAGE =
  "Webhook URLs cannot point to localhost or private IP addresses.";
export const INVALID_HOSTNAME_MESSAGE =
  "Invalid webhook URL: the hostname contains characters not allowed in domain names.";

/** Host names Polar refuses by name (`LOCALHOST_HOSTS`), before looking at IP literals. */
const LOCALHOST_HOSTS: ReadonlySet<string> = new Set([
  "localhost",
  "127.0.0.1",
  "0.0.0.0",
  "[::1]",
]);

/** A pydantic error item without `loc`/`input`, which the caller knows. */
export interface UrlProblem {
  readonly type: "url_type" | "url_too_long" | "url_parsing" | "url_scheme" | "value_error";
  readonly msg: string;
  readonly ctx?: Readonly<Record<string, unknown>>;
}

export type UrlValidation =
  | { readonly ok: true; readonly url: string; readonly input: string }
  | { readonly ok: false; readonly problem: UrlProblem; readonly input: unknown };

export interface UrlPolicy {
  /**
   * Accept `http`/`https` URLs whose host is loopback (`localhost`, 127/8, `[::1]`). Real Polar
   * never does; the emulator enables it only for local pipeline tests.
   */
  readonly allowLoopbackUrls?: boolean;
}

/**
 * Python's `str.isspace()` characters, which `str.strip()` removes. Differs from JS `trim()`:
 * Python also strips U+001C–U+001F and U+0085, and keeps U+FEFF.
 */
const PYTHON_WHITESPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PYTHON_STRIP = new RegExp(`^[${PYTHON_WHITESPACE}]+|[${PYTHON_WHITESPACE}]+$`, "gu");

export function pythonStrip(value: string): string {
  return value.replace(PYTHON_STRIP, "");
}

/**
 * Normalizes a URL the way Polar stores it, or returns undefined when Polar would reject it.
 * What a provider must compare against to avoid perpetual diffs.
 */
export function normalizeWebhookUrl(input: string, policy: UrlPolicy = {}): string | undefined {
  const result = validateWebhookUrl(input, policy);
  return result.ok ? result.url : undefined;
}

/** The whole `EndpointURL` validation chain; `input` is what pydantic reports in an error. */
export function validateWebhookUrl(input: unknown, policy: UrlPolicy = {}): UrlValidation {
  if (typeof input !== "string") {
    return fail(input, { type: "url_type", msg: "URL input should be a string or URL" });
  }
  const stripped = pythonStrip(input);
  if (Buffer.byteLength(stripped, "utf8") > WEBHOOK_URL_MAX_LENGTH) {
    return fail(stripped, {
      type: "url_too_long",
      msg: `URL should have at most ${WEBHOOK_URL_MAX_LENGTH} characters`,
      ctx: { max_length: WEBHOOK_URL_MAX_LENGTH },
    });
  }
  let parsed: URL;
  try {
    parsed = new URL(stripped);
  } catch {
    return fail(stripped, parsingProblem(describeParseFailure(stripped)));
  }
  const scheme = parsed.protocol.slice(0, -1);
  const loopbackAllowed = policy.allowLoopbackUrls === true && isLoopbackHost(parsed.hostname);
  if (scheme !== "https" && !(loopbackAllowed && scheme === "http")) {
    return fail(stripped, {
      type: "url_scheme",
      msg: "URL scheme should be 'https'",
      ctx: { expected_schemes: "'https'" },
    });
  }
  if (parsed.hostname === "") {
    return fail(stripped, parsingProblem("empty host"));
  }
  const hostProblem = loopbackAllowed ? undefined : checkHostname(parsed.hostname);
  if (hostProblem !== undefined) {
    return fail(stripped, valueError(hostProblem));
  }
  return { ok: true, url: parsed.href, input: stripped };
}

/**
 * Polar's hostname check on an already parsed host (also used when re-enabling an endpoint):
 * returns the error message, or undefined when the host is acceptable.
 */
export function checkHostname(host: string): string | undefined {
  if (LOCALHOST_HOSTS.has(host.toLowerCase())) {
    return PRIVATE_HOST_MESSAGE;
  }
  const ip = parseIpHost(host);
  if (ip !== undefined) {
    return isGlobalIp(ip) ? undefined : PRIVATE_HOST_MESSAGE;
  }
  return hasInvalidIdnaLabel(host) ? INVALID_HOSTNAME_MESSAGE : undefined;
}

/** Whether a stored URL would pass validation today (used by the enable re-check on PATCH). */
export function isAcceptableStoredUrl(url: string, policy: UrlPolicy = {}): boolean {
  return validateWebhookUrl(url, policy).ok;
}

export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === "localhost") {
    return true;
  }
  const ip = parseIpHost(host);
  return ip !== undefined && isLoopbackIp(ip);
}

/**
 * The URL parser (UTS #46, non-strict) accepts code points that IDNA 2008 disallows, such as the
 * em dash; Polar rejects those hosts. IDNA 2008 PVALID code points are, roughly, lower-case
 * letters, other letters, combining marks and decimal digits, which is what this checks in each
 * punycode label. Plain ASCII labels are left alone (the parser already vetted them).
 */
function hasInvalidIdnaLabel(host: string): boolean {
  return host
    .split(".")
    .filter((label) => label.startsWith("xn--"))
    .some((label) => {
      const unicode = domainToUnicode(label);
      return unicode === "" || !/^[\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Mc}\p{Nd}-]+$/u.test(unicode);
    });
}

/**
 * `new URL` only says "Invalid URL"; pydantic reports the Rust `url` crate's `ParseError` text.
 * Reconstructs the most likely one from the parts of the input.
 */
function describeParseFailure(input: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(input);
  if (scheme === null) {
    return "relative URL without a base";
  }
  const afterScheme = input.slice(scheme[0].length).replace(/^[/\\]*/, "");
  const authority = afterScheme.split(/[/?#\\]/, 1)[0] ?? "";
  const hostAndPort = authority.slice(authority.lastIndexOf("@") + 1);
  if (hostAndPort.startsWith("[")) {
    const end = hostAndPort.indexOf("]");
    if (end === -1 || parseIpHost(hostAndPort.slice(0, end + 1)) === undefined) {
      return "invalid IPv6 address";
    }
    return "invalid port number";
  }
  const colon = hostAndPort.indexOf(":");
  const host = colon === -1 ? hostAndPort : hostAndPort.slice(0, colon);
  const port = colon === -1 ? "" : hostAndPort.slice(colon + 1);
  if (host === "") {
    return "empty host";
  }
  if (port !== "" && (!/^\d+$/.test(port) || Number(port) > 65535)) {
    return "invalid port number";
  }
  if (/^[\d.]+$/.test(host) || /^0x/i.test(host.split(".").at(-1) ?? "")) {
    return "invalid IPv4 address";
  }
  if (/[\s#%/:<>?@[\\\]^|]/.test(decodePercent(host))) {
    return "invalid domain character";
  }
  return domainToASCII(host) === "" ? "invalid international domain name" : "empty host";
}

function decodePercent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function parsingProblem(error: string): UrlProblem {
  return {
    type: "url_parsing",
    msg: `Input should be a valid URL, ${error}`,
    ctx: { error },
  };
}

/** A `ValueError` raised in a pydantic validator: `msg` gets the "Value error, " prefix. */
function valueError(message: string): UrlProblem {
  return { type: "value_error", msg: `Value error, ${message}`, ctx: { error: message } };
}

function fail(input: unknown, problem: UrlProblem): UrlValidation {
  return { ok: false, problem, input };
}
