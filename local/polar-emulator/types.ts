/**
 * The emulator's public types: its options, the handle `startPolarEmulator` returns, and the
 * inputs of its out-of-band operations (what happens in Polar's dashboard or worker).
 */
import type { TokenRequest } from "./auth";
import type { EmitResult } from "./emit";
import type { ApiVersion, WebhookEventType, WebhookFormat } from "./events";
import type { ApiSettings } from "./api";
import type { FaultKind, FaultSettings } from "./faults";
import type { WebhookDataOverrides } from "../../providers/polar/samples";
import type { SecretGeneration } from "./secrets";
import type { RecordedRequest } from "./server";
import type {
  WebhookDeliveryResource,
  WebhookEndpointResource,
  WebhookEventResource,
} from "./store";

export interface PolarEmulatorOptions {
  /** Port on 127.0.0.1; a free one when absent. */
  readonly port?: number;
  /**
   * Secret form for endpoints created through the API. `standard` (default): Polar after
   * 2026-09-08. `legacy`: the 43-character form signed with the UTF-8 bytes of the secret.
   */
  readonly secretGeneration?: SecretGeneration;
  /** Take a client-chosen `secret` on create (default true), or ignore it (see ApiSettings). */
  readonly acceptClientSecret?: boolean;
  /**
   * Accept loopback `http`/`https` URLs (localhost, 127/8, [::1]); real Polar refuses them with
   * 422. Default false. Only for local pipeline tests.
   */
  readonly allowLoopbackUrls?: boolean;
  /** Faults active from the first request. */
  readonly faults?: FaultSettings;
  /** Called when a redelivery is scheduled through the API. */
  readonly onRedeliver?: (event: WebhookEventResource) => void;
  /**
   * Multiplies every delay of webhook delivery: retry backoff (2 s doubling up to 20 min, with
   * jitter) and the ordering guard. Default 1, Polar's schedule; e.g. 0.001 in tests runs all 10
   * attempts of an event within about two seconds.
   */
  readonly deliveryBackoffScale?: number;
  /** Time allowed for one delivery attempt, in milliseconds. Default 10 000, as Polar. */
  readonly deliveryTimeoutMs?: number;
  /** Called after each delivery attempt has been recorded (one HTTP request). */
  readonly onDelivery?: (delivery: WebhookDeliveryResource) => void;
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
  /**
   * An explicit secret, with the signing scheme Polar would use for it (default legacy; the
   * standard scheme needs `whsec_` + base64).
   */
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

/** An event in the endpoint's history; the emulator does not send it (see `emit`). */
export interface InsertEventInput {
  readonly endpointId: string;
  readonly type: WebhookEventType;
  /** The exact JSON string Polar sent; null (the default) for an archived event. */
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
  /**
   * What Polar does after 10 consecutive permanently failed events (the emulator's own deliveries
   * do it by themselves): `enabled = false`, and pending events are marked skipped.
   */
  autoDisable(id: string): WebhookEndpointResource;
  insertEvent(input: InsertEventInput): WebhookEventResource;
  insertDelivery(input: InsertDeliveryInput): WebhookDeliveryResource;
  /** Events whose redelivery was requested through the API, in order. */
  readonly redeliveries: readonly WebhookEventResource[];
  /**
   * Something happens in an organization: one webhook event is created for every enabled endpoint
   * of the organization subscribed to `type`, and delivered as Polar delivers (signed, retried).
   * `data` is deep-merged into a realistic sample payload (for `order.*`, `billing_reason`
   * also shapes the order). An unknown type rejects with `UnknownWebhookEventTypeError` (with a
   * suggestion) and nothing is sent. Resolves once the events exist; `settled()` waits for their
   * delivery.
   */
  emit<T extends string>(type: T, options?: EmitOptions<T>): Promise<EmitResult>;
  /** Resolves when no delivery is queued or in flight, scheduled retries included. */
  settled(): Promise<void>;
  /** An event (any organization), or undefined. */
  getEvent(id: string): WebhookEventResource | undefined;
  /** What Polar does after 90 days: the payload is dropped and the event cannot be redelivered. */
  archiveEvent(id: string): WebhookEventResource;
  /** Stops delivering (queued retries are dropped) and closes the server. */
  close(): Promise<void>;
}

export interface EmitOptions<T extends string = WebhookEventType> {
  /** Fields of the payload's `data` to override, at any depth; arrays are replaced. */
  readonly data?: WebhookDataOverrides<T>;
  /** Defaults to the emulator's main organization. */
  readonly organizationId?: string;
}
