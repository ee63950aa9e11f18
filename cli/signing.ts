/**
 * Signing a test event as Polar would, and finding the secret to sign it with in a stack. Pure.
 */
import { Webhook } from "standardwebhooks";
import { reveal, type StateResource } from "./state";

export type SigningScheme = "standard" | "legacy";

/** The type token of providers/polar's WebhookEndpoint in state. */
export const WEBHOOK_ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";

/** `whsec_` + base64 of the key: the only form Polar signs the Standard Webhooks way. */
const STANDARD_SECRET = /^whsec_(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function looksStandard(secret: string): boolean {
  return STANDARD_SECRET.test(secret);
}

export interface SignedRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Polar's five headers. Standard: the key is the base64 after `whsec_`; legacy: the UTF-8 bytes
 * of the whole secret (polar-api.md §5), which standardwebhooks takes as a raw key.
 */
export function signDelivery(options: {
  secret: string;
  scheme: SigningScheme;
  webhookId: string;
  timestamp: Date;
  body: string;
  apiVersion?: string | null;
}): SignedRequest {
  const webhook =
    options.scheme === "standard"
      ? new Webhook(options.secret)
      : new Webhook(Buffer.from(options.secret, "utf8"), { format: "raw" });
  const seconds = Math.floor(options.timestamp.getTime() / 1000);
  return {
    body: options.body,
    headers: {
      "user-agent": "polar.sh webhooks",
      "content-type": "application/json",
      "webhook-id": options.webhookId,
      "webhook-timestamp": String(seconds),
      "webhook-signature": webhook.sign(options.webhookId, new Date(seconds * 1000), options.body),
      ...(options.apiVersion ? { "webhook-api-version": options.apiVersion } : {}),
    },
  };
}

export interface SigningMaterial {
  readonly secret: string;
  readonly scheme: SigningScheme;
  /** How the scheme was decided, for the user. */
  readonly schemeSource: "endpoint" | "secret format";
  /** Where the secret came from. */
  readonly secretSource: "stack output secret" | "endpoint in the stack's state";
  readonly apiVersion: string | null;
  readonly organizationId: string | undefined;
}

/**
 * The stack's current signing secret: its `secret` output (the dev stack exports one), else the
 * `secret` output of the WebhookEndpoint whose id is the `endpointId` output (the same value the
 * deployed program writes to SSM). The scheme is the endpoint's; without the resource it follows
 * from the secret's form. Undefined when neither exists.
 */
export function signingMaterial(
  outputs: Readonly<Record<string, unknown>>,
  resources: readonly StateResource[],
): SigningMaterial | undefined {
  const endpointId = typeof outputs.endpointId === "string" ? outputs.endpointId : undefined;
  const endpoints = resources.filter((resource) => resource.type === WEBHOOK_ENDPOINT_TYPE);
  // Without an endpointId output, only a lone endpoint is unambiguous (chat endpoints are others).
  const endpoint =
    endpointId === undefined
      ? endpoints.length === 1
        ? endpoints[0]
        : undefined
      : endpoints.find((resource) => resource.id === endpointId);
  const state = endpoint?.outputs ?? {};
  const fromOutput = text(outputs.secret);
  const secret = fromOutput ?? text(state.secret);
  if (secret === undefined) return undefined;
  const standard = plain(state.usesStandardWebhookSignature);
  const known = typeof standard === "boolean";
  return {
    secret,
    scheme: (known ? standard : looksStandard(secret)) ? "standard" : "legacy",
    schemeSource: known ? "endpoint" : "secret format",
    secretSource:
      fromOutput !== undefined ? "stack output secret" : "endpoint in the stack's state",
    apiVersion: text(state.apiVersion) ?? null,
    organizationId: text(state.organizationId),
  };
}

function text(value: unknown): string | undefined {
  const result = plain(value);
  return typeof result === "string" ? result : undefined;
}

/** A string or boolean from state or outputs, in clear. */
function plain(value: unknown): string | boolean | undefined {
  const revealed = reveal(value);
  if (typeof revealed === "string") return revealed === "" ? undefined : revealed;
  return typeof revealed === "boolean" ? revealed : undefined;
}
