import { webhooks } from "@polar-sh/sdk/2026-10";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  ORDER_BILLING_REASONS,
  type PolarEmulator,
  startPolarEmulator,
  UnknownWebhookEventTypeError,
  WEBHOOK_EVENT_TYPES,
  type WebhookEndpointResource,
} from "./polar";
import { type ReceivedRequest, type Receiver, startReceiver } from "./polar/receiver";
import { call, POLAR_TIMESTAMP, UUID4 } from "./polar/testing";

let polar: PolarEmulator;
let receiver: Receiver;

beforeEach(async () => {
  receiver = await startReceiver();
  polar = await startPolarEmulator({ allowLoopbackUrls: true, deliveryBackoffScale: 0.001 });
});

afterEach(async () => {
  await polar.close();
  await receiver.close();
});

/** An endpoint created through the API: a Standard Webhooks secret, as Polar generates today. */
async function createEndpoint(
  path: string,
  body: Record<string, unknown> = {},
): Promise<WebhookEndpointResource> {
  const response = await call(polar.url, "POST", "/v1/webhooks/endpoints", {
    token: polar.organizationToken,
    body: { url: `${receiver.url}${path}`, format: "raw", events: WEBHOOK_EVENT_TYPES, ...body },
  });
  expect(response.status).toBe(201);
  return response.json as WebhookEndpointResource;
}

function requestsTo(path: string): ReceivedRequest[] {
  return receiver.received.filter((request) => request.path === path);
}

function parsed(
  request: ReceivedRequest,
): { type: string; data: Record<string, unknown> } & Record<string, unknown> {
  return JSON.parse(request.body) as { type: string; data: Record<string, unknown> };
}

describe("emit: delivery like Polar's", () => {
  it("delivers every event type in both signing schemes, and each delivery passes @polar-sh/sdk validateEvent", async () => {
    // Prepare
    const standard = await createEndpoint("/standard", { api_version: "2026-10" });
    const legacy = polar.insertEndpoint({
      url: `${receiver.url}/legacy`,
      events: WEBHOOK_EVENT_TYPES,
      secretGeneration: "legacy",
    });
    const endpoints = { "/standard": standard, "/legacy": legacy };

    // Act
    const emitted = new Map<string, readonly string[]>();
    for (const type of WEBHOOK_EVENT_TYPES) {
      emitted.set(type, (await polar.emit(type)).ids);
    }
    await polar.settled();

    // Assess
    expect(standard.uses_standard_webhook_signature).toBe(true);
    expect(legacy.uses_standard_webhook_signature).toBe(false);
    expect(receiver.received).toHaveLength(2 * WEBHOOK_EVENT_TYPES.length);
    for (const request of receiver.received) {
      const endpoint = endpoints[request.path as keyof typeof endpoints];
      const payload = await webhooks.validateEvent(request.body, request.headers, endpoint.secret);
      expect(payload).toEqual(JSON.parse(request.body));
      expect(payload.api_version).toBe(endpoint.api_version);
      expect(payload.timestamp).toMatch(POLAR_TIMESTAMP);
      expect(emitted.get(payload.type)).toContain(request.headers["webhook-id"]);
      expect(request.method).toBe("POST");
      expect(request.headers).toMatchObject({
        "user-agent": "polar.sh webhooks",
        "content-type": "application/json",
        "webhook-id": expect.stringMatching(UUID4),
        "webhook-timestamp": expect.stringMatching(/^\d{10}$/),
        "webhook-signature": expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
        "webhook-api-version": endpoint.api_version,
      });
    }
  });

  it("keys the HMAC by the endpoint's scheme: the decoded key for standard, the secret's bytes for legacy", async () => {
    // Prepare
    const standard = await createEndpoint("/standard", { events: ["order.paid"] });
    const legacy = polar.insertEndpoint({
      url: `${receiver.url}/legacy`,
      events: ["order.paid"],
      secretGeneration: "legacy",
    });

    // Act
    await polar.emit("order.paid");
    await polar.settled();

    // Assess
    const [toStandard] = requestsTo("/standard");
    const [toLegacy] = requestsTo("/legacy");
    if (toStandard === undefined || toLegacy === undefined) throw new Error("not delivered");
    const spec = (secret: string) => new Webhook(secret);
    const raw = (secret: string) => new Webhook(secret, { format: "raw" });
    expect(() => spec(standard.secret).verify(toStandard.body, toStandard.headers)).not.toThrow();
    expect(() => raw(standard.secret).verify(toStandard.body, toStandard.headers)).toThrow(
      "No matching signature found",
    );
    expect(() => raw(legacy.secret).verify(toLegacy.body, toLegacy.headers)).not.toThrow();
    expect(() => spec(legacy.secret).verify(toLegacy.body, toLegacy.headers)).toThrow(
      "No matching signature found",
    );
  });

  it("creates one event per receiving endpoint and resolves to their ids", async () => {
    // Prepare
    const first = await createEndpoint("/first", { events: ["order.paid"] });
    const second = await createEndpoint("/second", { events: ["order.paid", "order.created"] });
    await createEndpoint("/other-type", { events: ["order.created"] });
    const disabled = await createEndpoint("/disabled", { events: ["order.paid"] });
    polar.updateEndpointOutOfBand(disabled.id, { enabled: false });
    const deleted = await createEndpoint("/deleted", { events: ["order.paid"] });
    polar.deleteEndpointOutOfBand(deleted.id);
    polar.insertEndpoint({
      url: `${receiver.url}/other-organization`,
      events: ["order.paid"],
      organizationId: polar.otherOrganizationId,
    });

    // Act
    const result = await polar.emit("order.paid");
    await polar.settled();

    // Assess
    expect(result.events).toEqual([
      { id: result.id, endpointId: first.id },
      { id: expect.stringMatching(UUID4), endpointId: second.id },
    ]);
    expect(result.ids).toEqual(result.events.map((event) => event.id));
    expect(new Set(result.ids).size).toBe(2);
    expect(
      receiver.received.map((request) => [request.path, request.headers["webhook-id"]]),
    ).toEqual(
      expect.arrayContaining([
        ["/first", result.ids[0]],
        ["/second", result.ids[1]],
      ]),
    );
    expect(receiver.received).toHaveLength(2);
    // One occurrence: the same data for every endpoint, and `created_at` = the payload timestamp.
    const [a, b] = receiver.received.map(parsed);
    expect(a).toEqual(b);
    expect(polar.getEvent(result.ids[0] ?? "")?.created_at).toBe(a?.timestamp);
  });

  it("emits in another organization only to that organization's endpoints", async () => {
    // Prepare
    await createEndpoint("/main", { events: ["customer.created"] });
    const other = polar.insertEndpoint({
      url: `${receiver.url}/other`,
      events: ["customer.created"],
      organizationId: polar.otherOrganizationId,
    });

    // Act
    const result = await polar.emit("customer.created", {
      organizationId: polar.otherOrganizationId,
    });
    await polar.settled();

    // Assess
    expect(result.events).toEqual([{ id: result.id, endpointId: other.id }]);
    expect(receiver.received.map((request) => request.path)).toEqual(["/other"]);
    expect(parsed(receiver.received[0]!).data.organization_id).toBe(polar.otherOrganizationId);
  });

  it("resolves to no event when no endpoint receives the type, as Polar creates none", async () => {
    await createEndpoint("/orders", { events: ["order.paid"] });

    const result = await polar.emit("benefit.created");
    await polar.settled();

    expect(result).toEqual({ id: null, ids: [], events: [] });
    expect(receiver.received).toEqual([]);
  });
});

