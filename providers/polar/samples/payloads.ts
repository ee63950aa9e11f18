/**
 * Webhook payloads as Polar sends them: `{type, timestamp, api_version, data}` with `data`
 * shaped as `@polar-sh/sdk` types it for that event (snake_case, ISO timestamps).
 *
 * Every fixture is typed against the SDK's own types, so a change of the SDK's shapes is a type
 * error here, and `BUILDERS` must have an entry for each event type (the list is the SDK's:
 * lambda/consumer/events.ts checks that).
 */
import { randomBytes } from "node:crypto";

import type { models, webhooks } from "@polar-sh/sdk/2026-10";

import type { WebhookEventType } from "../events";
import type { PolarApiVersion as ApiVersion } from "../model";
import type { WebhookFormat } from "../url";
import {
  benefitData,
  benefitGrantData,
  discountData,
  organizationData,
  productData,
} from "./catalog";
import { type ChatMessage, discordBody, slackBody } from "./chat";
import { checkoutData } from "./checkout";
import { customerData, customerSeatData, customerStateData, memberData } from "./customer";
import { deepMerge, type DeepPartial } from "./merge";
import {
  DEFAULT_BILLING_REASON,
  isOrderBillingReason,
  ORDER_BILLING_REASONS,
  orderData,
  refundData,
} from "./order";
import type { Sample } from "./sample";
import { subscriptionData } from "./subscription";

export { createSample, type Sample } from "./sample";
export { isPlainObject, type DeepPartial } from "./merge";
export { ORDER_BILLING_REASONS } from "./order";

export type WebhookPayloadOf<T extends WebhookEventType> = Extract<
  webhooks.WebhookPayload,
  { type: T }
>;

/** The `data` of an event type, as `@polar-sh/sdk/2026-10` types it. */
export type WebhookEventData<T extends WebhookEventType> = WebhookPayloadOf<T>["data"];

/** Overrides for an event's `data`: any subset of its fields, at any depth. */
export type WebhookDataOverrides<T extends string> = T extends WebhookEventType
  ? DeepPartial<WebhookEventData<T>>
  : Readonly<Record<string, unknown>>;

type Overrides = Readonly<Record<string, unknown>>;
type Builder<T extends WebhookEventType> = (
  sample: Sample,
  overrides: Overrides,
) => WebhookEventData<T>;

const BUILDERS: { readonly [T in WebhookEventType]: Builder<T> } = {
  "checkout.created": (sample) => checkoutData(sample, "created"),
  "checkout.updated": (sample) => checkoutData(sample, "updated"),
  "checkout.expired": (sample) => checkoutData(sample, "expired"),
  "customer.created": (sample) => customerData(sample, "created"),
  "customer.updated": (sample) => customerData(sample, "updated"),
  "customer.deleted": (sample) => customerData(sample, "deleted"),
  "customer.state_changed": (sample) => customerStateData(sample),
  "customer_seat.assigned": (sample) => customerSeatData(sample, "assigned"),
  "customer_seat.claimed": (sample) => customerSeatData(sample, "claimed"),
  "customer_seat.revoked": (sample) => customerSeatData(sample, "revoked"),
  "member.created": (sample) => memberData(sample, "created"),
  "member.updated": (sample) => memberData(sample, "updated"),
  "member.deleted": (sample) => memberData(sample, "deleted"),
  "order.created": (sample, overrides) => orderData(sample, "created", billingReason(overrides)),
  "order.updated": (sample, overrides) => orderData(sample, "updated", billingReason(overrides)),
  "order.paid": (sample, overrides) => orderData(sample, "paid", billingReason(overrides)),
  "order.refunded": (sample, overrides) => orderData(sample, "refunded", billingReason(overrides)),
  "subscription.created": (sample) => subscriptionData(sample, "created"),
  "subscription.updated": (sample) => subscriptionData(sample, "updated"),
  "subscription.active": (sample) => subscriptionData(sample, "active"),
  "subscription.canceled": (sample) => subscriptionData(sample, "canceled"),
  "subscription.uncanceled": (sample) => subscriptionData(sample, "uncanceled"),
  "subscription.cycled": (sample) => subscriptionData(sample, "cycled"),
  "subscription.revoked": (sample) => subscriptionData(sample, "revoked"),
  "subscription.past_due": (sample) => subscriptionData(sample, "past_due"),
  "subscription.paused": (sample) => subscriptionData(sample, "paused"),
  "subscription.resumed": (sample) => subscriptionData(sample, "resumed"),
  "subscription.migrated": (sample) => subscriptionData(sample, "migrated"),
  "refund.created": (sample) => refundData(sample, "created"),
  "refund.updated": (sample) => refundData(sample, "updated"),
  "product.created": (sample) => productData(sample, "created"),
  "product.updated": (sample) => productData(sample, "updated"),
  "discount.created": (sample) => discountData(sample, "created"),
  "discount.updated": (sample) => discountData(sample, "updated"),
  "discount.deleted": (sample) => discountData(sample, "deleted"),
  "benefit.created": (sample) => benefitData(sample, "created"),
  "benefit.updated": (sample) => benefitData(sample, "updated"),
  "benefit_grant.created": (sample) => benefitGrantData(sample, "created"),
  "benefit_grant.cycled": (sample) => benefitGrantData(sample, "cycled"),
  "benefit_grant.updated": (sample) => benefitGrantData(sample, "updated"),
  "benefit_grant.revoked": (sample) => benefitGrantData(sample, "revoked"),
  "organization.updated": (sample) => organizationData(sample),
};

