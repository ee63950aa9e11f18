// startLocalPipeline in this process, without the engine (the endpoint is created through the
// emulator's API as the provider would): what npm run dev runs between emit and consumed.
import type { SQSBatchResponse } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { startLocalPipeline, JourneyTracker, type LocalPipeline } from "../../local/dev";
import { startControlServer, type ControlServer } from "../../local/dev/control";
import { PolarClient } from "../../providers/polar";

let pipeline: LocalPipeline | undefined;
let control: ControlServer | undefined;

afterEach(async () => {
  await control?.close();
  await pipeline?.close();
  control = undefined;
  pipeline = undefined;
});

async function withEndpoint(p: LocalPipeline, events: string[]) {
  const client = new PolarClient({
    accessToken: p.emulator.organizationToken,
    baseUrl: p.emulator.url,
  });
  try {
    return await client.createWebhookEndpoint({
      url: `${p.receiver.url}polar/webhooks`,
      events,
      format: "raw",
    });
  } finally {
    await client.close();
  }
}

describe("the local pipeline of npm run dev", () => {
  it("answers 503 until the stack's secret arrives; Polar's retries then deliver", async () => {
    // Prepare
    const lines: string[] = [];
    const journey = new JourneyTracker((line) => lines.push(line));
    pipeline = await startLocalPipeline({ journey, deliveryBackoffScale: 0.002 });
    const endpoint = await withEndpoint(pipeline, ["order.paid"]);
    // Act
    const [id] = await pipeline.emit("order.paid");
    const p = pipeline;
    await expect
      .poll(() => p.emulator.getEvent(id!)?.last_http_code, { timeout: 10_000 })
      .toBe(503);
    pipeline.secrets.set({ current: endpoint.secret, previous: null });
    await journey.waitForConsumed([id!], 20_000);
    // Assess
    const stages = lines.map((line) => line.trim().split(/\s+/)[3]);
    expect(stages[0]).toBe("emitted");
    expect(stages.slice(-3)).toEqual(["delivered", "enqueued", "consumed"]);
    expect(lines[1]).toMatch(/HTTP 503 · attempt 1 · secret_unavailable/);
  });

  it("a consumer that keeps failing a record sends it to the DLQ after maxReceiveCount receives", async () => {
    // Prepare
    const lines: string[] = [];
    const journey = new JourneyTracker((line) => lines.push(line));
    pipeline = await startLocalPipeline({
      journey,
      maxReceiveCount: 2,
      visibilityTimeoutSeconds: 1,
      consumer: {
        entry: "always-fails.ts",
        handler: async (event): Promise<SQSBatchResponse> => ({
          batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
        }),
      },
    });
    const endpoint = await withEndpoint(pipeline, ["subscription.updated"]);
    pipeline.secrets.set({ current: endpoint.secret, previous: null });
    // Act
    const [id] = await pipeline.emit("subscription.updated");
    const p = pipeline;
    await expect
      .poll(() => lines.some((line) => / dead-lettered /.test(line)), { timeout: 15_000 })
      .toBe(true);
    // Assess
    expect(p.queues.deadLetters().map((m) => m.attributes["webhook-id"])).toEqual([id]);
    expect(
      lines.filter((line) => / failed /.test(line)).map((l) => /receive (\d)/.exec(l)?.[1]),
    ).toEqual(["1", "2"]);
    expect(journey.isConsumed(id!)).toBe(false);
  });

  it("the control endpoint emits like the prompt, with the token only", async () => {
    // Prepare
    const journey = new JourneyTracker(() => undefined);
    pipeline = await startLocalPipeline({ journey });
    const endpoint = await withEndpoint(pipeline, ["order.paid"]);
    pipeline.secrets.set({ current: endpoint.secret, previous: null });
    control = await startControlServer(pipeline.emulator.organizationToken, pipeline.emit);
    const call = (path: string, body: unknown, init: RequestInit = {}) =>
      fetch(`${control!.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${pipeline!.emulator.organizationToken}` },
        body: typeof body === "string" ? body : JSON.stringify(body),
        ...init,
      });
    // Act
    const emitted = await call("/emit", {
      type: "order.paid",
      data: { billing_reason: "purchase" },
    });
    const { ids } = (await emitted.json()) as { ids: string[] };
    await journey.waitForConsumed(ids, 10_000);
    const unsubscribed = await call("/emit", { type: "order.refunded" });
    const unknown = await call("/emit", { type: "order.payed" });
    const noToken = await call("/emit", { type: "order.paid" }, { headers: {} });
    const notJson = await call("/emit", "{");
    const wrongPath = await call("/trigger", { type: "order.paid" });
    const wrongMethod = await fetch(`${control.url}/emit`);
    // Assess
    expect(emitted.status).toBe(202);
    expect(ids).toHaveLength(1);
    expect(await unsubscribed.json()).toEqual({ ids: [] });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: 'Unknown webhook event type "order.payed". Did you mean "order.paid"?',
      suggestion: "order.paid",
    });
    expect([noToken.status, notJson.status, wrongPath.status, wrongMethod.status]).toEqual([
      401, 400, 404, 405,
    ]);
  });
});
