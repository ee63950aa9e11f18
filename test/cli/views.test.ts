// Pure parts of the CLI: tables, the deliveries and messages views, redelivery plans, URL redaction.
import { describe, expect, it } from "vitest";
import { displayUrl, toEndpointJson } from "../../cli/commands/endpoints";
import { deliveriesTable, instantMicros, toDeliveryJson } from "../../cli/deliveries-view";
import { colorEnabled, painter, Progress } from "../../cli/io";
import { messagesTable, toMessageJson } from "../../cli/messages-view";
import { dedupeIds, planExplicit, planFailed } from "../../cli/redeliver-plan";
import { renderTable } from "../../cli/table";
import type { PolarWebhookEndpoint, WebhookDelivery } from "../../providers/polar";

type Event = WebhookDelivery["webhook_event"];

function event(id: string, overrides: Partial<Event> = {}): Event {
  return {
    id,
    created_at: "2026-11-30T10:00:00.000001Z",
    modified_at: null,
    last_http_code: 500,
    succeeded: false,
    skipped: false,
    api_version: "2026-10",
    payload: "{}",
    type: "order.paid",
    is_archived: false,
    ...overrides,
  };
}

function delivery(id: string, at: string, webhookEvent: Event, succeeded = false): WebhookDelivery {
  return {
    id,
    created_at: at,
    modified_at: null,
    succeeded,
    http_code: succeeded ? 202 : 500,
    response: succeeded ? "ok" : "boom",
    webhook_event: webhookEvent,
  };
}

describe("renderTable", () => {
  it("aligns columns on the visible text, right-aligns numbers and leaves no trailing spaces", () => {
    const rows = [
      { name: "a", n: 5 },
      { name: "longer", n: 123 },
    ];
    const table = renderTable(
      [
        { header: "NAME", value: (r: (typeof rows)[number]) => r.name, style: () => "red" },
        { header: "N", value: (r) => String(r.n), align: "right" },
        { header: "LAST", value: () => "x" },
      ],
      rows,
    );
    expect(table).toBe("NAME      N  LAST\na         5  x\nlonger  123  x\n");
  });

  it("colours cells only when painting is on", () => {
    const plain = renderTable(
      [{ header: "A", value: () => "v", style: () => "red" }],
      [{}],
      painter(false),
    );
    const coloured = renderTable(
      [{ header: "A", value: () => "v", style: () => "red" }],
      [{}],
      painter(true),
    );
    expect(plain).toBe("A\nv\n");
    expect(coloured).toContain("\x1b[31mv\x1b[39m");
  });
});

describe("colour and progress", () => {
  it("colours only a TTY, never with NO_COLOR or TERM=dumb", () => {
    const tty = { write: () => undefined, isTTY: true };
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(tty, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: "" })).toBe(true);
    expect(colorEnabled(tty, { TERM: "dumb" })).toBe(false);
    expect(colorEnabled({ write: () => undefined }, {})).toBe(false);
  });

  it("rewrites one status line on a TTY and prints plain lines elsewhere", () => {
    let tty = "";
    let pipe = "";
    const onTty = new Progress({ write: (t) => void (tty += t), isTTY: true });
    const onPipe = new Progress({ write: (t) => void (pipe += t), isTTY: false });
    for (const progress of [onTty, onPipe]) {
      progress.update("page 1 of 2");
      progress.update("page 2 of 2");
      progress.note("rate limited");
      progress.clear();
    }
    expect(tty).toBe("\r\x1b[2Kpage 1 of 2\r\x1b[2Kpage 2 of 2\r\x1b[2Krate limited\n");
    expect(pipe).toBe("page 1 of 2\npage 2 of 2\nrate limited\n");
  });
});

describe("deliveries view", () => {
  it("reads Polar's microsecond timestamps", () => {
    expect(
      instantMicros("2026-11-30T10:00:00.000001Z") - instantMicros("2026-11-30T10:00:00Z"),
    ).toBe(1);
    expect(instantMicros("2026-11-30T11:00:00+01:00")).toBe(instantMicros("2026-11-30T10:00:00Z"));
  });

  it("numbers each event's attempts oldest first, keeping Polar's newest-first order", () => {
    const a = event("a");
    const b = event("b", { type: "order.refunded", succeeded: true });
    const listed = [
      delivery("d4", "2026-11-30T10:00:03.000002Z", b, true),
      delivery("d3", "2026-11-30T10:00:03.000001Z", a),
      delivery("d2", "2026-11-30T10:00:01Z", b),
      delivery("d1", "2026-11-30T10:00:00.5Z", a),
    ];
    const rows = toDeliveryJson(listed);
    expect(rows.map((r) => [r.id, r.attempt])).toEqual([
      ["d4", 2],
      ["d3", 2],
      ["d2", 1],
      ["d1", 1],
    ]);
    expect(rows[0]).toEqual({
      id: "d4",
      createdAt: "2026-11-30T10:00:03.000002Z",
      succeeded: true,
      httpCode: 202,
      response: "ok",
      attempt: 2,
      event: {
        id: "b",
        type: "order.refunded",
        createdAt: "2026-11-30T10:00:00.000001Z",
        succeeded: true,
        lastHttpCode: 500,
        skipped: false,
        archived: false,
        apiVersion: "2026-10",
      },
    });
    const table = deliveriesTable(rows, Date.parse("2026-11-30T12:00:04Z"), painter(false));
    expect(table.split("\n")[0]).toBe(
      "AGE  STATUS     CODE  EVENT TYPE      ATTEMPT  EVENT ID  NOTE",
    );
    expect(table.split("\n")[2]).toBe(" 2h  failed      500  order.paid            2  a");
    expect(table.split("\n")[3]).toContain("a later attempt succeeded");
  });
});

