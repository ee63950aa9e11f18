/**
 * The emulator's in-memory state: organizations, webhook endpoints, events and deliveries, plus
 * their wire (JSON) shapes. Access control lives in the API layer; the store knows nothing about
 * tokens.
 */
import { randomUUID } from "node:crypto";

import type { models } from "@polar-sh/sdk/2026-10";

import { MonotonicClock, type Timestamp } from "./clock";
import type { ApiVersion, WebhookEventType, WebhookFormat } from "./events";
import { generateWebhookSecret, type SecretGeneration } from "./secrets";

/**
 * `WebhookEndpoint` as the API returns it, in the OpenAPI field order. The wire shapes below are
 * checked against `@polar-sh/sdk`'s models where they are built (`satisfies`).
 */
export interface WebhookEndpointResource {
  created_at: string;
  modified_at: string | null;
  id: string;
  url: string;
  name: string | null;
  api_version: ApiVersion;
  format: WebhookFormat;
  secret: string;
  organization_id: string;
  events: WebhookEventType[];
  enabled: boolean;
  uses_standard_webhook_signature: boolean;
}

/** `WebhookEvent` as the API returns it (inside a delivery). */
export interface WebhookEventResource {
  created_at: string;
  modified_at: string | null;
  id: string;
  last_http_code: number | null;
  succeeded: boolean | null;
  skipped: boolean;
  api_version: ApiVersion;
  payload: string | null;
  type: WebhookEventType;
  is_archived: boolean;
}

/** `WebhookDelivery` as the API returns it. */
export interface WebhookDeliveryResource {
  created_at: string;
  modified_at: string | null;
  id: string;
  succeeded: boolean;
  http_code: number | null;
  response: string | null;
  webhook_event: WebhookEventResource;
}

export interface EndpointRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly createdAt: Timestamp;
  modifiedAt: Timestamp | null;
  deletedAt: Timestamp | null;
  url: string;
  name: string | null;
  apiVersion: ApiVersion;
  format: WebhookFormat;
  secret: string;
  usesStandardWebhookSignature: boolean;
  events: WebhookEventType[];
  enabled: boolean;
}

export interface EventRecord {
  readonly id: string;
  readonly endpointId: string;
  readonly createdAt: Timestamp;
  modifiedAt: Timestamp | null;
  readonly type: WebhookEventType;
  readonly apiVersion: ApiVersion;
  payload: string | null;
  lastHttpCode: number | null;
  succeeded: boolean | null;
  skipped: boolean;
  isArchived: boolean;
}

export interface DeliveryRecord {
  readonly id: string;
  readonly eventId: string;
  readonly endpointId: string;
  readonly createdAt: Timestamp;
  readonly succeeded: boolean;
  readonly httpCode: number | null;
  readonly response: string | null;
}

export interface NewEndpoint {
  readonly organizationId: string;
  readonly url: string;
  readonly name: string | null;
  readonly apiVersion: ApiVersion;
  readonly format: WebhookFormat;
  readonly events: readonly WebhookEventType[];
  readonly enabled?: boolean;
  /** Client-supplied secret (the deprecated `secret` field); generated when absent. */
  readonly secret?: { readonly value: string; readonly usesStandardWebhookSignature: boolean };
  readonly secretGeneration: SecretGeneration;
  readonly createdAt?: Timestamp;
}

/** Fields a PATCH may change; absent means "leave as is" (Polar drops nulls before applying). */
export interface EndpointChanges {
  readonly url?: string;
  readonly name?: string;
  readonly apiVersion?: ApiVersion;
  readonly format?: WebhookFormat;
  readonly events?: readonly WebhookEventType[];
  readonly enabled?: boolean;
  readonly secret?: string;
}

export interface NewEvent {
  readonly endpointId: string;
  readonly type: WebhookEventType;
  /** The body sent for it; null for an event whose payload was archived. */
  readonly payload: string | null;
  readonly id?: string;
  /** When it happened (the payload's `timestamp`); now when absent. */
  readonly createdAt?: Timestamp;
}

export interface EventChanges {
  readonly lastHttpCode?: number;
  readonly succeeded?: boolean;
  readonly skipped?: boolean;
}

export interface NewDelivery {
  readonly eventId: string;
  readonly succeeded: boolean;
  readonly httpCode: number | null;
  readonly response: string | null;
}

