/**
 * The receiver's contract as an oracle, written from the design and the references (not from
 * lambda/verify.ts, and calling none of it): given one API Gateway request, the status the
 * receiver must answer. The fuzzer compares every answer with it.
 *
 * - 405 unless the method is POST; 413 when the decoded body exceeds the limit;
 * - 403 when webhook-id, webhook-timestamp or webhook-signature is missing or empty, the id is
 *   over 128 characters, the timestamp is not 1–12 decimal digits without a leading zero (the
 *   standardwebhooks HMAC covers the parsed number, so only the canonical form is the signed one),
 *   the body is not UTF-8, the timestamp is more than 300 s from now (whole seconds, floored, as
 *   standardwebhooks does), or no `v1` signature matches HMAC-SHA256(key, `${id}.${timestamp}.` + body) of an accepted key;
 * - 400 when signed but not a JSON object with a 1–256 character string `type`, or holding
 *   characters SQS refuses (XML 1.0 Char);
 * - else 202.
 *
 * Signature-header parsing follows standardwebhooks (which our verifier must keep): entries are
 * separated by single spaces, each is split on commas, the first part must be exactly `v1` and the
 * second must equal the canonical base64 of the HMAC, byte for byte (a non-canonical encoding of
 * the same bytes does not match). Extra comma-separated parts are ignored: that is how API
 * Gateway's comma-joined duplicate header behaves, and why only a key holder can make it pass.
 */
import { createHash, createHmac } from "node:crypto";

export const TOLERANCE_SECONDS = 300;
export const MAX_ID_LENGTH = 128;
export const MAX_TYPE_LENGTH = 256;

/** One request as API Gateway (payload 2.0) hands it to the function. */
export interface FuzzRequest {
  /** `undefined`: the event has no requestContext at all. */
  readonly method: string | undefined;
  /** Names as given (one spelling per name); `undefined`: the event has no headers object. */
  readonly headers: readonly (readonly [string, string])[] | undefined;
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean | undefined;
}

export type Expected =
  | { readonly status: 202; readonly reason: "accepted"; readonly triple: SignedTriple }
  | { readonly status: 400 | 403 | 405 | 413; readonly reason: string };

export interface SignedTriple {
  readonly id: string;
  readonly timestamp: string;
  readonly body: Buffer;
}

export interface ContractSettings {
  /** HMAC keys the receiver holds (every scheme of every accepted secret). */
  readonly keys: readonly Buffer[];
  readonly maxBodyBytes: number;
}

/** `v1,` + base64 HMAC-SHA256 over `${id}.${timestamp}.` followed by the exact body bytes. */
export function signature(key: Buffer, id: string, timestamp: string, body: Buffer): string {
  const hmac = createHmac("sha256", key);
  hmac.update(`${id}.${timestamp}.`, "utf8");
  hmac.update(body);
  return `v1,${hmac.digest("base64")}`;
}

/** What API Gateway's body field stands for: base64 when flagged, else UTF-8 text. */
export function bodyBytes(request: FuzzRequest): Buffer {
  return Buffer.from(request.body ?? "", request.isBase64Encoded === true ? "base64" : "utf8");
}

/** A stable digest of a triple, for "was this exact triple signed?" over large bodies. */
export function tripleKey(triple: SignedTriple): string {
  return createHash("sha256")
    .update(`${triple.id.length}:${triple.id}|${triple.timestamp}|`, "utf8")
    .update(triple.body)
    .digest("base64");
}

// ignoreBOM keeps a leading BOM in the text, as the receiver sees it (JSON.parse refuses it).
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

export function expectedOutcome(
  request: FuzzRequest,
  settings: ContractSettings,
  nowMs: number,
): Expected {
  if (request.method !== "POST") return { status: 405, reason: "method" };
  const body = bodyBytes(request);
  if (body.length > settings.maxBodyBytes) return { status: 413, reason: "too large" };

  const headers = new Map<string, string>();
  for (const [name, value] of request.headers ?? []) headers.set(name.toLowerCase(), value);
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const header = headers.get("webhook-signature");
  if (!id || !timestamp || !header) return { status: 403, reason: "missing header" };
  if (id.length > MAX_ID_LENGTH) return { status: 403, reason: "id too long" };
  if (!/^[1-9][0-9]{0,11}$/.test(timestamp)) return { status: 403, reason: "timestamp format" };
  const text = decodeUtf8(body);
  if (text === undefined) return { status: 403, reason: "body not UTF-8" };
  const nowSeconds = Math.floor(nowMs / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) {
    return { status: 403, reason: "stale timestamp" };
  }
  const wanted = new Set(
    settings.keys.map((key) => signature(key, id, timestamp, body).slice("v1,".length)),
  );
  const matched = header.split(" ").some((entry) => {
    const [version, value] = entry.split(",");
    return version === "v1" && value !== undefined && wanted.has(value);
  });
  if (!matched) return { status: 403, reason: "no matching signature" };

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { status: 400, reason: "not JSON" };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { status: 400, reason: "not an object" };
  }
  const type = (json as { type?: unknown }).type;
  if (typeof type !== "string" || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
    return { status: 400, reason: "no string type" };
  }
  if (!XML_CHAR.test(text)) return { status: 400, reason: "characters SQS refuses" };
  return { status: 202, reason: "accepted", triple: { id, timestamp, body } };
}

function decodeUtf8(body: Buffer): string | undefined {
  try {
    return strictUtf8.decode(body);
  } catch {
    return undefined;
  }
}
