/**
 * Lists as Polar answers them: the deliveries filters and `ListResource` pagination.
 */
import type { ListDeliveriesQuery, Pagination } from "./query-validation";
import type { DeliveryRecord, EventRecord } from "./store";

/** The deliveries-list filters (`created_at` bounds are strict; `query` is an ILIKE). */
export function deliveryMatches(
  query: ListDeliveriesQuery,
  delivery: DeliveryRecord,
  event: EventRecord,
): boolean {
  const created = delivery.createdAt.micros;
  const httpCode = delivery.httpCode === null ? "" : String(delivery.httpCode);
  const contains = query.query === undefined ? undefined : ilikeContains(query.query);
  return (
    (query.endpointIds === undefined || query.endpointIds.includes(event.endpointId)) &&
    (query.startMicros === undefined || created > query.startMicros) &&
    (query.endMicros === undefined || created < query.endMicros) &&
    (query.succeeded === undefined || delivery.succeeded === query.succeeded) &&
    (query.eventTypes === undefined || query.eventTypes.includes(event.type)) &&
    (query.httpCodeClass === undefined || `${httpCode.charAt(0)}xx` === query.httpCodeClass) &&
    (contains === undefined || [delivery.id, event.id, httpCode].some(contains))
  );
}

/** `ListResource.from_paginated_results`: `max_page = ceil(total / limit)`, 0 when empty. */
export function paginate<T>(
  items: readonly T[],
  { page, limit }: Pagination,
): { items: T[]; pagination: { total_count: number; max_page: number } } {
  const offset = limit * (page - 1);
  return {
    items: items.slice(offset, offset + limit),
    pagination: { total_count: items.length, max_page: Math.ceil(items.length / limit) },
  };
}

/**
 * PostgreSQL's `field ILIKE '%' || needle || '%'`: `%` and `_` in the needle are wildcards too,
 * and a backslash makes the next character literal.
 */
export function ilikeContains(needle: string): (field: string) => boolean {
  let pattern = "";
  for (let i = 0; i < needle.length; i++) {
    const char = needle.charAt(i);
    if (char === "\\" && i + 1 < needle.length) {
      i++;
      pattern += escapeRegExp(needle.charAt(i));
    } else {
      pattern += char === "%" ? "[^]*" : char === "_" ? "[^]" : escapeRegExp(char);
    }
  }
  const regex = new RegExp(pattern, "iu");
  return (field) => regex.test(field);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
