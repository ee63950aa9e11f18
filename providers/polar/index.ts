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
  type ListWebhookDeliveriesQuery,
  MAX_PAGE_SIZE,
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
  isLoopbackUrl,
  detectWebhookFormat,
  WEBHOOK_FORMATS,
  type WebhookFormat,
  type WebhookUrlPolicy,
} from "./url";
export { loopbackWebhookUrlsAllowed } from "./settings";
export { checkWebhookEndpointInputs } from "./check";
export { diffWebhookEndpoint, updateBody } from "./diff";
export {
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
export {
  clientOptionsFromSettings,
  ProviderSettingsError,
  readOnlyRefusal,
  readOnlyRun,
  type ProviderSettings,
} from "./settings";
export { retryDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";
export { rotationInstant } from "./rotation";
export { ownSecretChangeProblem, ownSecretProblem, OWN_SECRET_MIN_LENGTH } from "./own-secret";
export { providerVersionOf } from "./version";
export { parseName, type NameMarker } from "./owner";
