/**
 * A local emulator of Polar's webhook-endpoint API (polar-api.md): what `npm run dev` runs in
 * place of Polar, and what the tests run the client, the provider and the engine against.
 *
 * ```ts
 * const polar = await startPolarEmulator();
 * const client = new PolarClient({ accessToken: polar.organizationToken, baseUrl: polar.url });
 * // … exercise the client; inspect polar.requests, polar.endpoints(); inject polar.faults …
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
import {
  type ApiVersion,
  DEFAULT_API_VERSION,
  type WebhookEventType,
  type WebhookFormat,
} from "./events";
import { FaultInjector, type FaultKind, type FaultSettings } from "./faults";
import { type SecretGeneration } from "./secrets";
import { startHttpServer, type RecordedRequest } from "./server";
import {
  type EventRecord,
  PolarStore,
  toDeliveryResource,
  toEndpointResource,
  toEventResource,
  type WebhookDeliveryResource,
  type WebhookEndpointResource,
  type WebhookEventResource,
} from "./store";
import { validateWebhookUrl } from "./url";

export type { TokenKind, TokenRequest } from "./auth";
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
  DropConnectionFault,
  FaultKind,
  FaultScope,
  FaultSettings,
  LatencyFault,
  RateLimitFault,
  ServerErrorFault,
  ServerErrorStatus,
} from "./faults";
export type { SecretGeneration } from "./secrets";
export type { RecordedRequest } from "./server";
export type {
  WebhookDeliveryResource,
  WebhookEndpointResource,
  WebhookEventResource,
} from "./store";
export { normalizeWebhookUrl } from "./url";

export interface PolarEmulatorOptions {
  /** Port on 127.0.0.1; a free one when absent. */
  readonly port?: number;
  /**
   * Secret form for endpoints created through the API. `standard` (default): Polar after
   * 2026-09-08. `legacy`: the 43-character form signed with the UTF-8 bytes of the secret.
   */
  readonly secretGeneration?: SecretGeneration;
  /**
   * Accept loopback `http`/`https` URLs (localhost, 127/8, [::1]); real Polar refuses them with
   * 422. Default false. Only for local pipeline tests.
   */
  readonly allowLoopbackUrls?: boolean;
  /** Faults active from the first request. */
  readonly faults?: FaultSettings;
  /** Called when a redelivery is scheduled through the API. */
  readonly onRedeliver?: (event: WebhookEventResource) => void;
}

/** An endpoint created "behind Pulumi's back", e.g. in the dashboard. */
export interface InsertEndpointInput {
  /** Normalized like the API does; loopback and private hosts are allowed here. */
  readonly url: string;
  readonly events?: readonly WebhookEventType[];
  readonly format?: WebhookFormat;
  readonly name?: string | null;
  readonly enabled?: boolean;
  readonly apiVersion?: ApiVersion;
  /** Defaults to the emulator's main organization. */
  readonly organizationId?: string;
  /** Secret form; default: the emulator's `secretGeneration`. Ignored when `secret` is given. */
  readonly secretGeneration?: SecretGeneration;
  /** An explicit secret, with the signing scheme Polar would use for it (default legacy). */
  readonly secret?: string;
  readonly usesStandardWebhookSignature?: boolean;
  readonly createdAt?: Date;
}

/** Out-of-band edits, as someone in the dashboard could make them. */
export interface EndpointEdit {
  readonly url?: string;
  readonly name?: string | null;
  readonly events?: readonly WebhookEventType[];
  readonly format?: WebhookFormat;
  readonly enabled?: boolean;
  readonly apiVersion?: ApiVersion;
}

export interface InsertEventInput {
  readonly endpointId: string;
  readonly type: WebhookEventType;
  /** The exact JSON string Polar sent; null for an archived event. */
  readonly payload?: string | null;
  readonly id?: string;
}

