import { webhooks } from "@polar-sh/sdk/2026-10";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { type PolarEmulator, startPolarEmulator, type WebhookDeliveryResource } from "./polar";
import { type Receiver, type Responder, sequence, startReceiver } from "./polar/receiver";
import { call } from "./polar/testing";
import { REFUSED_ENDPOINT } from "../support/ports";

/** Polar's schedule at a thousandth: ten attempts take about two seconds. */
const SCALE = 0.001;

let polar: PolarEmulator;
let receiver: Receiver;

beforeEach(async () => {
  receiver = await startReceiver();
  polar = await startPolarEmulator({ deliveryBackoffScale: SCALE });
});

afterEach(async () => {
  vi.useRealTimers();
  await polar.close();
  await receiver.close();
});

function endpointAt(
  path: string,
  events: Parameters<PolarEmulator["insertEndpoint"]>[0]["events"],
) {
  return polar.insertEndpoint({ url: `${receiver.url}${path}`, events: events ?? ["order.paid"] });
}

async function deliveries(query = ""): Promise<WebhookDeliveryResource[]> {
  const response = await call(polar.url, "GET", `/v1/webhooks/deliveries?limit=100${query}`, {
    token: polar.organizationToken,
  });
  return (response.json as { items: WebhookDeliveryResource[] }).items;
}

async function endpointEnabled(id: string): Promise<boolean> {
  const response = await call(polar.url, "GET", `/v1/webhooks/endpoints/${id}`, {
    token: polar.organizationToken,
  });
  return (response.json as { enabled: boolean }).enabled;
}

describe("delivery retries", () => {
  it("retries with the same webhook-id and a fresh timestamp until a 2xx, recording each attempt", async () => {
    // Prepare: every request moves the clock a minute on, so each attempt's second differs.
    vi.useFakeTimers({ toFake: ["Date"] });
    const endpoint = endpointAt("/hook", ["order.paid"]);
    const answers = sequence([{ status: 503, body: "busy" }, { status: 500 }], { status: 204 });
    receiver.respondWith((request, index) => {
      vi.setSystemTime(Date.now() + 60_000);
      return answers(request, index);
    });

    // Act
    const { id } = await polar.emit("order.paid");
    const before = receiver.received.length;
    await polar.settled();

    // Assess
    const attempts = receiver.received;
    expect(before).toBe(0);
    expect(attempts.map((request) => request.headers["webhook-id"])).toEqual([id, id, id]);
    const timestamps = attempts.map((request) => Number(request.headers["webhook-timestamp"]));
    expect(timestamps[1]! - timestamps[0]!).toBeGreaterThanOrEqual(60);
    expect(timestamps[2]! - timestamps[1]!).toBeGreaterThanOrEqual(60);
    expect(new Set(attempts.map((request) => request.body)).size).toBe(1);
    const last = attempts[2]!;
    await expect(
      webhooks.validateEvent(last.body, last.headers, endpoint.secret),
    ).resolves.toMatchObject({
      type: "order.paid",
    });
    const recorded = await deliveries();
    expect(
      recorded.map((delivery) => [delivery.succeeded, delivery.http_code, delivery.response]),
    ).toEqual([
      [true, 204, null],
      [
        false,
        500,
        `Server error '500 Internal Server Error' for url '${receiver.url}/hook'\n` +
          "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/500",
      ],
      [false, 503, "busy"],
    ]);
    expect(recorded[0]?.webhook_event).toMatchObject({ id, succeeded: true, last_http_code: 204 });
  });

  it("treats a redirect as a failure and does not follow it", async () => {
    // Prepare
    endpointAt("/hook", ["order.paid"]);
    receiver.respondWith(
      sequence([{ status: 302, headers: { location: `${receiver.url}/moved` } }], { status: 200 }),
    );

    // Act
    await polar.emit("order.paid");
    await polar.settled();

    // Assess
    expect(receiver.received.map((request) => [request.method, request.path])).toEqual([
      ["POST", "/hook"],
      ["POST", "/hook"],
    ]);
    const [success, redirect] = await deliveries();
    expect(success).toMatchObject({ succeeded: true, http_code: 200 });
    expect(redirect).toMatchObject({
      succeeded: false,
      http_code: 302,
      response:
        `Redirect response '302 Found' for url '${receiver.url}/hook'\n` +
        `Redirect location: '${receiver.url}/moved'\n` +
        "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/302",
    });
  });

  it("gives up after 10 attempts: the event fails for good, the endpoint stays enabled", async () => {
    // Prepare
    const endpoint = endpointAt("/hook", ["order.paid"]);
    receiver.respondWith(() => ({ status: 500, body: "upstream down" }));

    // Act
    const { id } = await polar.emit("order.paid");
    await polar.settled();

    // Assess
    expect(receiver.received).toHaveLength(10);
    expect(new Set(receiver.received.map((request) => request.headers["webhook-id"]))).toEqual(
      new Set([id]),
    );
    const recorded = await deliveries();
    expect(recorded).toHaveLength(10);
    expect(recorded.every((delivery) => delivery.response === "upstream down")).toBe(true);
    expect(polar.getEvent(id ?? "")).toMatchObject({ succeeded: false, last_http_code: 500 });
    expect(await endpointEnabled(endpoint.id)).toBe(true);
  });

  it("times out a receiver that does not answer within the timeout, and retries", async () => {
    // Prepare
    await polar.close();
    polar = await startPolarEmulator({ deliveryBackoffScale: SCALE, deliveryTimeoutMs: 150 });
    endpointAt("/slow", ["order.paid"]);
    receiver.respondWith((_request, index) => (index === 0 ? "hang" : { status: 202 }));

    // Act
    await polar.emit("order.paid");
    await polar.settled();

    // Assess
    const [success, timeout] = await deliveries();
    expect(timeout).toMatchObject({ succeeded: false, http_code: null, response: "timed out" });
    expect(success).toMatchObject({ succeeded: true, http_code: 202 });
  });

  it("records an unreachable receiver with the connection error and no HTTP code", async () => {
    // Prepare: a port nothing listens on.
    const endpoint = polar.insertEndpoint({
      url: `${REFUSED_ENDPOINT}/hook`,
      events: ["order.paid"],
    });

    // Act
    const { id } = await polar.emit("order.paid");
    await polar.settled();

    // Assess
    const recorded = await deliveries();
    expect(recorded).toHaveLength(10);
    expect(recorded[0]).toMatchObject({ http_code: null, succeeded: false });
    expect(recorded[0]?.response).toContain("ECONNREFUSED");
    expect(polar.getEvent(id ?? "")).toMatchObject({ succeeded: false, last_http_code: null });
    expect(await endpointEnabled(endpoint.id)).toBe(true);
  });

  it("keeps the first 2048 characters of a response body, without NUL characters", async () => {
    endpointAt("/hook", ["order.paid"]);
    receiver.respondWith(() => ({ status: 200, body: `ok\u0000${"x".repeat(3000)}` }));

    await polar.emit("order.paid");
    await polar.settled();

    const [delivery] = await deliveries();
    expect(delivery?.response).toBe(`ok${"x".repeat(2046)}`);
  });
});

