import { describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../lambda";
import {
  failureDetail,
  formatJourneyStep,
  JourneyTimeoutError,
  JourneyTracker,
} from "../../local/dev/journey";

const ID = "4c1e9b2a-0000-4000-8000-000000000001";

function tracker(json = false) {
  const lines: string[] = [];
  let now = 0;
  const journey = new JourneyTracker((line) => lines.push(line), { json, now: () => now });
  return { journey, lines, tick: (ms: number) => (now += ms) };
}

const answer = (overrides: Partial<RequestLogEntry> = {}): RequestLogEntry => ({
  level: "info",
  msg: "webhook",
  time: "2026-12-01T00:00:00.000Z",
  webhookId: ID,
  type: "order.paid",
  outcome: "enqueued",
  status: 202,
  latencyMs: 3,
  budgetMs: 8000,
  key: "current/standard",
  messageId: "9f8e7d6c-0000-4000-8000-000000000002",
  ...overrides,
});

describe("formatJourneyStep", () => {
  it("lines up time, type, short id, stage and facts", () => {
    expect(
      formatJourneyStep(
        {
          at: 0.12,
          stage: "delivered",
          type: "order.paid",
          webhookId: ID,
          httpStatus: 202,
          attempt: 1,
        },
        false,
      ),
    ).toBe("  +0.120s  order.paid              4c1e9b2a  delivered     HTTP 202 · attempt 1");
  });

  it("says when there was no response, and prints one JSON object per line with --json", () => {
    const step = {
      at: 1.5,
      stage: "delivered",
      type: "order.paid",
      webhookId: ID,
      httpStatus: null,
      attempt: 2,
    } as const;
    expect(formatJourneyStep(step, false)).toContain("no response · attempt 2");
    expect(JSON.parse(formatJourneyStep(step, true))).toEqual(step);
  });
});

describe("JourneyTracker", () => {
  it("prints each event's steps in journey order although the sources report out of order", () => {
    // Prepare
    const { journey, lines, tick } = tracker();
    // Act: the receiver logs before the emulator records the attempt; the consumer can be first.
    journey.emitted(ID, "order.paid");
    tick(40);
    journey.request(answer());
    journey.consumption({
      webhookId: ID,
      type: "order.paid",
      messageId: "m1",
      receiveCount: 1,
      ok: true,
    });
    tick(5);
    journey.delivery({
      webhookId: ID,
      type: "order.paid",
      httpStatus: 202,
      succeeded: true,
      response: "",
    });
    // Assess
    expect(lines.map((line) => line.split(/\s+/)[4])).toEqual([
      "emitted",
      "delivered",
      "enqueued",
      "consumed",
    ]);
    expect(lines[2]).toContain("message 9f8e7d6c · verified with the current/standard key");
    expect(journey.counts).toEqual({
      emitted: 1,
      delivered: 1,
      enqueued: 1,
      rejected: 0,
      consumed: 1,
    });
  });

  it("explains failed attempts with the receiver's reason, or Polar's error when nothing answered", () => {
    const { journey, lines } = tracker();
    journey.emitted(ID, "order.paid");
    journey.request(
      answer({ outcome: "enqueue_failed", status: 503, reason: "Could not enqueue the webhook" }),
    );
    journey.delivery({
      webhookId: ID,
      type: "order.paid",
      httpStatus: 503,
      succeeded: false,
      response: '{"error":"enqueue_failed"}',
    });
    journey.delivery({
      webhookId: ID,
      type: "order.paid",
      httpStatus: null,
      succeeded: false,
      response: "connect ECONNREFUSED 127.0.0.1:4000",
    });
    expect(lines[1]).toMatch(
      /HTTP 503 · attempt 1 · enqueue_failed \(Could not enqueue the webhook\); Polar retries$/,
    );
    expect(lines[2]).toMatch(
      /no response · attempt 2 · connect ECONNREFUSED 127\.0\.0\.1:4000; Polar retries$/,
    );
  });

  it("prints requests that did not come from the emulator at once: forgeries and triggers", () => {
    const { journey, lines } = tracker();
    journey.request(
      answer({
        webhookId: "forged",
        outcome: "invalid_signature",
        status: 403,
        reason: "No matching signature found",
        type: undefined,
      }),
    );
    journey.request(answer({ webhookId: "trigger-1", type: "order.refunded" }));
    expect(lines[0]).toMatch(
      /forged\s+rejected\s+HTTP 403 · invalid_signature: No matching signature found$/,
    );
    expect(lines[1]).toMatch(
      /order\.refunded\s+trigger-\s+enqueued\s+message 9f8e7d6c · not sent by the emulator/,
    );
  });

  it("waitForConsumed resolves once every id is consumed", async () => {
    const { journey } = tracker();
    journey.emitted(ID, "order.paid");
    const waiting = journey.waitForConsumed([ID], 1_000);
    journey.request(answer());
    journey.delivery({
      webhookId: ID,
      type: "order.paid",
      httpStatus: 202,
      succeeded: true,
      response: "",
    });
    journey.consumption({ webhookId: ID, messageId: "m1", receiveCount: 1, ok: true });
    await expect(waiting).resolves.toBeUndefined();
    expect(journey.isConsumed(ID)).toBe(true);
  });

  it("waitForConsumed rejects naming each missing event and its last step", async () => {
    const { journey } = tracker();
    journey.emitted(ID, "order.paid");
    journey.delivery({
      webhookId: ID,
      type: "order.paid",
      httpStatus: 403,
      succeeded: false,
      response: '{"error":"invalid_signature"}',
    });
    const error = await journey.waitForConsumed([ID, "never-seen"], 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JourneyTimeoutError);
    expect((error as JourneyTimeoutError).missing).toEqual([
      `order.paid ${ID}: last step "delivered" at +0s (HTTP 403 · attempt 1 · {"error":"invalid_signature"}; Polar retries)`,
      "never-seen: never seen",
    ]);
  });

  it("a consumer failure is reported but does not count as consumed", () => {
    const { journey, lines } = tracker();
    journey.consumption({
      webhookId: "x",
      type: "order.paid",
      messageId: "m1",
      receiveCount: 2,
      ok: false,
      detail: "consumer reported a failure",
    });
    journey.deadLettered("x", "order.paid", 5);
    expect(lines[0]).toMatch(/failed\s+message m1 · receive 2 · consumer reported a failure$/);
    expect(lines[1]).toMatch(/dead-lettered receive 5 · moved to the DLQ/);
    expect(journey.isConsumed("x")).toBe(false);
  });
});

describe("failureDetail", () => {
  it("shortens long responses", () => {
    const detail = failureDetail(
      {
        webhookId: ID,
        type: "order.paid",
        httpStatus: 500,
        succeeded: false,
        response: "x".repeat(500),
      },
      undefined,
    );
    expect(detail).toBe(`${"x".repeat(119)}…; Polar retries`);
  });
});
