/**
 * Something happened in an organization: Polar's `WebhookService.send`. One webhook event is
 * created per endpoint that is enabled, not deleted, subscribed to the type and in that
 * organization, each with its own payload (the endpoint's `api_version` and `format`) and its own
 * id, which is the `webhook-id` of every attempt to deliver it.
 */
import {
  createEventContent,
  createSample,
  isPlainObject,
  renderPayload,
  UnknownWebhookEventTypeError,
} from "../../providers/polar/samples";
import { isWebhookEventType, suggestEventType } from "./events";
import type { PolarStore } from "./store";

export { UnknownWebhookEventTypeError };

export interface EmittedEvent {
  /** The event id: the `webhook-id` header of its deliveries. */
  readonly id: string;
  readonly endpointId: string;
}

export interface EmitResult {
  /**
   * The event created for the oldest receiving endpoint (the only one, in the usual set-up of one
   * endpoint per organization); null when no endpoint receives this type, as Polar then creates
   * no event at all.
   */
  readonly id: string | null;
  /** Every event created, one per receiving endpoint, oldest endpoint first. */
  readonly ids: readonly string[];
  readonly events: readonly EmittedEvent[];
}

export interface EmitRequest {
  readonly type: string;
  /** Deep-merged into the sample `data`. */
  readonly data: unknown;
  readonly organizationId: string;
}

/**
 * Creates the events and queues their delivery. Bad input throws before anything is created, so
 * nothing is sent.
 */
export function emitWebhookEvent(
  store: PolarStore,
  enqueue: (eventId: string) => void,
  request: EmitRequest,
): EmitResult {
  const { type, data, organizationId } = request;
  if (!isWebhookEventType(type)) {
    throw new UnknownWebhookEventTypeError(type, suggestEventType(type));
  }
  if (data !== undefined && !isPlainObject(data)) {
    throw new Error(
      `emit: data must be an object of fields to override in the ${type} payload's data, got ${describe(data)}.`,
    );
  }
  const timestamp = store.clock.now();
  const sample = createSample(organizationId, new Date(Math.floor(timestamp.micros / 1000)));
  const content = createEventContent(type, sample, data ?? {}, timestamp.iso);
  const events = store
    .liveEndpoints()
    .filter(
      (endpoint) =>
        endpoint.organizationId === organizationId &&
        endpoint.enabled &&
        endpoint.events.includes(type),
    )
    .reverse()
    .map((endpoint) => {
      const event = store.createEvent({
        endpointId: endpoint.id,
        type,
        payload: renderPayload(content, endpoint.apiVersion, endpoint.format),
        // Every event of one occurrence has the payload's timestamp as `created_at`.
        createdAt: timestamp,
      });
      return { id: event.id, endpointId: endpoint.id };
    });
  for (const event of events) {
    enqueue(event.id);
  }
  return { id: events[0]?.id ?? null, ids: events.map((event) => event.id), events };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "a non-plain object" : `${typeof value} ${String(value)}`;
}