describe("auto-disable", () => {
  it("disables an endpoint after 10 consecutive permanently failed events and skips its pending one", async () => {
    // Prepare: every attempt fails; the 11th event's first attempt is answered only once the endpoint is disabled,
    // so it is still pending when the 10th event fails for good, however loaded the machine.
    const endpoint = endpointAt("/down", ["order.paid"]);
    const seen: string[] = [];
    const disabled = () =>
      vi.waitFor(() => expect(polar.getEndpoint(endpoint.id)?.enabled).toBe(false), {
        timeout: 8_000,
        interval: 20,
      });
    receiver.respondWith((request) => {
      const id = request.headers["webhook-id"] ?? "";
      if (!seen.includes(id)) seen.push(id);
      return seen.indexOf(id) === 10 ? disabled().then(() => ({ status: 503 })) : { status: 503 };
    });

    // Act
    const emitted = [];
    for (let i = 0; i < 11; i++) emitted.push((await polar.emit("order.paid")).id ?? "");
    await polar.settled();
    const afterDisable = await polar.emit("order.paid");
    await polar.settled();

    // Assess
    expect(await endpointEnabled(endpoint.id)).toBe(false);
    const events = emitted.map((id) => polar.getEvent(id));
    expect(events.filter((event) => event?.succeeded === false)).toHaveLength(10);
    expect(events.filter((event) => event?.succeeded === null)).toEqual([
      expect.objectContaining({ skipped: true }),
    ]);
    expect(afterDisable).toEqual({ id: null, ids: [], events: [] });
  });

  it("does not disable an endpoint whose failures are interrupted by a success", async () => {
    // Prepare
    const endpoint = endpointAt("/picky", ["order.paid", "order.created"]);
    const failPaid: Responder = (request) =>
      request.body.includes('"type":"order.paid"') ? { status: 400 } : { status: 200 };
    receiver.respondWith(failPaid);

    // Act
    for (let i = 0; i < 9; i++) await polar.emit("order.paid");
    await polar.settled();
    await polar.emit("order.created");
    await polar.settled();
    await polar.emit("order.paid");
    await polar.settled();

    // Assess
    expect(await endpointEnabled(endpoint.id)).toBe(true);
    expect(await deliveries("&succeeded=false")).toHaveLength(100);
  });
});

describe("settled(), onDelivery and close()", () => {
  it("resolves at once when nothing is pending", async () => {
    await expect(polar.settled()).resolves.toBeUndefined();
  });

  it("reports every attempt to onDelivery as the deliveries API lists it", async () => {
    // Prepare
    await polar.close();
    const reported: WebhookDeliveryResource[] = [];
    polar = await startPolarEmulator({
      deliveryBackoffScale: SCALE,
      onDelivery: (delivery) => reported.push(delivery),
    });
    endpointAt("/hook", ["order.paid"]);
    receiver.respondWith(sequence([{ status: 503 }], { status: 200 }));

    // Act
    await polar.emit("order.paid");
    await polar.settled();

    // Assess
    const listed = await deliveries();
    expect(reported.map((delivery) => [delivery.id, delivery.http_code])).toEqual(
      [...listed].reverse().map((delivery) => [delivery.id, delivery.http_code]),
    );
  });

  it("keeps delivering when an onDelivery hook throws, and settled() reports the error", async () => {
    // Prepare
    await polar.close();
    polar = await startPolarEmulator({
      deliveryBackoffScale: SCALE,
      onDelivery: () => {
        throw new Error("hook broke");
      },
    });
    endpointAt("/hook", ["order.paid"]);
    receiver.respondWith(sequence([{ status: 503 }], { status: 200 }));

    // Act
    await polar.emit("order.paid");
    const settled = polar.settled();

    // Assess
    await expect(settled).rejects.toThrow("hook broke");
    expect(receiver.received).toHaveLength(2);
    await expect(polar.settled()).resolves.toBeUndefined();
  });

  it("close() drops queued retries and aborts attempts in flight", async () => {
    // Prepare
    endpointAt("/hang", ["order.paid"]);
    receiver.respondWith(() => "hang");
    await polar.emit("order.paid");
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1));

    // Act
    await polar.close();

    // Assess
    await expect(polar.settled()).resolves.toBeUndefined();
    await expect(polar.emit("order.paid")).rejects.toThrow("emit after close()");
  });
});
