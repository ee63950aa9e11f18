import { ReceiverError, type Outcome } from "./errors";

/** One JSON line per request. Never holds the secret, a signature or the body. */
export interface RequestLogEntry {
  level: "info" | "warn" | "error";
  msg: "webhook";
  time: string;
  requestId?: string;
  webhookId?: string;
  type?: string;
  outcome: Outcome;
  status: number;
  latencyMs: number;
  budgetMs: number;
  bodyBytes?: number;
  /** The key that verified the request, e.g. "previous/legacy". */
  key?: string;
  /** The key a refused request was signed with when it had expired, e.g. "previous/standard". */
  expiredKey?: string;
  /** When the previous secret stops (or stopped) being accepted, if `key`/`expiredKey` is it. */
  previousExpiresAt?: string;
  secretRefresh?: "forced" | "rate_limited";
  messageId?: string;
  reason?: string;
  /** Name/code of the wrapped error, never its message. */
  cause?: string;
}

export type RequestLogger = (entry: RequestLogEntry) => void;

/**
 * stdout, not console.log: in text log format the Lambda runtime prefixes console output, which
 * breaks one-object-per-line parsing in CloudWatch Logs Insights.
 */
export const writeJsonLine: RequestLogger = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};

/** Foreign error messages can quote the body (JSON SyntaxError), so only names are logged. */
export function describeFailure(error: unknown): { reason: string; cause?: string } {
  if (error instanceof ReceiverError) {
    const cause = causeName(error.cause);
    return cause ? { reason: error.message, cause } : { reason: error.message };
  }
  return { reason: "Unexpected error", cause: causeName(error) ?? "unknown" };
}

function causeName(cause: unknown): string | undefined {
  if (typeof cause !== "object" || cause === null) {
    return undefined;
  }
  const { name, code } = cause as { name?: unknown; code?: unknown };
  if (typeof code === "string" && code !== name) {
    return typeof name === "string" ? `${name}:${code}` : code;
  }
  return typeof name === "string" ? name : undefined;
}
