// Polar's webhook API as TypeScript types (polar-api.md §2): wire names, snake_case.

export interface WebhookEndpoint {
  id: string;
  created_at: string;
  modified_at: string | null;
  url: string;
  name: string | null;
  format: "raw" | "slack" | "discord";
  secret: string;
  organization_id: string;
  events: string[];
  enabled: boolean;
  api_version: string | null;
  uses_standard_webhook_signature: boolean;
}

export interface WebhookEndpointCreate {
  url: string;
  format: "raw" | "slack" | "discord";
  events: string[];
  name?: string | null;
  organization_id?: string;
  api_version?: string;
  /** Deprecated and hidden (min 32 characters): Polar may use it verbatim, or ignore it. */
  secret?: string;
}

export type WebhookEndpointUpdate = Partial<{
  url: string;
  name: string;
  format: "raw" | "slack" | "discord";
  events: string[];
  enabled: boolean;
  api_version: string;
}>;

export interface ListResource<T> {
  items: T[];
  pagination: { total_count: number; max_page: number };
}

export interface WebhookDelivery {
  id: string;
  created_at: string;
  modified_at: string | null;
  succeeded: boolean;
  http_code: number | null;
  response: string | null;
  webhook_event: {
    id: string;
    created_at: string;
    modified_at: string | null;
    last_http_code: number | null;
    succeeded: boolean | null;
    skipped: boolean;
    /** The API version the payload follows; null from API deployments older than the field. */
    api_version: string | null;
    payload: string | null;
    type: string;
    is_archived: boolean;
  };
}

export interface ListWebhookEndpointsQuery {
  organizationId?: string | string[];
  page?: number;
  limit?: number;
}

export interface ListWebhookDeliveriesQuery {
  endpointId?: string | string[];
  /** Deliveries created strictly after this instant (Polar wants a zone: give a Date or ISO with Z). */
  startTimestamp?: Date | string;
  /** Deliveries created strictly before this instant. */
  endTimestamp?: Date | string;
  succeeded?: boolean;
  /** Matches a delivery id, an event id or an HTTP code (substring, case-insensitive). */
  query?: string;
  httpCodeClass?: "2xx" | "3xx" | "4xx" | "5xx";
  eventType?: string | string[];
  page?: number;
  limit?: number;
}
