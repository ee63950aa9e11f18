/**
 * `polar-webhooks-as-code`, for a Pulumi program: the AWS ingress component (API Gateway → verifying Lambda → SQS,
 * optionally the Polar endpoint itself and a consumer Lambda) and the Polar endpoint resource.
 *
 *   import { PolarWebhookIngress } from "polar-webhooks-as-code";
 *   const ingress = new PolarWebhookIngress("billing", { endpoint: { events: ["order.paid"] } });
 *
 * Endpoints without AWS: `polar-webhooks-as-code/provider`. The consumer's Lambda code: `…/consumer`.
 */
import { missingAwsProviderMessage } from "./peers";

// `@pulumi/aws` is an optional peer (endpoint-only programs need no AWS): say so, not "Cannot find module".
const missing = missingAwsProviderMessage();
if (missing) throw new Error(missing);

export {
  PolarWebhookIngress,
  DEFAULT_ROTATION_GRACE_HOURS,
  MAX_ROTATION_GRACE_HOURS,
  type Consumer,
  type PolarEventConsumerArgs,
  type PolarWebhookIngressArgs,
  type PolarWebhookIngressEndpointArgs,
  type SigningSecrets,
  type QueueKind,
  type LogRetentionDays,
} from "./ingress";
export * from "../providers/polar/package";
