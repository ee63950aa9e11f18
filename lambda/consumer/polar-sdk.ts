/**
 * Polar's webhook payload types (API version 2026-10) from Polar's own SDK, type-only: nothing of the SDK is bundled.
 * The npm package ships a self-contained copy of these declarations instead (scripts/build-package.sh): the SDK's
 * subpath exports resolve only under `moduleResolution` node16/nodenext/bundler, and Pulumi's TypeScript template
 * resolves the older `node` way.
 */
import type { webhooks } from "@polar-sh/sdk/2026-10";

/** Every payload Polar sends (a union of 42 `{ type, timestamp, api_version, data }` shapes). */
export type WebhookPayload = webhooks.WebhookPayload;
