/**
 * Payloads about what the organization sells and grants: products, benefits, discounts,
 * benefit grants, and the organization itself.
 */
import { randomUUID } from "node:crypto";

import type { models } from "@polar-sh/sdk/2026-10";

import { at, productSummary, type Sample } from "./sample";

export function productData(sample: Sample, stage: "created" | "updated"): models.Product {
  const product = sample.monthlyProduct;
  return stage === "created"
    ? { ...product, created_at: at(sample.now) }
    : { ...product, modified_at: at(sample.now) };
}

export function benefitData(sample: Sample, stage: "created" | "updated"): models.Benefit {
  const benefit = sample.benefit;
  return stage === "created"
    ? { ...benefit, created_at: at(sample.now) }
    : { ...benefit, modified_at: at(sample.now) };
}

/** 10 % off the first month of the monthly product, with a code. */
export function discountData(
  sample: Sample,
  stage: "created" | "updated" | "deleted",
): models.Discount {
  return {
    duration: "once",
    type: "percentage",
    basis_points: 1000,
    created_at: stage === "created" ? at(sample.now) : at(sample.now, { days: -14 }),
    modified_at: stage === "created" ? null : at(sample.now),
    id: randomUUID(),
    metadata: {},
    name: "Welcome offer",
    code: "WELCOME10",
    starts_at: null,
    ends_at: null,
    max_redemptions: 100,
    max_redemptions_per_customer: 1,
    redemptions_count: stage === "created" ? 0 : 3,
    organization_id: sample.organizationId,
    products: [productSummary(sample.monthlyProduct)],
  } satisfies models.Discount;
}

export type BenefitGrantStage = "created" | "cycled" | "updated" | "revoked";

/** The sample benefit, granted to the customer through the monthly subscription. */
export function benefitGrantData(
  sample: Sample,
  stage: BenefitGrantStage,
): models.BenefitGrantWebhook {
  const { now } = sample;
  const revoked = stage === "revoked";
  return {
    created_at: stage === "created" ? at(now) : at(now, { months: -1 }),
    modified_at: stage === "created" ? null : at(now),
    id: randomUUID(),
    granted_at: revoked ? null : stage === "created" ? at(now) : at(now, { months: -1 }),
    is_granted: !revoked,
    revoked_at: revoked ? at(now) : null,
    is_revoked: revoked,
    subscription_id: sample.ids.subscription,
    order_id: null,
    customer_id: sample.customer.id,
    member_id: null,
    benefit_id: sample.benefit.id,
    error: null,
    customer: sample.customer,
    member: null,
    benefit: sample.benefit,
    properties: {},
    previous_properties: stage === "updated" ? {} : null,
  } satisfies models.BenefitGrantCustomWebhook;
}

export function organizationData(sample: Sample): models.Organization {
  return {
    created_at: at(sample.now, { months: -12 }),
    modified_at: at(sample.now),
    id: sample.organizationId,
    name: sample.organizationName,
    slug: "acme-inc",
    avatar_url: null,
    proration_behavior: "prorate",
    allow_customer_updates: true,
    email: "billing@example.com",
    website: "https://example.com",
    socials: [],
    status: "active",
    details_submitted_at: at(sample.now, { months: -12 }),
    onboarding_resubmission_requested_at: null,
    sso_enforced: false,
    default_presentment_currency: "usd",
    default_tax_behavior: "location",
    feature_settings: null,
    subscription_settings: {
      allow_multiple_subscriptions: false,
      proration_behavior: "prorate",
      benefit_revocation_grace_period: 0,
      prevent_trial_abuse: false,
      allow_customer_updates: true,
    },
    customer_email_settings: {
      order_confirmation: true,
      payment_method_expiration_reminder: true,
      subscription_cancellation: true,
      subscription_confirmation: true,
      subscription_cycled: true,
      subscription_cycled_after_trial: true,
      subscription_past_due: true,
      subscription_paused: true,
      subscription_resumed: true,
      subscription_renewal_reminder: true,
      subscription_revoked: true,
      subscription_trial_conversion_reminder: true,
      subscription_uncanceled: true,
      subscription_updated: true,
    },
    customer_portal_settings: {
      usage: { show: true },
      subscription: { update_seats: true, update_plan: true },
    },
    dispute_settings: { auto_accept_below_amount: null },
    embed_hosts: [],
    country: "US",
    account_id: randomUUID(),
    payout_account_id: null,
    capabilities: {
      checkout_payments: true,
      subscription_renewals: true,
      payouts: true,
      refunds: true,
      api_access: true,
      dashboard_access: true,
    },
  } satisfies models.Organization;
}
