// recover's pure core (cli/recover-plan.ts): which events of the window it sends, why, in what
// order, and how it reads the outcome of a redelivery from the deliveries listed after it.
import { describe, expect, it } from "vitest";
import type { WebhookDelivery } from "../../providers/polar";
import { planRecovery, redeliveryOutcome } from "../../cli/recover-plan";

type Event = WebhookDelivery["webhook_event"];

const event = (id: string, minute: number, overrides: Partial<Event> = {}): Event => ({
  id,
  created_at: `2026-11-30T10:${String(minute).padStart(2, "0")}:00.000001Z`,
  modified_at: null,
  last_http_code: 503,
  succeeded: null,
  skipped: false,
  api_version: "2026-10",
  payload: "{}",
  type: "order.paid",
  is_archived: false,
  ...overrides,
});

const attempt = (
  webhookEvent: Event,
  at: string,
  status: number | null,
  succeeded = false,
): WebhookDelivery => ({
  id: `${webhookEvent.id}-${at}`,
  created_at: at,
  modified_at: null,
  succeeded,
  http_code: status,
  response: null,
  webhook_event: webhookEvent,
});

describe("planRecovery", () => {
  it("sends failed, skipped and still-retried events once each, oldest event first; archived ones are lost", () => {
    const failed = event("failed", 3, { succeeded: false });
    const skipped = event("skipped", 1, { skipped: true });
    const retrying = event("retrying", 2);
    const delivered = event("delivered", 0, { succeeded: true });
    const archived = event("archived", 4, { succeeded: false, is_archived: true, payload: null });
    const plan = planRecovery([
      attempt(failed, "2026-11-30T10:30:00.000002Z", 503),
      attempt(failed, "2026-11-30T10:20:00.000001Z", null),
      attempt(retrying, "2026-11-30T10:05:00Z", 500),
      attempt(skipped, "2026-11-30T10:06:00Z", 502),
      attempt(delivered, "2026-11-30T10:07:00Z", 202, true),
      attempt(archived, "2026-11-30T10:08:00Z", 500),
    ]);
    expect(plan.redeliver.map((e) => [e.id, e.reason, e.lastStatus])).toEqual([
      ["skipped", "skipped", 502],
      ["retrying", "retrying", 500],
      ["failed", "failed", 503],
    ]);
    expect(plan.lost).toEqual([{ id: "archived", type: "order.paid" }]);
    expect(plan.delivered).toBe(1);
    expect(plan.newestDeliveryAt).toBe("2026-11-30T10:30:00.000002Z");
  });
});

describe("redeliveryOutcome", () => {
  const failed = event("e", 0, { succeeded: false });
  const [candidate] = planRecovery([attempt(failed, "2026-11-30T10:10:00.000005Z", 503)]).redeliver;

  it("is pending until an attempt newer than the last one known appears", () => {
    expect(
      redeliveryOutcome(candidate!, [attempt(failed, "2026-11-30T10:10:00.000005Z", 503)]),
    ).toEqual({ kind: "pending" });
  });

  it("is recovered once a newer attempt succeeded, even after a failed one", () => {
    const later = [
      attempt(failed, "2026-11-30T10:11:00Z", 500),
      attempt(event("e", 0, { succeeded: true }), "2026-11-30T10:12:00Z", 202, true),
    ];
    expect(redeliveryOutcome(candidate!, later)).toEqual({ kind: "recovered" });
  });

  it("is still failing, with the latest status, when every newer attempt failed", () => {
    const later = [
      attempt(failed, "2026-11-30T10:11:00Z", 500),
      attempt(failed, "2026-11-30T10:12:00Z", null),
    ];
    expect(redeliveryOutcome(candidate!, later)).toEqual({
      kind: "still-failing",
      lastStatus: null,
    });
  });
});