/** The order builders shape the order by `billing_reason`, so it is read before merging. */
function billingReason(overrides: Overrides): models.OrderBillingReason {
  const value = overrides.billing_reason;
  if (value === undefined) {
    return DEFAULT_BILLING_REASON;
  }
  if (!isOrderBillingReason(value)) {
    throw new Error(
      `data.billing_reason ${JSON.stringify(value)} is not one of Polar's billing reasons: ` +
        `${ORDER_BILLING_REASONS.join(", ")}.`,
    );
  }
  return value;
}

/** One event's content, shared by the payloads sent to each endpoint. */
export interface EventContent {
  readonly type: WebhookEventType;
  /** When the event happened (also each event's `created_at`), as Polar prints it. */
  readonly timestamp: string;
  readonly data: { readonly id: string };
  /** Top-level fields besides the envelope (`subscription.migrated` has two). */
  readonly extra: Readonly<Record<string, unknown>>;
  readonly organizationName: string;
}

export function createEventContent(
  type: WebhookEventType,
  sample: Sample,
  overrides: Overrides,
  timestamp: string,
): EventContent {
  const data = deepMerge(BUILDERS[type](sample, overrides), overrides);
  const extra =
    type === "subscription.migrated"
      ? ({
          provider: "stripe",
          provider_subscription_id: `sub_${randomBytes(12).toString("hex")}`,
        } satisfies Omit<webhooks.WebhookSubscriptionMigratedPayload, keyof WebhookPayloadBase>)
      : {};
  return { type, timestamp, data, extra, organizationName: sample.organizationName };
}

type WebhookPayloadBase = Pick<
  webhooks.WebhookPayload,
  "type" | "timestamp" | "api_version" | "data"
>;

/**
 * The exact body Polar stores and sends for one endpoint: compact JSON for `raw` (pydantic's
 * `model_dump_json`), with `api_version` = the endpoint's; a chat message for Discord and Slack.
 */
export function renderPayload(
  content: EventContent,
  apiVersion: ApiVersion,
  format: WebhookFormat,
): string {
  const message: ChatMessage = {
    type: content.type,
    objectId: content.data.id,
    organizationName: content.organizationName,
  };
  switch (format) {
    case "discord":
      return discordBody(message);
    case "slack":
      return slackBody(message);
    case "raw":
      return JSON.stringify({
        type: content.type,
        timestamp: content.timestamp,
        api_version: apiVersion,
        data: content.data,
        ...content.extra,
      });
  }
}