describe("emit: payloads", () => {
  it("shapes order.created by billing_reason: a purchase has no subscription, the others do", async () => {
    // Prepare
    await createEndpoint("/orders", { events: ["order.created"] });

    // Act
    for (const reason of ORDER_BILLING_REASONS) {
      await polar.emit("order.created", { data: { billing_reason: reason } });
    }
    await polar.settled();

    // Assess
    const orders = receiver.received.map((request) => parsed(request).data);
    expect(orders.map((order) => order.billing_reason)).toEqual([...ORDER_BILLING_REASONS]);
    const [purchase, create, cycle, update] = orders as Record<string, unknown>[];
    expect(purchase).toMatchObject({
      subscription: null,
      subscription_id: null,
      status: "pending",
      paid: false,
      product: { is_recurring: false },
    });
    expect(create).toMatchObject({
      subscription_id: (create?.subscription as { id: string }).id,
      subscription: { status: "active", product_id: (create?.product as { id: string }).id },
      checkout_id: expect.stringMatching(UUID4),
      product: { is_recurring: true, recurring_interval: "month" },
    });
    expect(cycle).toMatchObject({ checkout_id: null, subscription: { status: "active" } });
    expect(update).toMatchObject({
      items: [{ proration: true }],
      subtotal_amount: (create?.subtotal_amount as number) / 2,
    });
    for (const order of orders) {
      expect(order.total_amount).toBe((order.net_amount as number) + (order.tax_amount as number));
      expect(order.customer_id).toBe((order.customer as { id: string }).id);
    }
  });

  it("reports the state each order, subscription and checkout event is about", async () => {
    // Prepare
    const types = [
      "order.paid",
      "order.refunded",
      "subscription.canceled",
      "subscription.revoked",
      "subscription.past_due",
      "checkout.created",
      "checkout.updated",
      "checkout.expired",
      "customer.state_changed",
      "subscription.migrated",
    ] as const;
    await createEndpoint("/all", { events: types });

    // Act
    for (const type of types) await polar.emit(type);
    await polar.settled();

    // Assess
    const byType = new Map(
      receiver.received.map((request) => [parsed(request).type, parsed(request)]),
    );
    expect(byType.get("order.paid")?.data).toMatchObject({ status: "paid", paid: true });
    expect(byType.get("order.refunded")?.data).toMatchObject({
      status: "refunded",
      refunded_amount: byType.get("order.refunded")?.data.net_amount,
      refundable_amount: 0,
    });
    expect(byType.get("subscription.canceled")?.data).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      canceled_at: expect.stringMatching(POLAR_TIMESTAMP),
    });
    expect(byType.get("subscription.revoked")?.data).toMatchObject({
      status: "canceled",
      ended_at: expect.stringMatching(POLAR_TIMESTAMP),
    });
    expect(byType.get("subscription.past_due")?.data).toMatchObject({ status: "past_due" });
    expect(byType.get("checkout.created")?.data).toMatchObject({
      status: "open",
      customer_id: null,
    });
    expect(byType.get("checkout.updated")?.data).toMatchObject({ status: "succeeded" });
    expect(byType.get("checkout.expired")?.data).toMatchObject({ status: "expired" });
    expect(byType.get("customer.state_changed")?.data).toMatchObject({
      type: "individual",
      active_subscriptions: [{ status: "active" }],
      granted_benefits: [{ benefit_type: "custom" }],
    });
    expect(byType.get("subscription.migrated")).toMatchObject({
      provider: "stripe",
      provider_subscription_id: expect.stringMatching(/^sub_/),
    });
  });

  it("deep-merges data overrides into the sample and keeps the rest of it", async () => {
    // Prepare
    await createEndpoint("/orders", { events: ["order.paid"] });

    // Act
    await polar.emit("order.paid", {
      data: {
        customer: { email: "ada@example.org", external_id: "user_42" },
        metadata: { plan: "pro" },
        items: [],
      },
    });
    await polar.settled();

    // Assess
    const order = parsed(receiver.received[0]!).data;
    expect(order.customer).toMatchObject({
      email: "ada@example.org",
      external_id: "user_42",
      name: "Jane Doe",
      type: "individual",
    });
    expect(order.metadata).toEqual({ plan: "pro" });
    expect(order.items).toEqual([]);
    expect(order.status).toBe("paid");
  });

  it("sends Polar's generic chat message to Discord and Slack endpoints, signed alike", async () => {
    // Prepare
    const discord = polar.insertEndpoint({
      url: `${receiver.url}/discord`,
      events: ["order.paid"],
      format: "discord",
    });
    const slack = polar.insertEndpoint({
      url: `${receiver.url}/slack`,
      events: ["order.paid"],
      format: "slack",
    });

    // Act
    await polar.emit("order.paid");
    await polar.settled();

    // Assess
    const [toDiscord] = requestsTo("/discord");
    const [toSlack] = requestsTo("/slack");
    expect(JSON.parse(toDiscord?.body ?? "")).toMatchObject({
      content: "order.paid",
      embeds: [{ title: "order.paid", fields: [{ name: "Object" }, { name: "Organization" }] }],
    });
    expect(toDiscord?.body).toMatch(/^\{"content": "order\.paid", "embeds": \[/);
    expect(JSON.parse(toSlack?.body ?? "")).toMatchObject({ text: "order.paid" });
    expect(() =>
      new Webhook(discord.secret).verify(toDiscord!.body, toDiscord!.headers),
    ).not.toThrow();
    expect(() => new Webhook(slack.secret).verify(toSlack!.body, toSlack!.headers)).not.toThrow();
  });
});

