/** Queue messages as `queue peek` / `dlq peek` show them, and their JSON shape. */
import type { Message } from "@aws-sdk/client-sqs";
import { MESSAGE_ATTRIBUTES } from "../lambda/index";
import { formatAge } from "./duration";
import type { Paint } from "./io";
import { renderTable } from "./table";

export interface MessageJson {
  readonly messageId: string;
  /** The `event-type` attribute the receiver sets (Polar's event type). */
  readonly eventType: string | null;
  /** The `webhook-id` attribute: Polar's event id. */
  readonly webhookId: string | null;
  /** SQS's ApproximateReceiveCount, this peek included. */
  readonly receiveCount: number;
  /** When the receiver enqueued it (ISO 8601). */
  readonly sentAt: string | null;
  /** The webhook body, byte for byte as Polar sent it. */
  readonly body: string;
}

export interface PeekJson {
  readonly version: 1;
  readonly queue: "queue" | "dlq";
  readonly queueUrl: string;
  /** ApproximateNumberOfMessages before the peek. */
  readonly approximateVisible: number;
  readonly approximateInFlight: number;
  readonly messages: readonly MessageJson[];
}

export function toMessageJson(message: Message): MessageJson {
  const attributes = message.MessageAttributes ?? {};
  const sent = Number(message.Attributes?.SentTimestamp);
  return {
    messageId: message.MessageId ?? "",
    eventType: attributes[MESSAGE_ATTRIBUTES.EVENT_TYPE]?.StringValue ?? null,
    webhookId: attributes[MESSAGE_ATTRIBUTES.WEBHOOK_ID]?.StringValue ?? null,
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : null,
    body: message.Body ?? "",
  };
}

export function messagesTable(
  rows: readonly MessageJson[],
  now: number,
  paint: Paint,
  maxReceiveCount?: number,
): string {
  return renderTable(
    [
      {
        header: "AGE",
        value: (r) => (r.sentAt ? formatAge(now - Date.parse(r.sentAt)) : "-"),
        align: "right",
      },
      { header: "EVENT TYPE", value: (r) => r.eventType ?? "-", style: () => "cyan" },
      { header: "WEBHOOK-ID", value: (r) => r.webhookId ?? "-" },
      {
        header: "RECEIVES",
        value: (r) =>
          maxReceiveCount ? `${r.receiveCount}/${maxReceiveCount}` : String(r.receiveCount),
        align: "right",
        style: (r) => (maxReceiveCount && r.receiveCount >= maxReceiveCount ? "red" : undefined),
      },
      { header: "MESSAGE ID", value: (r) => r.messageId, style: () => "dim" },
    ],
    rows,
    paint,
  );
}
