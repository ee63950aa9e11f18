/**
 * `polar-webhooks-as-code/provider`: Polar webhook endpoints as Pulumi resources, and the Polar API client, without
 * AWS (say, endpoints pointing at an app on Vercel).
 *
 *   import { WebhookEndpoint } from "polar-webhooks-as-code/provider";
 *   const endpoint = new WebhookEndpoint("orders", { url: "https://app.example.com/api/polar", events: ["order.paid"] });
 *   export const signingSecret = endpoint.secret; // a Pulumi secret
 */
export {
  WebhookEndpoint,
  webhookEndpointProvider,
  PolarClient,
  PolarApiError,
  PolarConnectionError,
  PolarResponseError,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_FORMATS,
  POLAR_API_VERSIONS,
  POLAR_SERVER_URLS,
  normalizeWebhookUrl,
  type PolarClientOptions,
  type PolarServer,
  type PolarWebhookEndpoint,
  type WebhookDelivery,
  type WebhookEndpointArgs,
  type WebhookEndpointInputs,
  type WebhookEndpointOutputs,
  type WebhookEventType,
  type WebhookFormat,
} from "./index";