export interface InsertDeliveryInput {
  readonly eventId: string;
  readonly succeeded: boolean;
  readonly httpCode: number | null;
  readonly response?: string | null;
}

export interface FaultController {
  /** Turns on faults (replacing active faults of the same kind). */
  set(settings: FaultSettings): void;
  /** Switches off one kind of fault, or all. */
  clear(kind?: FaultKind): void;
  /** Active faults with their remaining counts. */
  active(): FaultSettings;
}

export interface PolarEmulator {
  /** Base URL, e.g. `http://127.0.0.1:43121`; routes live under `${url}/v1/…`. */
  readonly url: string;
  readonly port: number;
  /** The main organization (the organization token's). */
  readonly organizationId: string;
  /** A second organization the main user also manages. */
  readonly otherOrganizationId: string;
  /** `polar_oat_…` of `organizationId`, scopes `webhooks:read webhooks:write`. */
  readonly organizationToken: string;
  /** `polar_pat_…` of a user managing both organizations, same scopes. */
  readonly userToken: string;
  /** Every request so far, oldest first (a copy). */
  readonly requests: readonly RecordedRequest[];
  readonly faults: FaultController;
  /** Current switches; assignable at run time. */
  readonly settings: ApiSettings;
  resetRequests(): void;
  /** A new token; unknown scopes are kept (they just grant nothing here). */
  createToken(request: TokenRequest): string;
  /** Makes a token unknown (later requests get 401 `invalid_token`). */
  revokeToken(token: string): void;
  /** Live (not soft-deleted) endpoints of all organizations, newest first. */
  endpoints(): WebhookEndpointResource[];
  /** A live endpoint; soft-deleted ones only with `includeDeleted`. */
  getEndpoint(
    id: string,
    options?: { includeDeleted?: boolean },
  ): WebhookEndpointResource | undefined;
  insertEndpoint(input: InsertEndpointInput): WebhookEndpointResource;
  updateEndpointOutOfBand(id: string, edit: EndpointEdit): WebhookEndpointResource;
  /** Soft delete, as a delete in the dashboard. */
  deleteEndpointOutOfBand(id: string): void;
  /** What Polar does after 10 consecutive failed events: `enabled = false`. */
  autoDisable(id: string): WebhookEndpointResource;
  insertEvent(input: InsertEventInput): WebhookEventResource;
  insertDelivery(input: InsertDeliveryInput): WebhookDeliveryResource;
  /** Events whose redelivery was requested through the API, in order. */
  readonly redeliveries: readonly WebhookEventResource[];
  close(): Promise<void>;
}

export async function startPolarEmulator(
  options: PolarEmulatorOptions = {},
): Promise<PolarEmulator> {
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
  const settings: ApiSettings = {
    allowLoopbackUrls: options.allowLoopbackUrls ?? false,
    secretGeneration: options.secretGeneration ?? "standard",
    resetSecretGeneration: "standard",
  };
  const recorded: RecordedRequest[] = [];
  const redeliveries: WebhookEventResource[] = [];
  const faults = new FaultInjector(options.faults);
  const api = new PolarApi(store, tokens, settings, {
    onRedeliver: (event: EventRecord) => {
      const resource = toEventResource(event);
      redeliveries.push(resource);
      options.onRedeliver?.(resource);
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
    createToken: (request) => tokens.issue(subjectFor(request, mainUser, organizationId)),
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
    autoDisable: (id) =>
      toEndpointResource(store.updateEndpoint(liveRecord(id), { enabled: false })),
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
      const delivery = store.recordDelivery({
        eventId: input.eventId,
        succeeded: input.succeeded,
        httpCode: input.httpCode,
        response: input.response ?? null,
      });
      const event = store.findEvent(input.eventId);
      if (event === undefined) {
        throw new Error(`polar emulator: no webhook event ${input.eventId}`);
      }
      return toDeliveryResource(delivery, event);
    },
    close: () => {
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
