// Emulator → receiver → queue → consumer for both of Polar's signing schemes: an endpoint with a
// secret from before 2026-09-08 (legacy: the key is the UTF-8 bytes of the whole secret) and one
// from after (Standard Webhooks: the base64 after whsec_). The receiver tells which key matched.
import { afterEach, describe, expect, it } from "vitest";
import { startPipeline, type Pipeline } from "./harness";

let pipeline: Pipeline | undefined;

afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

describe.each([
  ["standard", true],
  ["legacy", false],
] as const)("the %s signing scheme", (scheme, usesStandard) => {
  it("delivers every event once, byte for byte, verified with that scheme's key", async () => {
    // Prepare
    pipeline = await startPipeline({ secretGeneration: scheme });
    const p = pipeline;
    expect(p.endpoint.uses_standard_webhook_signature).toBe(usesStandard);
    // Act
    const ids = [
      await p.emit("order.created", { billing_reason: "purchase" }),
      await p.emit("order.created", { billing_reason: "subscription_cycle" }),
      await p.emit("order.paid"),
      await p.emit("subscription.canceled"),
      await p.emit("subscription.revoked"),
      await p.emit("customer.state_changed"),
    ];
    await p.until("every event handled", () => p.handled.length === ids.length);
    await p.polar.settled();
    // Assess
    expect(p.requests.map((r) => `${r.status} ${r.key}`)).toEqual(
      ids.map(() => `202 current/${scheme}`),
    );
    expect(p.handled.map((r) => r.webhookId).sort()).toEqual([...ids].sort());
    for (const { webhookId, body } of p.received) {
      expect(body).toBe(p.polar.getEvent(webhookId)?.payload);
    }
    const renewal = p.received.find((r) => r.webhookId === ids[1]);
    expect(JSON.parse(renewal!.body).data.billing_reason).toBe("subscription_cycle");
  });
});
