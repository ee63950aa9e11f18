// Endpoints as code for an app that receives Polar's webhooks itself (a Next.js route on Vercel, say): no AWS.
// The app verifies with the `…Secret` outputs: `pulumi stack output ordersSecret --show-secrets`, or set them in
// the app's environment from CI.
import * as pulumi from "@pulumi/pulumi";
import { WebhookEndpoint } from "polar-webhooks-as-code/provider";

const config = new pulumi.Config();
const appUrl = config.get("appUrl") ?? "https://app.example.com";
// Rotate both signing secrets: `pulumi config set secretRotation 2026-12-06`, then `pulumi up`.
const secretRotation = config.get("secretRotation");

const orders = new WebhookEndpoint("orders", {
  url: `${appUrl}/api/webhooks/polar/orders`,
  events: ["order.paid", "order.refunded"],
  name: "orders",
  ...(secretRotation ? { secretRotation } : {}),
});

const subscriptions = new WebhookEndpoint("subscriptions", {
  url: `${appUrl}/api/webhooks/polar/subscriptions`,
  events: ["subscription.active", "subscription.canceled", "subscription.revoked"],
  name: "subscriptions",
  ...(secretRotation ? { secretRotation } : {}),
});

export const ordersEndpointId = orders.id;
export const ordersSecret = orders.secret; // a Pulumi secret
export const subscriptionsEndpointId = subscriptions.id;
export const subscriptionsSecret = subscriptions.secret;
