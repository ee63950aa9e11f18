/** The peer dependency the component needs and `polar-webhooks-as-code/provider` does not. */
export function missingAwsProviderMessage(
  resolve: (id: string) => string = require.resolve,
): string | undefined {
  try {
    resolve("@pulumi/aws");
    return undefined;
  } catch {
    return (
      "polar-webhooks-as-code: PolarWebhookIngress needs @pulumi/aws (npm install @pulumi/aws@^7.48). " +
      'For Polar endpoints alone, import { WebhookEndpoint } from "polar-webhooks-as-code/provider", which needs no AWS.'
    );
  }
}
