/**
 * Deliveries as the CLI shows them: attempt numbers per event, the table and the JSON shape
 * (`polar-webhooks deliveries --json`, documented in docs/cli.md; change it only additively).
 */
import type { WebhookDelivery } from "../providers/polar";
import { formatAge } from "./duration";
import type { Paint } from "./io";
import { renderTable, type Column } from "./table";

export interface DeliveryJson {
  readonly id: string;
  readonly createdAt: string;
  readonly succeeded: boolean;
  /** null when no HTTP answer came (timeout, refused connection). */
  readonly httpCode: number | null;
  /** The receiver's answer (≤ 2,048 characters) or the error text. */
  readonly response: string | null;
  /** 1 for the event's first delivery among those fetched, counting up in time. */
  readonly attempt: number;
  readonly event: {
    readonly id: string;
    readonly type: string;
    readonly createdAt: string;
    /** The event's outcome so far: null while Polar still retries it. */
    readonly succeeded: boolean | null;
    readonly lastHttpCode: number | null;
    /** Polar skipped it (the endpoint was disabled). */
    readonly skipped: boolean;
    /** Older than 90 days: the payload is gone and it cannot be redelivered. */
    readonly archived: boolean;
    readonly apiVersion: string | null;
  };
}

export interface DeliveriesJson {
  readonly version: 1;
  /** Deliveries matching the filters in Polar, of which `deliveries` holds the newest. */
  readonly total: number;
  readonly deliveries: readonly DeliveryJson[];
}

/** Microseconds since the epoch of Polar's `2026-03-12T10:44:51.804760Z` (Date.parse drops µs). */
export function instantMicros(iso: string): number {
  const match = /^(.*?:\d{2})(?:\.(\d{1,6})\d*)?(Z|[+-]\d{2}:?\d{2})$/i.exec(iso);
  if (!match) return Date.parse(iso) * 1000;
  const [, seconds = "", fraction = "", zone = "Z"] = match;
  return Date.parse(`${seconds}${zone}`) * 1000 + Number(fraction.padEnd(6, "0"));
}

/** Newest first, as Polar lists them; `attempt` counts each event's deliveries oldest first. */
export function toDeliveryJson(deliveries: readonly WebhookDelivery[]): DeliveryJson[] {
  const byEvent = new Map<string, WebhookDelivery[]>();
  for (const delivery of deliveries) {
    const list = byEvent.get(delivery.webhook_event.id) ?? [];
    list.push(delivery);
    byEvent.set(delivery.webhook_event.id, list);
  }
  const attempts = new Map<string, number>();
  for (const list of byEvent.values()) {
    [...list]
      .sort((a, b) => instantMicros(a.created_at) - instantMicros(b.created_at))
      .forEach((delivery, index) => attempts.set(delivery.id, index + 1));
  }
  return deliveries.map((delivery) => {
    const event = delivery.webhook_event;
    return {
      id: delivery.id,
      createdAt: delivery.created_at,
      succeeded: delivery.succeeded,
      httpCode: delivery.http_code,
      response: delivery.response,
      attempt: attempts.get(delivery.id) ?? 1,
      event: {
        id: event.id,
        type: event.type,
        createdAt: event.created_at,
        succeeded: event.succeeded,
        lastHttpCode: event.last_http_code,
        skipped: event.skipped,
        archived: event.is_archived,
        apiVersion: event.api_version ?? null,
      },
    };
  });
}

function note(row: DeliveryJson): string {
  if (row.event.archived) return "archived";
  if (row.event.skipped) return "skipped (endpoint disabled)";
  if (row.event.succeeded === null) return "Polar is retrying";
  if (!row.succeeded && row.event.succeeded) return "a later attempt succeeded";
  return "";
}

export function deliveriesTable(rows: readonly DeliveryJson[], now: number, paint: Paint): string {
  const columns: Column<DeliveryJson>[] = [
    {
      header: "AGE",
      value: (r) => formatAge(now - instantMicros(r.createdAt) / 1000),
      align: "right",
    },
    {
      header: "STATUS",
      value: (r) => (r.succeeded ? "delivered" : "failed"),
      style: (r) => (r.succeeded ? "green" : "red"),
    },
    {
      header: "CODE",
      value: (r) => (r.httpCode === null ? "-" : String(r.httpCode)),
      align: "right",
    },
    { header: "EVENT TYPE", value: (r) => r.event.type, style: () => "cyan" },
    { header: "ATTEMPT", value: (r) => String(r.attempt), align: "right" },
    { header: "EVENT ID", value: (r) => r.event.id },
    { header: "NOTE", value: note, style: () => "dim" },
  ];
  return renderTable(columns, rows, paint);
}
