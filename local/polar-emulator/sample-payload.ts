/**
 * One realistic payload outside the emulator, for tools that sign and send it themselves (the
 * operations CLI's `trigger`): the same builders and rendering as `emit`, without an endpoint.
 */
import { timestampFromDate } from "./clock";
import { UnknownWebhookEventTypeError } from "./emit";
import { type ApiVersion, DEFAULT_API_VERSION, isApiVersion, isWebhookEventType } from "./events";
import { createEventContent, createSample, isPlainObject, renderPayload } from "./payloads";
import { suggestEventType } from "./suggest";

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
  const apiVersion: ApiVersion = isApiVersion(options.apiVersion)
    ? options.apiVersion
    : DEFAULT_API_VERSION;
  const now = options.now ?? new Date();
  const sample = createSample(options.organizationId ?? crypto.randomUUID(), now);
  const content = createEventContent(type, sample, options.data ?? {}, timestampFromDate(now).iso);
  return renderPayload(content, apiVersion, "raw");
}