export class PolarStore {
  readonly clock = new MonotonicClock();
  private readonly endpointsById = new Map<string, EndpointRecord>();
  private readonly eventsById = new Map<string, EventRecord>();
  private readonly deliveryList: DeliveryRecord[] = [];
  private readonly deliveryCounts = new Map<string, number>();

  createEndpoint(input: NewEndpoint): EndpointRecord {
    const secret = input.secret ?? generateSecretFields(input.secretGeneration);
    const record: EndpointRecord = {
      id: randomUUID(),
      organizationId: input.organizationId,
      createdAt: input.createdAt ?? this.clock.now(),
      // `modified_at` is an `onupdate` column: null until the first UPDATE.
      modifiedAt: null,
      deletedAt: null,
      url: input.url,
      name: input.name,
      apiVersion: input.apiVersion,
      format: input.format,
      secret: secret.value,
      usesStandardWebhookSignature: secret.usesStandardWebhookSignature,
      events: [...input.events],
      // The DB default; the API never lets a client choose it on create.
      enabled: input.enabled ?? true,
    };
    this.endpointsById.set(record.id, record);
    return record;
  }

  /** A live (not soft-deleted) endpoint. */
  findEndpoint(id: string): EndpointRecord | undefined {
    const record = this.endpointsById.get(id);
    return record?.deletedAt === null ? record : undefined;
  }

  /** Any endpoint, soft-deleted ones included (for test inspection). */
  findEndpointIncludingDeleted(id: string): EndpointRecord | undefined {
    return this.endpointsById.get(id);
  }

  /** Live endpoints, newest first (`created_at DESC`). */
  liveEndpoints(): EndpointRecord[] {
    return [...this.endpointsById.values()]
      .filter((record) => record.deletedAt === null)
      .sort(byCreatedAtDesc);
  }

  /**
   * Applies changes and bumps `modified_at` only when a value really changed: SQLAlchemy issues
   * no UPDATE (so the `onupdate` timestamp stays) for a flush without net changes, e.g. `{}`.
   */
  updateEndpoint(record: EndpointRecord, changes: EndpointChanges): EndpointRecord {
    let changed = false;
    const assign = <K extends keyof EndpointRecord>(key: K, value: EndpointRecord[K]): void => {
      if (!sameValue(record[key], value)) {
        record[key] = value;
        changed = true;
      }
    };
    if (changes.url !== undefined) assign("url", changes.url);
    if (changes.name !== undefined) assign("name", changes.name);
    if (changes.apiVersion !== undefined) assign("apiVersion", changes.apiVersion);
    if (changes.format !== undefined) assign("format", changes.format);
    if (changes.events !== undefined) assign("events", [...changes.events]);
    if (changes.enabled !== undefined) assign("enabled", changes.enabled);
    if (changes.secret !== undefined) {
      assign("secret", changes.secret);
      // A client-chosen secret has no `secret_generated_at`, so Polar signs it the legacy way.
      assign("usesStandardWebhookSignature", false);
    }
    if (changed) {
      record.modifiedAt = this.clock.now();
    }
    return record;
  }

  resetSecret(record: EndpointRecord, generation: SecretGeneration): EndpointRecord {
    const secret = generateSecretFields(generation);
    record.secret = secret.value;
    record.usesStandardWebhookSignature = secret.usesStandardWebhookSignature;
    record.modifiedAt = this.clock.now();
    return record;
  }

  /** Soft delete: the row stays with `deleted_at` set, and every later lookup misses it. */
  softDeleteEndpoint(record: EndpointRecord): void {
    const now = this.clock.now();
    record.deletedAt = now;
    record.modifiedAt = now;
  }

  createEvent(input: NewEvent): EventRecord {
    const endpoint = this.endpointsById.get(input.endpointId);
    if (endpoint === undefined) {
      throw new Error(`no webhook endpoint ${input.endpointId}`);
    }
    const record: EventRecord = {
      id: input.id ?? randomUUID(),
      endpointId: input.endpointId,
      createdAt: input.createdAt ?? this.clock.now(),
      modifiedAt: null,
      type: input.type,
      apiVersion: endpoint.apiVersion,
      payload: input.payload,
      lastHttpCode: null,
      succeeded: null,
      skipped: false,
      // Only the archiving task nulls a payload.
      isArchived: input.payload === null,
    };
    this.eventsById.set(record.id, record);
    return record;
  }

