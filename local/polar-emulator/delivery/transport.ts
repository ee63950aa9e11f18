/**
 * One delivery attempt over HTTP, and what Polar records of it.
 *
 * `node:http` rather than fetch/undici: it never follows redirects, gives the status line's
 * reason phrase (part of the error text Polar stores), and sends exactly the headers given.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export interface DeliveryRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The whole attempt: connect, send, and read the response. */
  readonly timeoutMs: number;
  /** Aborts the attempt (the emulator is closing). */
  readonly signal: AbortSignal;
}

export type DeliveryResult =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly reason: string;
      readonly location: string | undefined;
      readonly text: string;
    }
  | { readonly kind: "error"; readonly message: string };

/** Polar keeps the first 2048 characters of a response body. */
export const RESPONSE_TEXT_LIMIT = 2048;
/** Bytes of a response body kept for that; the rest is read and dropped. */
const RESPONSE_READ_LIMIT = 64 * 1024;

export function postWebhook(delivery: DeliveryRequest): Promise<DeliveryResult> {
  let target: URL;
  try {
    target = new URL(delivery.url);
  } catch {
    return Promise.resolve({ kind: "error", message: `Invalid URL ${delivery.url}` });
  }
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  const body = Buffer.from(delivery.body, "utf8");
  return new Promise((resolve) => {
    const settle = (result: DeliveryResult) => {
      clearTimeout(timer);
      resolve(result);
    };
    const outgoing = send(target, {
      method: "POST",
      headers: { ...delivery.headers, "content-length": String(body.length) },
      // A fresh connection per attempt, closed after it: nothing lingers when the emulator stops.
      agent: false,
      signal: delivery.signal,
    });
    const timer = setTimeout(() => {
      outgoing.destroy(new Error("timed out"));
    }, delivery.timeoutMs);
    outgoing.on("response", (response) => {
      readText(response).then(
        (text) =>
          settle({
            kind: "response",
            status: response.statusCode ?? 0,
            reason: response.statusMessage ?? "",
            location: response.headers.location,
            text,
          }),
        (error: unknown) => settle({ kind: "error", message: errorMessage(error) }),
      );
    });
    outgoing.on("error", (error) => settle({ kind: "error", message: errorMessage(error) }));
    outgoing.end(body);
  });
}

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of response) {
    const buffer = chunk as Buffer;
    if (kept < RESPONSE_READ_LIMIT) {
      chunks.push(buffer);
      kept += buffer.length;
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}

function errorMessage(error: unknown): string {
  if (error instanceof Error && error.name === "AbortError") {
    return "aborted";
  }
  return error instanceof Error ? error.message : String(error);
}

const STATUS_ERROR_KINDS: Readonly<Record<number, string>> = {
  1: "Informational response",
  3: "Redirect response",
  4: "Client error",
  5: "Server error",
};
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * The text of httpx's `HTTPStatusError` (`response.raise_for_status()`), which Polar stores as
 * the delivery's `response` when a failed response had no body.
 */
export function statusErrorText(
  url: string,
  status: number,
  reason: string,
  location: string | undefined,
): string {
  const kind = STATUS_ERROR_KINDS[Math.floor(status / 100)] ?? "Invalid status code";
  const redirect =
    REDIRECT_STATUSES.has(status) && location !== undefined
      ? `Redirect location: '${location}'\n`
      : "";
  return (
    `${kind} '${status} ${reason}' for url '${url}'\n${redirect}` +
    `For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/${status}`
  );
}
