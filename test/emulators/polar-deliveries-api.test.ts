// The deliveries API and redelivery, on what the emulator actually sent: through our PolarClient
// and through Polar's own SDK, over real sockets.
import { createPolar } from "@polar-sh/sdk/2026-10";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { PolarClient } from "../../providers/polar";
import {
  type PolarEmulator,
  startPolarEmulator,
  type WebhookDeliveryResource,
  type WebhookEndpointResource,
  type WebhookEventType,
} from "./polar";
import { type Receiver, type Responder, startReceiver } from "./polar/receiver";

let polar: PolarEmulator;
let receiver: Receiver;
let client: PolarClient;

beforeEach(async () => {
  receiver = await startReceiver(firstAttemptFails);
  polar = await startPolarEmulator({ deliveryBackoffScale: 0.001 });
  client = new PolarClient({ accessToken: polar.organizationToken, baseUrl: polar.url });
});

afterEach(async () => {
  vi.useRealTimers();
  await client.close();
  await polar.close();
  await receiver.close();
});

function sdk() {
  return createPolar({ accessToken: polar.organizationToken, baseUrl: polar.url });
}

/**
 * `/ok` accepts everything. `/flaky` fails the first attempt of each event (302 for checkouts,
 * 404 for refunds, 503 otherwise) and accepts the retry.
 */
const firstAttemptFails: Responder = (request, index) => {
  if (request.path === "/ok") return { status: 202, body: "accepted" };
  const id = request.headers["webhook-id"];
  const earlier = receiver.received.slice(0, index).some((r) => r.headers["webhook-id"] === id);
  if (earlier) return { status: 200 };
  if (request.body.includes('"type":"checkout.')) {
    return { status: 302, headers: { location: "https://example.com/elsewhere" } };
  }
  return request.body.includes('"type":"refund.') ? { status: 404 } : { status: 503 };
};

const HISTORY: readonly WebhookEventType[] = [
  "order.paid",
  "checkout.created",
  "refund.created",
  "subscription.created",
  "order.paid",
];

/** Two endpoints and the deliveries of HISTORY to both: 5 to `/ok`, 10 to `/flaky`. */
async function deliverHistory(): Promise<{
  ok: WebhookEndpointResource;
  flaky: WebhookEndpointResource;
  all: WebhookDeliveryResource[];
}> {
  const ok = polar.insertEndpoint({ url: `${receiver.url}/ok`, events: [...HISTORY] });
  const flaky = polar.insertEndpoint({ url: `${receiver.url}/flaky`, events: [...HISTORY] });
  for (const type of HISTORY) await polar.emit(type);
  await polar.settled();
  const all = (await client.listWebhookDeliveries({ limit: 100 })).items;
  return { ok, flaky, all: all as WebhookDeliveryResource[] };
}

function ids(items: readonly { id: string }[]): string[] {
  return items.map((item) => item.id);
}

