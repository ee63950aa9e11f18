/**
 * The consumer's pure parts: the handler map's types (checked by `tsc`: every `@ts-expect-error`
 * below must be an error) and its start-up checks, record parsing, Polar's advice helpers and the
 * example consumer's decisions.
 */
import type { Context, SQSRecord } from "aws-lambda";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import {
  accessChangeForCreatedOrder,
  accessChangeForPaidOrder,
  accessChangeForSubscription,
} from "../../lambda/consumer/example";
import {
  checkHandlers,
  ConsumerConfigError,
  createPolarEventConsumer,
  InMemoryPersistenceLayer,
  isFirstPurchase,
  isPlanChange,
  isRenewal,
  MALFORMED,
  MalformedRecordError,
  MESSAGE_ATTRIBUTES,
  parseRecord,
  POLAR_EVENT_TYPES,
  RECORD_ATTRIBUTES,
  receiveCountOf,
  subscriptionAccess,
  suggestPolarEventType,
  type Order,
  type PolarEventHandlers,
  type Subscription,
} from "../../lambda/index";
import { WEBHOOK_EVENT_TYPES } from "../../providers/polar";
import { order, subscription } from "./fixtures";

const noop = async () => undefined;

describe("Handler map", () => {
  it("types event.data and meta from Polar's SDK", () => {
    createPolarEventConsumer({
      idempotency: false,
      handlers: {
        "order.paid": async (event, meta) => {
          expectTypeOf(event.data).toEqualTypeOf<Order>();
          expectTypeOf(meta.eventType).toEqualTypeOf<"order.paid">();
          expectTypeOf(meta.receiveCount).toEqualTypeOf<number>();
        },
        "subscription.updated": async (event) => {
          expectTypeOf(event.data).toEqualTypeOf<Subscription>();
          expectTypeOf(event.type).toEqualTypeOf<"subscription.updated">();
        },
      },
    });
  });

  it("rejects a key that is not a Polar event type: a type error and a start-up error", () => {
    expect(() =>
      createPolarEventConsumer({
        idempotency: false,
        handlers: {
          // @ts-expect-error "order.payed" is not a Polar event type
          "order.payed": noop,
        },
      }),
    ).toThrow(
      new ConsumerConfigError(
        'handlers["order.payed"]: "order.payed" is not a Polar webhook event type (did you mean "order.paid"?); see POLAR_EVENT_TYPES',
      ),
    );
  });

  it("rejects such a key in a handler map built beforehand, too", () => {
    const handlers = { "order.paid": noop, "subscription.cancelled": noop };
    // @ts-expect-error "subscription.cancelled" is not a Polar event type
    expect(() => createPolarEventConsumer({ idempotency: false, handlers })).toThrow(
      '(did you mean "subscription.canceled"?)',
    );
    expect(() => checkHandlers({ banana: noop } as PolarEventHandlers)).toThrow(
      'handlers["banana"]: "banana" is not a Polar webhook event type; see POLAR_EVENT_TYPES',
    );
  });

  it("rejects a handler that is not a function", () => {
    expect(() =>
      // @ts-expect-error a handler must be a function
      createPolarEventConsumer({ idempotency: false, handlers: { "order.paid": "grant" } }),
    ).toThrow('handlers["order.paid"] must be a function, got string');
  });

  it.each([
    [
      { expiresAfterSeconds: 0 },
      "idempotency.expiresAfterSeconds must be a positive whole number of seconds, got 0",
    ],
    [
      { expiresAfterSeconds: 1.5 },
      "idempotency.expiresAfterSeconds must be a positive whole number of seconds, got 1.5",
    ],
    [{ keyPrefix: " " }, "idempotency.keyPrefix must not be empty"],
    [
      { tableName: "" },
      "idempotency.tableName must not be empty (omit it to use env IDEMPOTENCY_TABLE)",
    ],
  ])("rejects idempotency options %j at start-up", (idempotency, message) => {
    expect(() =>
      createPolarEventConsumer({ handlers: { "order.paid": noop }, idempotency }),
    ).toThrow(new ConsumerConfigError(message));
  });

  it("runs without a Lambda context (local use), giving the lock a lifetime of its own", async () => {
    // Prepare
    const warn = vi.spyOn(console, "warn");
    const seen: string[] = [];
    const consumer = createPolarEventConsumer({
      handlers: { "order.paid": async (_, meta) => void seen.push(meta.webhookId) },
      idempotency: { persistenceStore: new InMemoryPersistenceLayer() },
      log: () => undefined,
    });
    // Act
    const first = await consumer({ Records: [BASE_RECORD] }, undefined as unknown as Context);
    const again = await consumer({ Records: [BASE_RECORD] }, undefined as unknown as Context);
    // Assess: no "Did you call registerLambdaContext" warning from Powertools.
    expect([first, again]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(seen).toEqual(["evt_1"]);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("knows exactly the provider's 42 event types, and the receiver's attribute names", () => {
    expect(POLAR_EVENT_TYPES).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(RECORD_ATTRIBUTES).toEqual(MESSAGE_ATTRIBUTES);
    expect(suggestPolarEventType("ORDER.PAID")).toBe("order.paid");
    expect(suggestPolarEventType("banana")).toBeUndefined();
  });
});

const BASE_RECORD: SQSRecord = {
  messageId: "m-1",
  receiptHandle: "r-1",
  body: JSON.stringify({
    type: "order.paid",
    timestamp: "2026-11-01T10:00:06Z",
    data: { id: "o" },
  }),
  attributes: {
    ApproximateReceiveCount: "2",
    SentTimestamp: "1764583206000",
    SenderId: "AIDA",
    ApproximateFirstReceiveTimestamp: "1764583206000",
  },
  messageAttributes: {
    "webhook-id": {
      dataType: "String",
      stringValue: "evt_1",
      stringListValues: [],
      binaryListValues: [],
    },
  },
  md5OfBody: "",
  eventSource: "aws:sqs",
  eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:webhooks",
  awsRegion: "us-east-1",
};

function record(change: (r: SQSRecord) => void): SQSRecord {
  const copy = structuredClone(BASE_RECORD);
  change(copy);
  return copy;
}

const MALFORMED_CASES: ReadonlyArray<[string, (r: SQSRecord) => void, string]> = [
  [
    "no webhook-id attribute",
    (r: SQSRecord): void => {
      r.messageAttributes = {};
    },
    MALFORMED.NO_WEBHOOK_ID,
  ],
  [
    "an empty webhook-id",
    (r: SQSRecord): void => {
      r.messageAttributes["webhook-id"]!.stringValue = "";
    },
    MALFORMED.NO_WEBHOOK_ID,
  ],
  ["a body that is not JSON", (r: SQSRecord) => (r.body = "{secret"), MALFORMED.NOT_JSON],
  ["a JSON array", (r: SQSRecord) => (r.body = "[]"), MALFORMED.NOT_AN_EVENT],
  [
    "no timestamp",
    (r: SQSRecord): void => {
      r.body = '{"type":"order.paid","data":{}}';
    },
    MALFORMED.NOT_AN_EVENT,
  ],
  [
    "data not an object",
    (r: SQSRecord): void => {
      r.body = '{"type":"order.paid","timestamp":"t","data":"x"}';
    },
    MALFORMED.NOT_AN_EVENT,
  ],
  [
    "an empty type",
    (r: SQSRecord): void => {
      r.body = '{"type":"","timestamp":"t","data":{}}';
    },
    MALFORMED.NOT_AN_EVENT,
  ],
];

describe("parseRecord", () => {
  it("reads the webhook-id attribute and the envelope; unknown types are marked, not rejected", () => {
    expect(parseRecord(BASE_RECORD)).toMatchObject({
      known: true,
      webhookId: "evt_1",
      event: { type: "order.paid" },
    });
    const unknown = record(
      (r) => (r.body = JSON.stringify({ type: "invoice.minted", timestamp: "t", data: {} })),
    );
    expect(parseRecord(unknown)).toMatchObject({ known: false, event: { type: "invoice.minted" } });
    expect(receiveCountOf(BASE_RECORD)).toBe(2);
  });

  it.each(MALFORMED_CASES)("fails %s with a fixed message", (_, change, message) => {
    expect(() => parseRecord(record(change))).toThrow(new MalformedRecordError(message));
  });
});

describe("Advice helpers", () => {
  it.each([
    ["purchase", false, true, false],
    ["subscription_create", false, true, false],
    ["subscription_cycle", true, false, false],
    ["subscription_update", false, false, true],
    ["subscription_meter_cycle", false, false, false],
  ] as const)(
    "billing_reason %s: renewal %s, first purchase %s, plan change %s",
    (reason, renewal, first, change) => {
      const o = { billing_reason: reason };
      expect([isRenewal(o), isFirstPurchase(o), isPlanChange(o)]).toEqual([renewal, first, change]);
    },
  );

  it.each([
    [{}, "active"],
    [{ status: "trialing" }, "active"],
    [{ cancel_at_period_end: true, ends_at: "2026-12-01T10:00:00Z" }, "canceling"],
    [{ status: "canceled", ended_at: "2026-12-01T10:00:00Z" }, "revoked"],
    [{ status: "unpaid" }, "revoked"],
    [{ status: "past_due" }, "past_due"],
    [{ status: "paused" }, "paused"],
    [{ status: "incomplete" }, "incomplete"],
  ] as const)("subscription %j is %s", (change, access) => {
    expect(subscriptionAccess(subscription(change))).toBe(access);
  });

  it("fails on a subscription status this SDK does not know", () => {
    expect(() => subscriptionAccess(subscription({ status: "frozen" as "active" }))).toThrow(
      'Unknown subscription status "frozen"',
    );
  });
});

describe("Example consumer decisions", () => {
  it("grants on order.paid, whatever the billing reason", () => {
    expect(accessChangeForPaidOrder(order({ billing_reason: "purchase" }))).toEqual({
      action: "grant",
      customerId: order().customer_id,
      productId: order().product_id,
      orderId: order().id,
      reason: "first_purchase",
    });
    expect(accessChangeForPaidOrder(order()).action).toBe("grant");
  });

  it("extends access on a renewal's order.created, and ignores other created orders", () => {
    expect(accessChangeForCreatedOrder(order())).toEqual({
      action: "extend",
      customerId: order().customer_id,
      subscriptionId: order().subscription_id,
      until: "2026-12-01T10:00:00Z",
    });
    expect(
      accessChangeForCreatedOrder(order({ billing_reason: "subscription_create" })),
    ).toBeUndefined();
  });

  it("schedules the end on cancellation, restores on un-cancellation, revokes on revocation", () => {
    const ids = { customerId: subscription().customer_id, subscriptionId: subscription().id };
    const canceled = subscription({ cancel_at_period_end: true, ends_at: "2026-12-01T10:00:00Z" });
    expect(accessChangeForSubscription(canceled)).toEqual({
      action: "schedule_end",
      ...ids,
      endsAt: "2026-12-01T10:00:00Z",
    });
    expect(accessChangeForSubscription(subscription())).toEqual({ action: "restore", ...ids });
    expect(accessChangeForSubscription(subscription({ status: "canceled" }))).toEqual({
      action: "revoke",
      ...ids,
    });
    expect(accessChangeForSubscription(subscription({ status: "incomplete" }))).toBeUndefined();
  });
});
