/**
 * `Checkout` payloads: a checkout of the monthly product, open when created, paid when updated
 * (the update that matters to a consumer), expired when it ran out.
 */
import type { models } from "@polar-sh/sdk/2026-10";

import { generatePolarToken } from "./token";
import { at, CURRENCY, type Sample, sampleAddress, taxOn } from "./sample";

export type CheckoutStage = "created" | "updated" | "expired";

const CHECKOUT_STATUS: Readonly<Record<CheckoutStage, models.CheckoutStatus>> = {
  created: "open",
  updated: "succeeded",
  expired: "expired",
};

export function checkoutData(sample: Sample, stage: CheckoutStage): models.Checkout {
  const { now, customer, monthlyProduct: product, monthlyPrice: price } = sample;
  const clientSecret = generatePolarToken("polar_c_");
  const amount = price.price_amount;
  const tax = taxOn(amount);
  // The customer is known once the checkout form was submitted.
  const submitted = stage === "updated";
  const created = stage === "expired" ? at(now, { minutes: -60 }) : at(now, { minutes: -5 });
  const checkoutProduct: models.CheckoutProduct = {
    id: product.id,
    created_at: product.created_at,
    modified_at: product.modified_at,
    trial_interval: product.trial_interval,
    trial_interval_count: product.trial_interval_count,
    name: product.name,
    description: product.description,
    visibility: product.visibility,
    recurring_interval: product.recurring_interval,
    recurring_interval_count: product.recurring_interval_count,
    meter_interval: product.meter_interval,
    meter_interval_count: product.meter_interval_count,
    is_recurring: product.is_recurring,
    is_archived: product.is_archived,
    organization_id: product.organization_id,
    prices: [price],
    benefits: [
      {
        id: sample.benefit.id,
        created_at: sample.benefit.created_at,
        modified_at: sample.benefit.modified_at,
        type: "custom",
        description: sample.benefit.description,
        selectable: sample.benefit.selectable,
        deletable: sample.benefit.deletable,
        is_deleted: sample.benefit.is_deleted,
        organization_id: sample.benefit.organization_id,
      },
    ],
    medias: [],
  };
  return {
    id: sample.ids.checkout,
    created_at: created,
    modified_at: stage === "created" ? null : at(now),
    custom_field_data: {},
    payment_processor: "stripe",
    status: CHECKOUT_STATUS[stage],
    client_secret: clientSecret,
    url: `https://sandbox.polar.sh/checkout/${clientSecret}`,
    expires_at: stage === "expired" ? at(now) : at(now, { minutes: 55 }),
    success_url: "https://example.com/thanks?checkout_id={CHECKOUT_ID}",
    return_url: null,
    embed_origin: null,
    amount,
    seats: null,
    min_seats: null,
    max_seats: null,
    units: null,
    min_units: null,
    max_units: null,
    discount_amount: 0,
    net_amount: amount,
    tax_amount: submitted ? tax : null,
    tax_behavior: "exclusive",
    total_amount: submitted ? amount + tax : amount,
    currency: CURRENCY,
    allow_trial: null,
    active_trial_interval: null,
    active_trial_interval_count: null,
    trial_end: null,
    organization_id: sample.organizationId,
    product_id: product.id,
    product_price_id: price.id,
    discount_id: null,
    allow_discount_codes: true,
    require_billing_address: false,
    is_discount_applicable: true,
    is_free_product_price: false,
    is_payment_required: true,
    is_payment_setup_required: true,
    is_payment_form_required: true,
    customer_id: submitted ? customer.id : null,
    is_business_customer: false,
    customer_name: submitted ? customer.name : null,
    customer_email: submitted ? customer.email : null,
    customer_ip_address: null,
    customer_billing_name: submitted ? customer.billing_name : null,
    customer_billing_address: submitted ? sampleAddress() : null,
    customer_tax_id: null,
    locale: "en",
    payment_method_type: submitted ? "card" : null,
    payment_processor_metadata: {},
    billing_address_fields: {
      country: "required",
      state: "optional",
      city: "optional",
      postal_code: "optional",
      line1: "optional",
      line2: "optional",
    },
    trial_interval: null,
    trial_interval_count: null,
    metadata: {},
    external_customer_id: null,
    products: [checkoutProduct],
    product: checkoutProduct,
    product_price: price,
    prices: { [product.id]: [price] },
    discount: null,
    subscription_id: submitted ? sample.ids.subscription : null,
    attached_custom_fields: [],
    customer_metadata: {},
  } satisfies models.Checkout;
}