describe("redelivery plans", () => {
  it("deduplicates ids case-insensitively, keeping the first order", () => {
    expect(dedupeIds(["B", "a", "b", "A", "c"])).toEqual({
      unique: ["b", "a", "c"],
      duplicates: 2,
    });
  });

  it("sends each failed event once, oldest first, and skips archived, retrying and recovered ones", () => {
    const failedTwice = event("f1", { created_at: "2026-11-30T10:00:02Z" });
    const older = event("f0", { created_at: "2026-11-30T10:00:01Z", type: "order.created" });
    const plan = planFailed([
      delivery("1", "2026-11-30T10:00:05Z", failedTwice),
      delivery("2", "2026-11-30T10:00:04Z", failedTwice),
      delivery("3", "2026-11-30T10:00:03Z", older),
      delivery("4", "2026-11-30T10:00:03Z", event("arch", { is_archived: true })),
      delivery("5", "2026-11-30T10:00:03Z", event("busy", { succeeded: null })),
      delivery("6", "2026-11-30T10:00:03Z", event("won", { succeeded: true })),
      delivery("7", "2026-11-30T10:00:03Z", event("ok", { succeeded: true }), true),
    ]);
    expect(plan.send).toEqual([
      { id: "f0", type: "order.created" },
      { id: "f1", type: "order.paid" },
    ]);
    expect(plan.skipped.map((s) => [s.id, s.reason])).toEqual([
      ["arch", "archived"],
      ["busy", "retrying"],
      ["won", "succeeded"],
    ]);
  });

  it("sends named events whatever their outcome, except archived ones; ids with no delivery to the endpoint are not sent", () => {
    const found = new Map([
      ["x", event("x", { is_archived: true })],
      ["y", event("y", { succeeded: true })],
    ]);
    expect(planExplicit(["x", "y", "z"], found)).toEqual({
      send: [{ id: "y", type: "order.paid" }],
      skipped: [{ id: "x", type: "order.paid", reason: "archived" }],
      unknown: ["z"],
    });
  });
});

describe("endpoints view", () => {
  it("never carries the secret and hides credentials in URLs", () => {
    const endpoint: PolarWebhookEndpoint = {
      id: "e1",
      created_at: "2026-11-30T10:00:00Z",
      modified_at: null,
      url: "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
      name: "slack",
      format: "slack",
      secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=",
      organization_id: "o1",
      events: ["order.paid"],
      enabled: false,
      api_version: "2026-10",
      uses_standard_webhook_signature: true,
    };
    const json = toEndpointJson(endpoint, "e1");
    expect(JSON.stringify(json)).not.toContain("whsec_");
    expect(json).toMatchObject({
      url: "https://hooks.slack.com/…",
      urlRedacted: true,
      signing: "standard",
      enabled: false,
      stackEndpoint: true,
    });
    expect(displayUrl("https://api.example.com/polar/webhooks", "raw")).toEqual({
      url: "https://api.example.com/polar/webhooks",
      redacted: false,
    });
    expect(displayUrl("https://user:pw@example.com/hook?token=abc", "raw")).toEqual({
      url: "https://example.com/hook?…",
      redacted: true,
    });
  });
});

describe("messages view", () => {
  it("shows the receiver's attributes and counts receives against maxReceiveCount", () => {
    const row = toMessageJson({
      MessageId: "m1",
      Body: '{"type":"order.paid"}',
      Attributes: {
        ApproximateReceiveCount: "3",
        SentTimestamp: String(Date.parse("2026-11-30T11:00:00Z")),
      },
      MessageAttributes: {
        "event-type": { DataType: "String", StringValue: "order.paid" },
        "webhook-id": { DataType: "String", StringValue: "w1" },
      },
    });
    expect(row).toEqual({
      messageId: "m1",
      eventType: "order.paid",
      webhookId: "w1",
      receiveCount: 3,
      sentAt: "2026-11-30T11:00:00.000Z",
      body: '{"type":"order.paid"}',
    });
    const table = messagesTable([row], Date.parse("2026-11-30T12:00:00Z"), painter(false), 3);
    expect(table).toBe(
      "AGE  EVENT TYPE  WEBHOOK-ID  RECEIVES  MESSAGE ID\n 1h  order.paid  w1               3/3  m1\n",
    );
  });
});
