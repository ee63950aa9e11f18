// After an outage: the receiver is down, Polar gives up on 14 events and disables the endpoint
// (10 failed in a row; the 4 still pending are skipped), the receiver comes back, and
// `npm run polar -- recover` brings every event to the consumer, each webhook-id handled exactly
// once. A second run sends nothing.
import { afterAll, expect, it } from "vitest";
import type { RecoverJson } from "../../cli/commands/recover-report";
import { allOutput, expectNoSecretsIn, run } from "../cli/support";
import { startPipeline, type Pipeline } from "./harness";

const TYPES = ["order.created", "order.paid", "subscription.updated", "customer.state_changed"];

let pipeline: Pipeline | undefined;

afterAll(async () => {
  if (pipeline) {
    expectNoSecretsIn(allOutput, [pipeline.polar.organizationToken, pipeline.endpoint.secret]);
  }
  await pipeline?.close();
});

it("recover after Polar disabled the endpoint: every event reaches the consumer exactly once", async () => {
  pipeline = await startPipeline();
  const p = pipeline;
  const env = { POLAR_ACCESS_TOKEN: p.polar.organizationToken, POLAR_API_URL: p.polar.url };
  const recover = (...extra: string[]) =>
    run(["recover", "--endpoint", p.endpoint.id, "--since", "1h", "--rate", "6000", ...extra], env);

  // The outage: 14 events, every attempt refused, until Polar gives up and disables the endpoint.
  await p.stopReceiver();
  for (let i = 0; i < 14; i++) await p.emit(TYPES[i % TYPES.length]!);
  await p.until("Polar disabled the endpoint", () => !p.polar.getEndpoint(p.endpoint.id)!.enabled);
  await p.polar.settled();
  const events = p.emitted.map((id) => p.polar.getEvent(id)!);
  expect(events.filter((e) => e.succeeded === false)).toHaveLength(10);
  expect(events.filter((e) => e.succeeded === null && e.skipped)).toHaveLength(4);
  expect(p.handled).toEqual([]);
  // While disabled, Polar creates no event for the endpoint at all.
  expect((await p.polar.emit("order.paid")).ids).toEqual([]);

  await p.startReceiver();
  const dryRun = await recover("--dry-run");
  expect(dryRun.stdout).toContain("Would redeliver 14 events:");
  const result = await recover();

  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(
    "Recovered 14 of 14 events; still failing 0; no outcome yet 0; lost 0.\n",
  );
  expect(p.polar.getEndpoint(p.endpoint.id)?.enabled).toBe(true);
  await p.until("the consumer handled every event", () => p.handled.length >= 14);
  await p.until("the queue drained", () => p.queues.messages().length === 0);
  expect(p.handled.map((r) => r.webhookId).sort()).toEqual([...p.emitted].sort());
  expect(p.queues.deadLetters()).toEqual([]);

  const again = await recover("--json");
  expect(again.code).toBe(0);
  const report = JSON.parse(again.stdout) as RecoverJson;
  expect(report.events).toEqual([]);
  expect(report.alreadyDelivered).toBe(14);
  expect(p.polar.redeliveries).toHaveLength(14);
});