describe("GET /v1/webhooks/deliveries on real deliveries", () => {
  it("lists one delivery per HTTP attempt, newest first, with what was sent and answered", async () => {
    // Act
    const { all } = await deliverHistory();

    // Assess
    expect(all).toHaveLength(15);
    const created = all.map((delivery) => delivery.created_at);
    expect([...created].sort().reverse()).toEqual(created);
    for (const delivery of all) {
      const attempts = receiver.received.filter(
        (request) => request.headers["webhook-id"] === delivery.webhook_event.id,
      );
      expect(attempts.length).toBeGreaterThan(0);
      expect(attempts.every((request) => request.body === delivery.webhook_event.payload)).toBe(
        true,
      );
    }
    const okDelivery = all.find((delivery) => delivery.http_code === 202);
    expect(okDelivery).toMatchObject({ succeeded: true, response: "accepted" });
  });

  it("filters by endpoint, outcome and event type through PolarClient", async () => {
    // Prepare
    const { ok, flaky } = await deliverHistory();

    // Act
    const onlyOk = await client.listWebhookDeliveries({ endpointId: ok.id, limit: 100 });
    const onlyFlaky = await client.listWebhookDeliveries({ endpointId: flaky.id, limit: 100 });
    const both = await client.listWebhookDeliveries({ endpointId: [ok.id, flaky.id], limit: 100 });
    const failed = await client.listWebhookDeliveries({ succeeded: false, limit: 100 });
    const byType = await client.listWebhookDeliveries({
      eventType: ["checkout.created", "refund.created"],
      limit: 100,
    });
    const combined = await client.listWebhookDeliveries({
      endpointId: flaky.id,
      succeeded: true,
      eventType: "order.paid",
    });

    // Assess
    expect(onlyOk.items.map((d) => d.http_code)).toEqual([202, 202, 202, 202, 202]);
    expect(onlyFlaky.items).toHaveLength(10);
    expect(onlyFlaky.items.every((d) => receiverPathOf(d.webhook_event.id) === "/flaky")).toBe(
      true,
    );
    expect(both.pagination.total_count).toBe(15);
    expect(failed.items.map((d) => d.http_code).sort()).toEqual([302, 404, 503, 503, 503]);
    expect(byType.items).toHaveLength(6);
    expect(new Set(byType.items.map((d) => d.webhook_event.type))).toEqual(
      new Set(["checkout.created", "refund.created"]),
    );
    expect(combined.items.map((d) => [d.http_code, d.webhook_event.type])).toEqual([
      [200, "order.paid"],
      [200, "order.paid"],
    ]);
  });

  it("pages newest first with Polar's pagination through PolarClient", async () => {
    // Prepare
    const { all } = await deliverHistory();

    // Act
    const pages = [];
    for (let page = 1; page <= 5; page++) {
      pages.push(await client.listWebhookDeliveries({ limit: 4, page }));
    }

    // Assess
    expect(pages.map((page) => page.items.length)).toEqual([4, 4, 4, 3, 0]);
    expect(pages.every((page) => page.pagination.max_page === 4)).toBe(true);
    expect(pages.flatMap((page) => ids(page.items))).toEqual(ids(all));
  });

  it("filters by HTTP code class, search text and strict time bounds through Polar's SDK", async () => {
    // Prepare
    const { all } = await deliverHistory();
    const webhooks = sdk().webhooks;
    const pivot = all[4]!;
    const flakyOrder = all.find((d) => d.http_code === 503)!;

    // Act
    const byClass = {
      "2xx": await webhooks.listWebhookDeliveries({ http_code_class: "2xx", limit: 100 }),
      "3xx": await webhooks.listWebhookDeliveries({ http_code_class: "3xx" }),
      "4xx": await webhooks.listWebhookDeliveries({ http_code_class: "4xx" }),
      "5xx": await webhooks.listWebhookDeliveries({ http_code_class: "5xx" }),
    };
    const byEvent = await webhooks.listWebhookDeliveries({
      query: flakyOrder.webhook_event.id.toUpperCase(),
    });
    const byCode = await webhooks.listWebhookDeliveries({ query: "503" });
    const newer = await webhooks.listWebhookDeliveries({ start_timestamp: pivot.created_at });
    const older = await webhooks.listWebhookDeliveries({
      end_timestamp: pivot.created_at,
      limit: 100,
    });
    const between = await webhooks.listWebhookDeliveries({
      start_timestamp: all[6]!.created_at,
      end_timestamp: all[2]!.created_at,
    });

    // Assess
    expect(byClass["2xx"].items).toHaveLength(10);
    expect(byClass["3xx"].items.map((d) => d.http_code)).toEqual([302]);
    expect(byClass["4xx"].items.map((d) => d.http_code)).toEqual([404]);
    expect(byClass["5xx"].items.map((d) => d.http_code)).toEqual([503, 503, 503]);
    expect(byEvent.items.map((d) => d.http_code)).toEqual([200, 503]);
    // The search also matches ids that happen to contain the text.
    expect(byCode.items.filter((d) => d.http_code === 503)).toHaveLength(3);
    for (const d of byCode.items) {
      expect(`${d.id} ${d.webhook_event.id} ${d.http_code}`).toContain("503");
    }
    expect(ids(newer.items)).toEqual(ids(all.slice(0, 4)));
    expect(ids(older.items)).toEqual(ids(all.slice(5)));
    expect(ids(between.items)).toEqual(ids(all.slice(3, 6)));
  });

  it("clamps the page size to 100 without an error", async () => {
    // Prepare
    polar.insertEndpoint({ url: `${receiver.url}/ok`, events: ["order.paid"] });
    for (let i = 0; i < 101; i++) await polar.emit("order.paid");
    await polar.settled();

    // Act
    const first = await sdk().webhooks.listWebhookDeliveries({ limit: 500 });
    const second = await client.listWebhookDeliveries({ limit: 500, page: 2 });

    // Assess
    expect(first.items).toHaveLength(100);
    expect(first.pagination).toEqual({ total_count: 101, max_page: 2 });
    expect(second.items).toHaveLength(1);
  });
});

