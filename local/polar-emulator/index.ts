/**
 * A local emulator of Polar's webhook-endpoint API (polar-api.md): what `npm run dev` runs in
 * place of Polar, and what the tests run the client, the provider and the engine against.
 *
 * ```ts
 * const polar = await startPolarEmulator();
 * const client = new PolarClient({ accessToken: polar.organizationToken, baseUrl: polar.url });
 * // … exercise the client; inspect polar.requests, polar.endpoints(); inject polar.faults …
 * const { id } = await polar.emit("order.paid"); // delivered to subscribed endpoints, signed
 * await polar.settled(); // every delivery done, retries included
 * await polar.close();
 * ```
 *
 * Faithful by default: loopback/private URLs are refused, secrets are Standard-Webhooks secrets,
 * errors have Polar's exact shapes. Switches for local pipelines and tests are explicit options.
 */
import { randomUUID } from "node:crypto";

import { type ApiSettings, PolarApi } from "./api";
import { DEFAULT_SCOPES, type Subject, TokenRegistry, type TokenRequest } from "./auth";
import { timestampFromDate } from "./clock";
import { isStandardWebhookSecret } from "./delivery/signing";
import { DeliveryWorker } from "./delivery/worker";
import { emitWebhookEvent } from "./emit";
import { DEFAULT_API_VERSION } from "./events";
import { FaultInjector } from "./faults";
import { startHttpServer, type RecordedRequest } from "./server";
import {
  type DeliveryRecord,
  PolarStore,
  toDeliveryResource,
  toEndpointResource,
  toEventResource,
  type WebhookEventResource,
} from "./store";
import type { InsertEndpointInput, PolarEmulator, PolarEmulatorOptions } from "./types";
import { validateWebhookUrl } from "./url";

