/** Checks of values users type, each failing with what is wrong and what is accepted. */
import { isWebhookEventType, suggestEventType, WEBHOOK_EVENT_TYPES } from "../providers/polar";
import { isUuid } from "./args";
import { parseSince, SINCE_FORMS } from "./duration";
import { UsageError } from "./errors";

export function eventType(value: string, command: string, option = "event type"): string {
  const type = value.trim();
  if (isWebhookEventType(type)) return type;
  const suggestion = suggestEventType(type);
  throw new UsageError(
    suggestion
      ? `unknown ${option} ${JSON.stringify(type)}; did you mean ${JSON.stringify(suggestion)}?`
      : `unknown ${option} ${JSON.stringify(type)}; Polar's event types are: ${WEBHOOK_EVENT_TYPES.join(", ")}`,
    command,
  );
}

export function since(text: string | undefined, now: number, command: string): Date | undefined {
  if (text === undefined) return undefined;
  const result = parseSince(text, new Date(now));
  if (!result.ok) {
    throw new UsageError(
      `--since ${JSON.stringify(text)} ${result.problem}. Accepted: ${SINCE_FORMS}.`,
      command,
    );
  }
  return result.since;
}

export function uuid(value: string, what: string, command: string): string {
  const trimmed = value.trim();
  if (!isUuid(trimmed)) {
    throw new UsageError(
      `${what} ${JSON.stringify(value)} is not a Polar id (a UUID such as 0b0c6a4e-5a3f-4c8e-9d43-2f1e6f7b8a90)`,
      command,
    );
  }
  return trimmed.toLowerCase();
}
