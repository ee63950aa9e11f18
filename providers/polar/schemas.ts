// Polar's response bodies as zod schemas, built once per process on first use (see memo.ts for why
// not in a module variable) and with zod required where it is used (see client.ts).
import type { ListResource, WebhookDelivery, WebhookEndpoint } from "./types";
import { processMemo } from "./memo";

export interface ParseSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

export interface Schemas {
  endpoint: ParseSchema<WebhookEndpoint>;
  endpointList: ParseSchema<ListResource<WebhookEndpoint>>;
  deliveryList: ParseSchema<ListResource<WebhookDelivery>>;
}

export function schemas(): Schemas {
  return processMemo("response-schemas", buildSchemas);
}

function buildSchemas(): Schemas {
  const { z } = require("zod") as typeof import("zod");
  const endpoint = z.object({
    id: z.string(),
    created_at: z.string(),
    modified_at: z.string().nullable(),
    url: z.string(),
    name: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
    format: z.enum(["raw", "slack", "discord"]),
    secret: z.string(),
    organization_id: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    // Older API deployments lack these two; default to what such an endpoint means.
    api_version: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
    uses_standard_webhook_signature: z.boolean().optional().default(false),
  });
  const pagination = z.object({ total_count: z.number().int(), max_page: z.number().int() });
  const event = z.object({
    id: z.string(),
    created_at: z.string(),
    modified_at: z.string().nullable(),
    last_http_code: z.number().int().nullable(),
    succeeded: z.boolean().nullable(),
    skipped: z.boolean(),
    api_version: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
    payload: z.string().nullable(),
    type: z.string(),
    is_archived: z.boolean(),
  });
  const delivery = z.object({
    id: z.string(),
    created_at: z.string(),
    modified_at: z.string().nullable(),
    succeeded: z.boolean(),
    http_code: z.number().int().nullable(),
    response: z.string().nullable(),
    webhook_event: event,
  });
  return {
    endpoint,
    endpointList: z.object({ items: z.array(endpoint), pagination }),
    deliveryList: z.object({ items: z.array(delivery), pagination }),
  } as Schemas;
}