describe("emit: bad input", () => {
  it("refuses an unknown type with a suggestion, and sends nothing", async () => {
    await createEndpoint("/all");

    const error = await polar.emit("order.payed").catch((caught: unknown) => caught);
    await polar.settled();

    expect(error).toBeInstanceOf(UnknownWebhookEventTypeError);
    expect(error).toMatchObject({
      message: 'Unknown webhook event type "order.payed". Did you mean "order.paid"?',
      suggestion: "order.paid",
    });
    expect(receiver.received).toEqual([]);
    const deliveries = await call(polar.url, "GET", "/v1/webhooks/deliveries", {
      token: polar.organizationToken,
    });
    expect(deliveries.json).toMatchObject({ pagination: { total_count: 0 } });
  });

  it("lists Polar's types when nothing is close, and refuses bad data and organizations", async () => {
    await createEndpoint("/all");

    const unknown = await polar.emit("refunds").catch((caught: unknown) => caught);
    const badData = await polar
      .emit("order.paid", { data: [] as never })
      .catch((caught: unknown) => caught);
    const badReason = await polar
      .emit("order.created", { data: { billing_reason: "gift" as "purchase" } })
      .catch((caught: unknown) => caught);
    const badOrganization = await polar
      .emit("order.paid", { organizationId: "00000000-0000-4000-8000-000000000000" })
      .catch((caught: unknown) => caught);
    await polar.settled();

    expect(String(unknown)).toContain("Polar's types are: checkout.created, checkout.updated");
    expect(String(badData)).toContain("emit: data must be an object");
    expect(String(badReason)).toContain(
      'data.billing_reason "gift" is not one of Polar\'s billing reasons: purchase, subscription_create',
    );
    expect(String(badOrganization)).toContain("is not an organization of this emulator");
    expect(receiver.received).toEqual([]);
  });
});
