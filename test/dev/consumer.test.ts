import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  consumerBatchHandler,
  ConsumerModuleError,
  loadConsumerModule,
  summarizeEvent,
} from "../../local/dev/consumer";
import { JourneyTracker } from "../../local/dev/journey";

describe("summarizeEvent", () => {
  const event = (type: string, data: Record<string, unknown>) => JSON.stringify({ type, data });
  it.each([
    [
      event("order.paid", {
        id: "804bb8d7-aaaa",
        billing_reason: "purchase",
        total_amount: 5880,
        currency: "usd",
        customer: { email: "jane@example.com" },
      }),
      "order 804bb8d7, purchase, 58.80 USD, jane@example.com",
    ],
    [
      event("subscription.updated", {
        id: "0a7a5848-bbbb",
        status: "active",
        cancel_at_period_end: true,
        customer: { email: "jane@example.com" },
      }),
      "subscription 0a7a5848, status active, cancels at period end, jane@example.com",
    ],
    [
      event("subscription.revoked", {
        id: "0a7a5848-bbbb",
        status: "canceled",
        ended_at: "2026-12-01T00:00:00Z",
      }),
      "subscription 0a7a5848, status canceled, ended",
    ],
    [
      event("checkout.created", { id: "0dbe1998-cccc", status: "open" }),
      "checkout 0dbe1998, status open",
    ],
    [
      event("refund.created", { id: "5e5e5e5e-dddd", amount: 1000, currency: "eur" }),
      "refund 5e5e5e5e, 10.00 EUR",
    ],
    [
      event("customer.created", { id: "c0c0c0c0-eeee", email: "joe@example.com" }),
      "customer c0c0c0c0, joe@example.com",
    ],
    ["{", "not JSON"],
    ['{"type":"order.paid"}', "no data"],
  ])("%s → %s", (body, summary) => {
    expect(summarizeEvent(body)).toBe(summary);
  });
});

describe("loadConsumerModule", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "polar-dev-consumer-"));
    await writeFile(
      join(root, "ok.js"),
      "exports.handler = async () => ({ batchItemFailures: [] });",
    );
    await writeFile(join(root, "none.js"), "exports.other = 1;");
    await writeFile(join(root, "broken.js"), "throw new Error('table missing');");
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("loads the handler export and selects the in-memory idempotency store", () => {
    delete process.env.IDEMPOTENCY_STORE;
    const loaded = loadConsumerModule("ok.js", root, "--consumer");
    expect(loaded.entry).toBe("ok.js");
    expect(typeof loaded.handler).toBe("function");
    expect(process.env.IDEMPOTENCY_STORE).toBe("memory");
  });

  it.each([
    ["missing.js", `--consumer: consumer module missing.js does not exist (looked for `],
    [
      "none.js",
      "--consumer: consumer module none.js does not export a handler function (export const handler = createPolarEventConsumer({ handlers: { … } }))",
    ],
    ["broken.js", "--consumer: consumer module broken.js failed to load: table missing"],
  ])("%s fails with what to do", (entry, message) => {
    expect(() => loadConsumerModule(entry, root, "--consumer")).toThrow(ConsumerModuleError);
    expect(() => loadConsumerModule(entry, root, "--consumer")).toThrow(message);
  });
});

describe("consumerBatchHandler", () => {
  const record = (id: string, webhookId: string): SQSRecord =>
    ({
      messageId: id,
      body: JSON.stringify({ type: "order.paid", data: { id: "804bb8d7-aaaa" } }),
      attributes: { ApproximateReceiveCount: "2" },
      messageAttributes: {
        "webhook-id": { stringValue: webhookId, dataType: "String" },
        "event-type": { stringValue: "order.paid", dataType: "String" },
      },
    }) as unknown as SQSRecord;
  const event: SQSEvent = { Records: [record("m1", "w1"), record("m2", "w2")] };
  const context = {} as Context;

  it("reports the records the user's handler failed, and passes its response on", async () => {
    const lines: string[] = [];
    const handler = consumerBatchHandler(new JourneyTracker((l) => lines.push(l)), {
      entry: "consumers/billing.ts",
      handler: async () => ({ batchItemFailures: [{ itemIdentifier: "m2" }] }),
    });
    expect(await handler(event, context)).toEqual({
      batchItemFailures: [{ itemIdentifier: "m2" }],
    });
    expect(lines[0]).toMatch(
      /w1\s+consumed\s+message m1 · receive 2 · order 804bb8d7 · consumers\/billing\.ts: ok$/,
    );
    expect(lines[1]).toMatch(
      /w2\s+failed\s+message m2 · receive 2 · consumers\/billing\.ts reported a failure/,
    );
  });

  it("without a consumer module, acknowledges and prints every record", async () => {
    const lines: string[] = [];
    const handler = consumerBatchHandler(new JourneyTracker((l) => lines.push(l)), undefined);
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => / consumed /.test(line))).toBe(true);
  });

  it("a handler that throws fails every record and the throw reaches the event source", async () => {
    const lines: string[] = [];
    const handler = consumerBatchHandler(new JourneyTracker((l) => lines.push(l)), {
      entry: "c.ts",
      handler: async () => {
        throw new TypeError("boom");
      },
    });
    await expect(handler(event, context)).rejects.toThrow("boom");
    expect(
      lines.map((line) => /c\.ts threw TypeError: the whole batch is retried$/.test(line)),
    ).toEqual([true, true]);
  });
});