export type { TokenKind, TokenRequest } from "./auth";
export { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from "./delivery/backoff";
export { type EmitResult, type EmittedEvent, UnknownWebhookEventTypeError } from "./emit";
export {
  API_VERSIONS,
  type ApiVersion,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_FORMATS,
  type WebhookEventType,
  type WebhookFormat,
} from "./events";
export type {
  CommitThenDropFault,
  CommitThenHoldFault,
  DropConnectionFault,
  FaultKind,
  FaultScope,
  FaultSettings,
  LatencyFault,
  RateLimitFault,
  ServerErrorFault,
  ServerErrorStatus,
} from "./faults";
export {
  ORDER_BILLING_REASONS,
  type WebhookDataOverrides,
  type WebhookEventData,
} from "../../providers/polar/samples";
export { sampleWebhookPayload, type SamplePayloadOptions } from "../../providers/polar/samples";
export { ISSUED_SECRETS_CHANNEL, type IssuedSecret, type SecretGeneration } from "./secrets";
export type { RecordedRequest } from "./server";
export type {
  WebhookDeliveryResource,
  WebhookEndpointResource,
  WebhookEventResource,
} from "./store";
export { suggestEventType } from "./events";
export type {
  EmitOptions,
  EndpointEdit,
  FaultController,
  InsertDeliveryInput,
  InsertEndpointInput,
  InsertEventInput,
  PolarEmulator,
  PolarEmulatorOptions,
} from "./types";
export { normalizeWebhookUrl } from "./url";

/** Polar's delivery timeout (`timeout=10.0` in the worker). */
const DELIVERY_TIMEOUT_MS = 10_000;

export async function startPolarEmulator(
  options: PolarEmulatorOptions = {},
): Promise<PolarEmulator> {
  const delivery = deliverySettings(options);
  const store = new PolarStore();
  const tokens = new TokenRegistry();
  const organizationId = randomUUID();
  const otherOrganizationId = randomUUID();
  const mainUser = TokenRegistry.newUser([organizationId, otherOrganizationId], DEFAULT_SCOPES);
  const organizationToken = tokens.issue({
    kind: "organization",
    organizationId,
    scopes: DEFAULT_SCOPES,
  });
  const userToken = tokens.issue(mainUser);
  /** Organizations events can be emitted in: the two built-in ones and any used since. */
  const organizations = new Set<string>([organizationId, otherOrganizationId]);
  const settings: ApiSettings = {
    allowLoopbackUrls: options.allowLoopbackUrls ?? false,
    secretGeneration: options.secretGeneration ?? "standard",
    resetSecretGeneration: "standard",
    acceptClientSecret: options.acceptClientSecret ?? true,
  };
  const recorded: RecordedRequest[] = [];
  const redeliveries: WebhookEventResource[] = [];
  const faults = new FaultInjector(options.faults);
  const deliveryResource = (record: DeliveryRecord) => {
    const event = store.findEvent(record.eventId);
    if (event === undefined) {
      throw new Error(`polar emulator: no webhook event ${record.eventId}`);
    }
    return toDeliveryResource(record, event);
  };
  const worker = new DeliveryWorker(store, delivery, {
    onDelivery: (record) => options.onDelivery?.(deliveryResource(record)),
  });
  const api = new PolarApi(store, tokens, settings, {
    onRedeliver: (event) => {
      const resource = toEventResource(event);
      redeliveries.push(resource);
      options.onRedeliver?.(resource);
      worker.enqueue(event.id, { redeliver: true });
    },
  });
  const server = await startHttpServer(
    { api, faults, record: (request) => recorded.push(request) },
    options.port,
  );

  const liveRecord = (id: string) => {
    const record = store.findEndpoint(id);
    if (record === undefined) {
      throw new Error(`polar emulator: no live webhook endpoint ${id}`);
    }
    return record;
  };
  const eventRecord = (id: string) => {
    const record = store.findEvent(id);
    if (record === undefined) {
      throw new Error(`polar emulator: no webhook event ${id}`);
    }
    return record;
  };
  let closed: Promise<void> | undefined;

  return {
    url: server.url,
    port: server.port,
    organizationId,
    otherOrganizationId,
    organizationToken,
    userToken,
    settings,
    faults: {
      set: (faultSettings) => faults.set(faultSettings),
      clear: (kind) => faults.clear(kind),
      active: () => faults.active(),
    },
    get requests() {
      return [...recorded];
    },
    get redeliveries() {
      return [...redeliveries];
    },
    resetRequests: () => {
      recorded.length = 0;
    },
    createToken: (request) => {
      const subject = subjectFor(request, mainUser, organizationId);
      if (subject.kind === "organization") organizations.add(subject.organizationId);
      return tokens.issue(subject);
    },
    revokeToken: (token) => {
      tokens.revoke(token);
    },
    endpoints: () => store.liveEndpoints().map(toEndpointResource),
    getEndpoint: (id, lookup = {}) => {
      const record = lookup.includeDeleted
        ? store.findEndpointIncludingDeleted(id)
        : store.findEndpoint(id);
      return record === undefined ? undefined : toEndpointResource(record);
    },
    insertEndpoint: (input) => {
      checkInsertedSecret(input);
      const record = store.createEndpoint({
        organizationId: input.organizationId ?? organizationId,
        url: normalizeForInsert(input.url),
        name: input.name ?? null,
        apiVersion: input.apiVersion ?? DEFAULT_API_VERSION,
        format: input.format ?? "raw",
        events: input.events ?? [],
        enabled: input.enabled ?? true,
        secretGeneration: input.secretGeneration ?? settings.secretGeneration,
        ...(input.secret === undefined
          ? {}
          : {
              secret: {
                value: input.secret,
                usesStandardWebhookSignature: input.usesStandardWebhookSignature ?? false,
              },
            }),
        ...(input.createdAt === undefined ? {} : { createdAt: timestampFromDate(input.createdAt) }),
      });
      organizations.add(record.organizationId);
      return toEndpointResource(record);
    },
    updateEndpointOutOfBand: (id, edit) => {
      const record = liveRecord(id);
      if (edit.name === null && record.name !== null) {
        // The dashboard can clear a name; the API cannot (PATCH drops nulls).
        record.name = null;
        record.modifiedAt = store.clock.now();
      }
      const updated = store.updateEndpoint(record, {
        ...(edit.url === undefined ? {} : { url: normalizeForInsert(edit.url) }),
        ...(edit.name == null ? {} : { name: edit.name }),
        ...(edit.events === undefined ? {} : { events: edit.events }),
        ...(edit.format === undefined ? {} : { format: edit.format }),
        ...(edit.enabled === undefined ? {} : { enabled: edit.enabled }),
        ...(edit.apiVersion === undefined ? {} : { apiVersion: edit.apiVersion }),
      });
      return toEndpointResource(updated);
    },
    deleteEndpointOutOfBand: (id) => store.softDeleteEndpoint(liveRecord(id)),
    autoDisable: (id) => {
      const record = liveRecord(id);
      worker.disableEndpoint(record);
      return toEndpointResource(record);
    },
    insertEvent: (input) =>
      toEventResource(
        store.createEvent({
          endpointId: input.endpointId,
          type: input.type,
          payload: input.payload ?? null,
          ...(input.id === undefined ? {} : { id: input.id }),
        }),
      ),
    insertDelivery: (input) => {
      const event = eventRecord(input.eventId);
      const record = store.recordDelivery({
        eventId: input.eventId,
        succeeded: input.succeeded,
        httpCode: input.httpCode,
        response: input.response ?? null,
      });
      store.updateEvent(event, {
        succeeded: input.succeeded,
        ...(input.httpCode === null ? {} : { lastHttpCode: input.httpCode }),
      });
      return toDeliveryResource(record, event);
    },
    emit: async (type, emitOptions = {}) => {
      if (closed !== undefined) {
        throw new Error("polar emulator: emit after close()");
      }
      const organization = emitOptions.organizationId ?? organizationId;
      if (!organizations.has(organization)) {
        throw new Error(
          `emit: organizationId ${JSON.stringify(organization)} is not an organization of this emulator; ` +
            "use emulator.organizationId, emulator.otherOrganizationId or one of an inserted endpoint.",
        );
      }
      return emitWebhookEvent(store, (eventId) => worker.enqueue(eventId), {
        type,
        data: emitOptions.data,
        organizationId: organization,
      });
    },
    settled: () => worker.settled(),
    getEvent: (id) => {
      const record = store.findEvent(id);
      return record === undefined ? undefined : toEventResource(record);
    },
    archiveEvent: (id) => {
      const record = eventRecord(id);
      store.archiveEvent(record);
      return toEventResource(record);
    },
    close: () => {
      worker.stop();
      closed ??= server.close();
      return closed;
    },
  };
}

function subjectFor(request: TokenRequest, mainUser: Subject, organizationId: string): Subject {
  const scopes = [...(request.scopes ?? DEFAULT_SCOPES)];
  if (request.kind === "organization") {
    return {
      kind: "organization",
      organizationId: request.organizationId ?? organizationId,
      scopes,
    };
  }
  if (request.organizationIds === undefined && mainUser.kind === "user") {
    return { ...mainUser, scopes };
  }
  return TokenRegistry.newUser(request.organizationIds ?? [], scopes);
}

/**
 * Out-of-band URLs get the API's normalization but not its host policy: the dashboard path is
 * how tests plant endpoints that the API would refuse (e.g. loopback receivers).
 */
function normalizeForInsert(url: string): string {
  const result = validateWebhookUrl(url, { allowLoopbackUrls: true });
  if (result.ok) {
    return result.url;
  }
  try {
    return new URL(url.trim()).href;
  } catch {
    throw new Error(`polar emulator: invalid webhook URL ${JSON.stringify(url)}`);
  }
}

function deliverySettings(options: PolarEmulatorOptions): {
  backoffScale: number;
  timeoutMs: number;
} {
  const backoffScale = options.deliveryBackoffScale ?? 1;
  const timeoutMs = options.deliveryTimeoutMs ?? DELIVERY_TIMEOUT_MS;
  if (!Number.isFinite(backoffScale) || backoffScale < 0) {
    throw new Error(
      `deliveryBackoffScale must be a number ≥ 0 (1 = Polar's schedule), got ${String(backoffScale)}`,
    );
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(
      `deliveryTimeoutMs must be a number of milliseconds > 0, got ${String(timeoutMs)}`,
    );
  }
  return { backoffScale, timeoutMs };
}

/** Polar could not sign deliveries to such an endpoint; refuse it rather than fail later. */
function checkInsertedSecret(input: InsertEndpointInput): void {
  if (
    input.secret !== undefined &&
    input.usesStandardWebhookSignature === true &&
    !isStandardWebhookSecret(input.secret)
  ) {
    throw new Error(
      "insertEndpoint: with usesStandardWebhookSignature the secret must be whsec_ followed by a " +
        "base64 key; leave usesStandardWebhookSignature unset for a legacy secret.",
    );
  }
}
