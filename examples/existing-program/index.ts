// An existing Pulumi program (it already keeps invoices in S3) that adds Polar's webhooks: the endpoint in Polar,
// API Gateway → a Lambda that verifies Polar's signature → SQS, and a consumer Lambda for the events.
import * as aws from "@pulumi/aws";
import { PolarWebhookIngress } from "polar-webhooks-as-code";

const invoices = new aws.s3.Bucket("invoices");

const polar = new PolarWebhookIngress("billing", {
  // Created in Polar at this ingress's URL; its signing secret reaches the verifying Lambda through SSM.
  endpoint: { events: ["order.paid", "subscription.revoked"] },
  // Bundled from this file at deploy time (relative to this folder).
  consumer: { entry: "consumer/handler.ts" },
  tags: { team: "billing" },
});

export const invoicesBucket = invoices.bucket;
export const webhookUrl = polar.url;
export const endpointId = polar.endpoint?.id;
export const queueUrl = polar.queue.url;
export const dashboardUrl = polar.dashboardUrl;
