/**
 * The objects one emitted event talks about: a customer, a one-time and a monthly product with
 * their prices, and a benefit, all in one organization and linked by id, so that an order's
 * `customer_id` is its `customer.id` and a subscription's `product` carries its `prices`.
 *
 * Built fresh for every `emit` (new ids), as Polar's events are about new objects. Amounts are in
 * cents; timestamps are printed the way pydantic prints them.
 */
import { randomUUID } from "node:crypto";

import type { models } from "@polar-sh/sdk/2026-10";

import { timestampFromDate } from "./time";

export interface Sample {
  readonly organizationId: string;
  readonly organizationName: string;
  readonly now: Date;
  readonly customer: models.CustomerIndividual;
  readonly oneTimeProduct: models.Product;
  readonly oneTimePrice: models.ProductPriceFixed;
  readonly monthlyProduct: models.Product;
  readonly monthlyPrice: models.ProductPriceFixed;
  readonly benefit: models.BenefitCustom;
  /** Ids of objects that several payloads mention (order, subscription, checkout). */
  readonly ids: {
    readonly order: string;
    readonly subscription: string;
    readonly checkout: string;
    readonly member: string;
  };
}

/** The price of the monthly product, before tax. */
export const MONTHLY_AMOUNT = 2000;
/** The price of the one-time product, before tax. */
export const ONE_TIME_AMOUNT = 4900;
export const CURRENCY = "usd";
/** A flat 20 % tax keeps amounts easy to read. */
export const TAX_RATE = 0.2;

const ORGANIZATION_NAME = "Acme Inc.";

export function createSample(organizationId: string, now: Date = new Date()): Sample {
  const created = at(now, { days: -30 });
  const customer: models.CustomerIndividual = {
    id: randomUUID(),
    created_at: created,
    modified_at: null,
    metadata: {},
    external_id: null,
    email: "jane.doe@example.com",
    email_verified: true,
    type: "individual",
    name: "Jane Doe",
    billing_name: "Jane Doe",
    billing_address: sampleAddress(),
    tax_id: null,
    locale: "en",
    organization_id: organizationId,
    default_payment_method_id: null,
    deleted_at: null,
    first_user_event_at: null,
    avatar_url: null,
  };
  const benefit: models.BenefitCustom = {
    id: randomUUID(),
    created_at: at(now, { days: -90 }),
    modified_at: null,
    type: "custom",
    description: "Priority support",
    selectable: true,
    deletable: true,
    is_deleted: false,
    organization_id: organizationId,
    metadata: {},
    visibility: "public",
    properties: { note: "Write to support@example.com with your order number." },
    visibility_configurable: true,
  };
  const oneTime = product(organizationId, now, benefit, {
    name: "Lifetime License",
    amount: ONE_TIME_AMOUNT,
    recurring: false,
  });
  const monthly = product(organizationId, now, benefit, {
    name: "Pro Monthly",
    amount: MONTHLY_AMOUNT,
    recurring: true,
  });
  return {
    organizationId,
    organizationName: ORGANIZATION_NAME,
    now,
    customer,
    oneTimeProduct: oneTime.product,
    oneTimePrice: oneTime.price,
    monthlyProduct: monthly.product,
    monthlyPrice: monthly.price,
    benefit,
    ids: {
      order: randomUUID(),
      subscription: randomUUID(),
      checkout: randomUUID(),
      member: randomUUID(),
    },
  };
}

function product(
  organizationId: string,
  now: Date,
  benefit: models.BenefitCustom,
  shape: { name: string; amount: number; recurring: boolean },
): { product: models.Product; price: models.ProductPriceFixed } {
  const id = randomUUID();
  const created = at(now, { days: -90 });
  const price: models.ProductPriceFixed = {
    created_at: created,
    modified_at: null,
    id: randomUUID(),
    source: "catalog",
    amount_type: "fixed",
    price_currency: CURRENCY,
    tax_behavior: "exclusive",
    is_archived: false,
    product_id: id,
    price_amount: shape.amount,
  };
  const sampleProduct: models.Product = {
    id,
    created_at: created,
    modified_at: null,
    trial_interval: null,
    trial_interval_count: null,
    name: shape.name,
    description: shape.recurring ? "Everything in Pro, billed monthly." : "Pay once, use forever.",
    visibility: "public",
    recurring_interval: shape.recurring ? "month" : null,
    recurring_interval_count: shape.recurring ? 1 : null,
    meter_interval: null,
    meter_interval_count: null,
    is_recurring: shape.recurring,
    is_archived: false,
    organization_id: organizationId,
    metadata: {},
    is_deletable: false,
    prices: [price],
    benefits: [benefit],
    medias: [],
    attached_custom_fields: [],
  };
  return { product: sampleProduct, price };
}

export function sampleAddress(): models.Address {
  return {
    line1: "1 Market Street",
    line2: null,
    postal_code: "94105",
    city: "San Francisco",
    state: "US-CA",
    country: "US",
  };
}

/** `Product` without its lists, as orders and discounts embed it. */
export function productSummary(product: models.Product): models.OrderProduct {
  const {
    prices: _prices,
    benefits: _benefits,
    medias: _medias,
    attached_custom_fields: _fields,
    is_deletable: _deletable,
    ...summary
  } = product;
  return summary;
}

export function taxOn(amount: number): number {
  return Math.round(amount * TAX_RATE);
}

export interface Offset {
  readonly days?: number;
  readonly minutes?: number;
  readonly months?: number;
}

/** `now` moved by an offset, printed as Polar prints datetimes. */
export function at(now: Date, offset: Offset = {}): string {
  const moved = new Date(now.getTime());
  if (offset.months !== undefined) moved.setUTCMonth(moved.getUTCMonth() + offset.months);
  const millis =
    moved.getTime() + ((offset.days ?? 0) * 24 * 60 + (offset.minutes ?? 0)) * 60 * 1000;
  return timestampFromDate(new Date(millis)).iso;
}
