/**
 * Numbers for the Polar provider: the cost of the pure rules run on every preview (check + diff),
 * the size of the serialized provider (stored twice per resource in state), and client throughput
 * against the Polar emulator over a real socket.
 *
 *   npm run bench          (all benchmarks)
 *   bash scripts/with-toolchain.sh tsx bench/polar-provider.ts
 */
import * as pulumi from "@pulumi/pulumi";
import {
  checkWebhookEndpointInputs,
  diffWebhookEndpoint,
  PolarClient,
  webhookEndpointProvider,
  type WebhookEndpointOutputs,
} from "../providers/polar/index";
import { startPolarEmulator } from "../test/emulators/polar/index";

function time<T>(fn: () => T): { ms: number; result: T } {
  const started = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
}

function row(name: string, value: string): void {
  console.log(`${name.padEnd(58)} ${value}`);
}

async function main(): Promise<void> {
  console.log("# Polar provider");

  const raw = {
    url: "  https://Hooks.Example.com:443/polar/webhooks ",
    events: ["order.paid", "order.refunded", "subscription.canceled", "checkout.created"],
    name: "ingress",
  };
  const iterations = 20_000;
  const check = time(() => {
    let last;
    for (let i = 0; i < iterations; i++) last = checkWebhookEndpointInputs(raw, "organization");
    return last;
  });
  row(
    "check (normalize + validate), per resource",
    `${((check.ms * 1000) / iterations).toFixed(2)} µs`,
  );

  const stored: WebhookEndpointOutputs = {
    url: "https://hooks.example.com/polar/webhooks",
    events: raw.events,
    format: "raw",
    name: "ingress",
    enabled: true,
    apiVersion: "2026-04",
    organizationId: "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    secret: "whsec_bench",
    usesStandardWebhookSignature: true,
    createdAt: "2026-11-24T00:00:00Z",
    modifiedAt: null,
    organizationIdDeclared: false,
  };
  const inputs = check.result!.inputs;
  const diff = time(() => {
    for (let i = 0; i < iterations; i++) diffWebhookEndpoint(stored, inputs);
  });
  row("diff, per resource", `${((diff.ms * 1000) / iterations).toFixed(2)} µs`);

  const serialized = await pulumi.runtime.serializeFunction(() => webhookEndpointProvider, {
    allowSecrets: true,
  });
  row(
    "serialized provider (__provider, stored 2× per resource)",
    `${(serialized.text.length / 1024).toFixed(1)} KiB`,
  );
  row("serialized provider captured a secret", String(serialized.containsSecrets));

  const polar = await startPolarEmulator();
  const client = new PolarClient({ accessToken: polar.organizationToken, baseUrl: polar.url });
  try {
    const count = 200;
    const heapBefore = process.memoryUsage().heapUsed;
    const creates = await timeAsync(async () => {
      for (let i = 0; i < count; i++) {
        await client.createWebhookEndpoint({
          url: `https://example.com/${i}`,
          format: "raw",
          events: ["order.paid"],
        });
      }
    });
    row(
      `create ${count} endpoints sequentially, per request`,
      `${(creates.ms / count).toFixed(2)} ms`,
    );
    const listing = await timeAsync(() => client.listAllWebhookEndpoints());
    row(
      `list all ${listing.result.length} endpoints (${Math.ceil(count / 100)} pages)`,
      `${listing.ms.toFixed(1)} ms`,
    );
    const parallel = await timeAsync(() =>
      Promise.all(listing.result.map((e) => client.getWebhookEndpoint(e.id))),
    );
    row(`get ${count} endpoints concurrently, total`, `${parallel.ms.toFixed(1)} ms`);
    row(
      "heap growth over the client run",
      `${((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024).toFixed(1)} MiB`,
    );
  } finally {
    await client.close();
    await polar.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
