// The public surface of providers/polar: other parts import only from here.
export { WebhookEndpoint, type WebhookEndpointArgs } from "./resource";
export { webhookEndpointProvider, WebhookEndpointProvider } from "./provider";
export {
  PolarClient,
  POLAR_API_VERSION,
  POLAR_SERVER_URLS,
  type PolarClientOptions,
  type PolarServer,
  type WebhookEndpoint as PolarWebhookEndpoint,
  type WebhookEndpointCreate,
  type WebhookEndpointUpdate,
  type WebhookDelivery,
  type ListResource,
} from "./client";
export { PolarApiError, PolarConnectionError, PolarResponseError } from "./errors";
export {
  WEBHOOK_EVENT_TYPES,
  isWebhookEventType,
  suggestEventType,
  closestMatch,
  type WebhookEventType,
} from "./events";
export {
  normalizeWebhookUrl,
  webhookUrlProblem,
  detectWebhookFormat,
  WEBHOOK_FORMATS,
  type WebhookFormat,
} from "./url";
export {
  checkWebhookEndpointInputs,
  diffWebhookEndpoint,
  updateBody,
  POLAR_API_VERSIONS,
  POLAR_DEFAULT_API_VERSION,
  type WebhookEndpointInputs,
  type WebhookEndpointOutputs,
} from "./model";
export {
  apiUrlOf,
  describeApiUrl,
  locationChange,
  normalizeApiUrl,
  tokenFingerprint,
  unreachableMessage,
  type EndpointLocation,
} from "./location";
export { retryDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";
export { ownSecretChangeProblem, ownSecretProblem, OWN_SECRET_MIN_LENGTH } from "./own-secret";
export { providerVersionOf } from "./version";
