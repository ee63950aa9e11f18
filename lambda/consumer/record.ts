/**
 * Pure reading of one SQS record as the receiver enqueued it: the body is Polar's JSON
 * byte-for-byte, the message attributes carry `webhook-id`, `webhook-timestamp` and `event-type`.
 */
import type { SQSRecord } from "aws-lambda";
import { MalformedRecordError } from "./errors";
import { isPolarEventType, type PolarEventType, type PolarWebhookPayload } from "./events";

/** The receiver's message attribute names (lambda/queue.ts `MESSAGE_ATTRIBUTES`). */
export const RECORD_ATTRIBUTES = {
  WEBHOOK_ID: "webhook-id",
  WEBHOOK_TIMESTAMP: "webhook-timestamp",
  EVENT_TYPE: "event-type",
} as const;

/** What a handler learns about the delivery besides the event itself. */
export interface PolarEventMeta<K extends PolarEventType = PolarEventType> {
  /** Polar's event id (`webhook-id`): the same across Polar's retries and manual redeliveries. */
  readonly webhookId: string;
  /** The SQS message id (differs between two deliveries of one event). */
  readonly messageId: string;
  /** How many times SQS has handed out this message, this time included (1 on the first try). */
  readonly receiveCount: number;
  readonly eventType: K;
}

/** A record whose body is a Polar event envelope. `known` tells whether its type is in the SDK. */
export type ParsedRecord =
  | { readonly known: true; readonly webhookId: string; readonly event: PolarWebhookPayload }
  | {
      readonly known: false;
      readonly webhookId: string;
      readonly event: { readonly type: string; readonly timestamp: string; readonly data: object };
    };

export const MALFORMED = {
  NO_WEBHOOK_ID: "Missing webhook-id message attribute",
  NOT_JSON: "Body is not JSON",
  NOT_AN_EVENT: "Body is not a Polar event (needs string type and timestamp, object data)",
} as const;

/** The `webhook-id` message attribute, or undefined when absent or empty. */
export function webhookIdOf(record: SQSRecord): string | undefined {
  const value = record.messageAttributes?.[RECORD_ATTRIBUTES.WEBHOOK_ID]?.stringValue;
  return value ? value : undefined;
}

export function receiveCountOf(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isSafeInteger(count) && count > 0 ? count : 1;
}

/** FIFO queue names end in `.fifo`, and so do their ARNs. */
export function isFifoRecord(record: SQSRecord): boolean {
  return record.eventSourceARN?.endsWith(".fifo") ?? false;
}

/**
 * Checks the envelope only (`type`, `timestamp`, `data`): Polar's SDK does not validate payloads
 * either, and the receiver verified the signature before enqueueing. A hand guard rather than
 * Powertools' parser: its `SqsEnvelope` fails the whole batch on one bad record, and zod would add
 * ~440 KB to the bundle for three `typeof` checks. Throws MalformedRecordError
 * with a fixed message; the JSON parser's own error (which quotes the body) is kept only as cause.
 */
export function parseRecord(record: SQSRecord): ParsedRecord {
  const webhookId = webhookIdOf(record);
  if (!webhookId) {
    throw new MalformedRecordError(MALFORMED.NO_WEBHOOK_ID);
  }
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch (error) {
    throw new MalformedRecordError(MALFORMED.NOT_JSON, { cause: error });
  }
  if (!isEnvelope(json)) {
    throw new MalformedRecordError(MALFORMED.NOT_AN_EVENT);
  }
  return isPolarEventType(json.type)
    ? { known: true, webhookId, event: json as PolarWebhookPayload }
    : { known: false, webhookId, event: json };
}

function isEnvelope(
  value: unknown,
): value is { readonly type: string; readonly timestamp: string; readonly data: object } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return false;
  }
  const { type, timestamp, data } = value as Record<string, unknown>;
  return (
    typeof type === "string" &&
    type !== "" &&
    typeof timestamp === "string" &&
    typeof data === "object" &&
    data !== null &&
    !Array.isArray(data)
  );
}
