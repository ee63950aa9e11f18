/**
 * One realistic payload, for tools that sign and send it themselves (the operations CLI's `trigger`): the same
 * builders and rendering as the emulator's `emit`, without an endpoint.
 */
import {
  isWebhookEventType,
  suggestEventType,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from "../events";
import { POLAR_API_VERSIONS, POLAR_DEFAULT_API_VERSION, type PolarApiVersion } from "../model";
import { createEventContent, createSample, isPlainObject, renderPayload } from "./payloads";
import { timestampFromDate } from "./time";

/** An event type Polar does not have, with the nearest one when it looks like a typo. */
export class UnknownWebhookEventTypeError extends Error {
  constructor(
    readonly type: string,
    readonly suggestion: WebhookEventType | undefined,
  ) {
    super(
      suggestion === undefined
        ? `Unknown webhook event type ${JSON.stringify(type)}; Polar's types are: ${WEBHOOK_EVENT_TYPES.join(", ")}.`
        : `Unknown webhook event type ${JSON.stringify(type)}. Did you mean "${suggestion}"?`,
    );
    this.name = "UnknownWebhookEventTypeError";
  }
}

function isApiVersion(value: unknown): value is PolarApiVersion {
  return (POLAR_API_VERSIONS as readonly unknown[]).includes(value);
}

export interface SamplePayloadOptions {
  /** Deep-merged into the sample `data` (for `order.*`, `billing_reason` shapes the order). */
  readonly data?: unknown;
  /** The organization the sample objects belong to; default a fresh id. */
  readonly organizationId?: string;
  /** The endpoint's `api_version`; default Polar's default. */
  readonly apiVersion?: string | null;
  readonly now?: Date;
}

/** The compact JSON body Polar would send to a `raw` endpoint for an event of `type`. */
export function sampleWebhookPayload(type: string, options: SamplePayloadOptions = {}): string {
  if (!isWebhookEventType(type)) {
    throw new UnknownWebhookEventTypeError(type, suggestEventType(type));
  }
  if (options.data !== undefined && !isPlainObject(options.data)) {
    throw new Error(`data must be an object of fields to override in the ${type} payload's data.`);
  }
  const apiVersion: PolarApiVersion = isApiVersion(options.apiVersion)
    ? options.apiVersion
    : POLAR_DEFAULT_API_VERSION;
  const now = options.now ?? new Date();
  const sample = createSample(options.organizationId ?? crypto.randomUUID(), now);
  const content = createEventContent(type, sample, options.data ?? {}, timestampFromDate(now).iso);
  return renderPayload(content, apiVersion, "raw");
}