describe("POST /v1/webhooks/events/{id}/redeliver", () => {
  it("re-sends a succeeded event as a new delivery: same webhook-id, fresh timestamp", async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ["Date"] });
    polar.insertEndpoint({ url: `${receiver.url}/ok`, events: ["order.paid"] });
    const { id } = await polar.emit("order.paid");
    await polar.settled();
    vi.setSystemTime(Date.now() + 120_000);

    // Act
    await client.redeliverWebhookEvent(id ?? "");
    await polar.settled();
    vi.setSystemTime(Date.now() + 120_000);
    await sdk().webhooks.redeliverWebhookEvent(id ?? "");
    await polar.settled();

    // Assess
    const attempts = receiver.received;
    expect(attempts.map((request) => request.headers["webhook-id"])).toEqual([id, id, id]);
    const timestamps = attempts.map((request) => Number(request.headers["webhook-timestamp"]));
    expect(timestamps[1]! - timestamps[0]!).toBeGreaterThanOrEqual(120);
    expect(timestamps[2]! - timestamps[1]!).toBeGreaterThanOrEqual(120);
    expect(new Set(attempts.map((request) => request.body)).size).toBe(1);
    const listed = await client.listWebhookDeliveries({});
    expect(listed.items).toHaveLength(3);
    expect(new Set(ids(listed.items))).toHaveProperty("size", 3);
    expect(polar.redeliveries.map((event) => event.id)).toEqual([id, id]);
  });

  it("answers 202 and silently skips an archived event", async () => {
    // Prepare
    polar.insertEndpoint({ url: `${receiver.url}/ok`, events: ["order.paid"] });
    const { id } = await polar.emit("order.paid");
    await polar.settled();
    polar.archiveEvent(id ?? "");

    // Act
    await client.redeliverWebhookEvent(id ?? "");
    await polar.settled();

    // Assess
    expect(receiver.received).toHaveLength(1);
    const [delivery] = (await client.listWebhookDeliveries({})).items;
    expect(delivery?.webhook_event).toMatchObject({ id, is_archived: true, payload: null });
    expect((await client.listWebhookDeliveries({})).items).toHaveLength(1);
  });

  it("answers 202 and skips an event of a disabled endpoint, marking it skipped", async () => {
    // Prepare
    const endpoint = polar.insertEndpoint({ url: `${receiver.url}/ok`, events: ["order.paid"] });
    const { id } = await polar.emit("order.paid");
    await polar.settled();
    await client.updateWebhookEndpoint(endpoint.id, { enabled: false });

    // Act
    await client.redeliverWebhookEvent(id ?? "");
    await polar.settled();
    const whileDisabled = polar.getEvent(id ?? "");
    // Re-enabled in the dashboard: the API refuses to enable a loopback URL.
    polar.updateEndpointOutOfBand(endpoint.id, { enabled: true });
    await client.redeliverWebhookEvent(id ?? "");
    await polar.settled();

    // Assess
    expect(whileDisabled).toMatchObject({ skipped: true, succeeded: true });
    expect(receiver.received).toHaveLength(2);
    expect(polar.getEvent(id ?? "")).toMatchObject({ skipped: false, succeeded: true });
  });

  it("gives a permanently failed event one more attempt and no retries", async () => {
    // Prepare
    polar.insertEndpoint({ url: `${receiver.url}/down`, events: ["order.paid"] });
    receiver.respondWith(() => ({ status: 503 }));
    const { id } = await polar.emit("order.paid");
    await polar.settled();

    // Act
    await client.redeliverWebhookEvent(id ?? "");
    await polar.settled();
    const afterFailedRedelivery = receiver.received.length;
    receiver.respondWith(() => ({ status: 200 }));
    await client.redeliverWebhookEvent(id ?? "");
    await polar.settled();

    // Assess
    expect(afterFailedRedelivery).toBe(11);
    expect(receiver.received).toHaveLength(12);
    expect(polar.getEvent(id ?? "")).toMatchObject({ succeeded: true, last_http_code: 200 });
  });
});

function receiverPathOf(eventId: string): string | undefined {
  return receiver.received.find((request) => request.headers["webhook-id"] === eventId)?.path;
}