  findEvent(id: string): EventRecord | undefined {
    return this.eventsById.get(id);
  }

  /** Events of one endpoint, oldest first. */
  eventsOf(endpointId: string): EventRecord[] {
    return [...this.eventsById.values()]
      .filter((event) => event.endpointId === endpointId)
      .sort((a, b) => a.createdAt.micros - b.createdAt.micros);
  }

  /** What Polar's daily task does to events older than 90 days: the payload is dropped. */
  archiveEvent(event: EventRecord): void {
    event.payload = null;
    event.isArchived = true;
    event.modifiedAt = this.clock.now();
  }

  /** Applies changes to an event and bumps `modified_at` when something changed. */
  updateEvent(event: EventRecord, changes: EventChanges): void {
    const before = [event.lastHttpCode, event.succeeded, event.skipped].join();
    if (changes.lastHttpCode !== undefined) event.lastHttpCode = changes.lastHttpCode;
    if (changes.succeeded !== undefined) event.succeeded = changes.succeeded;
    if (changes.skipped !== undefined) event.skipped = changes.skipped;
    if ([event.lastHttpCode, event.succeeded, event.skipped].join() !== before) {
      event.modifiedAt = this.clock.now();
    }
  }

  /** Records one delivery attempt; what it means for the event is the caller's business. */
  recordDelivery(input: NewDelivery): DeliveryRecord {
    const event = this.eventsById.get(input.eventId);
    if (event === undefined) {
      throw new Error(`no webhook event ${input.eventId}`);
    }
    const record: DeliveryRecord = {
      id: randomUUID(),
      eventId: input.eventId,
      endpointId: event.endpointId,
      createdAt: this.clock.now(),
      succeeded: input.succeeded,
      httpCode: input.httpCode,
      response: input.response,
    };
    this.deliveryList.push(record);
    this.deliveryCounts.set(event.id, this.deliveryCount(event.id) + 1);
    return record;
  }

  /** How many attempts an event has had (Polar counts its delivery rows). */
  deliveryCount(eventId: string): number {
    return this.deliveryCounts.get(eventId) ?? 0;
  }

  /** All deliveries, newest first. */
  deliveries(): DeliveryRecord[] {
    return [...this.deliveryList].sort(byCreatedAtDesc);
  }
}

export function toEndpointResource(record: EndpointRecord): WebhookEndpointResource {
  return {
    created_at: record.createdAt.iso,
    modified_at: record.modifiedAt?.iso ?? null,
    id: record.id,
    url: record.url,
    name: record.name,
    api_version: record.apiVersion,
    format: record.format,
    secret: record.secret,
    organization_id: record.organizationId,
    events: [...record.events],
    enabled: record.enabled,
    uses_standard_webhook_signature: record.usesStandardWebhookSignature,
  } satisfies models.WebhookEndpoint;
}

export function toEventResource(record: EventRecord): WebhookEventResource {
  return {
    created_at: record.createdAt.iso,
    modified_at: record.modifiedAt?.iso ?? null,
    id: record.id,
    last_http_code: record.lastHttpCode,
    succeeded: record.succeeded,
    skipped: record.skipped,
    api_version: record.apiVersion,
    payload: record.payload,
    type: record.type,
    is_archived: record.isArchived,
  } satisfies models.WebhookEvent;
}

export function toDeliveryResource(
  record: DeliveryRecord,
  event: EventRecord,
): WebhookDeliveryResource {
  return {
    created_at: record.createdAt.iso,
    modified_at: null,
    id: record.id,
    succeeded: record.succeeded,
    http_code: record.httpCode,
    response: record.response,
    webhook_event: toEventResource(event),
  } satisfies models.WebhookDelivery;
}

function generateSecretFields(generation: SecretGeneration): {
  value: string;
  usesStandardWebhookSignature: boolean;
} {
  const generated = generateWebhookSecret(generation);
  return {
    value: generated.secret,
    usesStandardWebhookSignature: generated.usesStandardWebhookSignature,
  };
}

function byCreatedAtDesc(a: { createdAt: Timestamp }, b: { createdAt: Timestamp }): number {
  return b.createdAt.micros - a.createdAt.micros;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => item === b[index]);
  }
  return a === b;
}
