// endpoints, deliveries and redeliver against the Polar emulator over real sockets, in this process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EndpointsJson } from "../../cli/commands/endpoints";
import type { DeliveriesJson } from "../../cli/deliveries-view";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { sequence, startReceiver, type Receiver } from "../emulators/polar/receiver";
import { allOutput, expectNoSecretsIn, failedEvent, json, run } from "./support";

let polar: PolarEmulator;
let receiver: Receiver;
let env: Record<string, string>;
const secrets: string[] = [];

beforeAll(async () => {
  polar = await startPolarEmulator({ allowLoopbackUrls: true, deliveryBackoffScale: 0.001 });
  receiver = await startReceiver();
  env = { POLAR_ACCESS_TOKEN: polar.organizationToken, POLAR_API_URL: polar.url };
  secrets.push(polar.organizationToken, polar.userToken);
});

afterAll(async () => {
  for (const endpoint of polar?.endpoints() ?? []) secrets.push(endpoint.secret);
  expectNoSecretsIn(allOutput, secrets);
  expect(allOutput.join("")).not.toContain("whsec_");
  await polar?.close();
  await receiver?.close();
});

function endpoint(events = ["order.paid", "order.refunded"] as const) {
  return polar.insertEndpoint({ url: `${receiver.url}/hook`, events: [...events] });
}

describe("endpoints", () => {
  it("lists state and signing scheme as a table and as JSON, never a secret or a chat URL's token", async () => {
    const raw = polar.insertEndpoint({
      url: "https://api.example.com/polar/webhooks",
      events: ["order.paid"],
      name: "ingress [pulumi polar-webhooks/prod/webhook-endpoint 0123456789ab]",
    });
    const orphan = polar.insertEndpoint({
      url: "https://api.example.com/polar/other",
      name: "[pulumi polar-webhooks/dev/webhook-endpoint 0123456789ac creating]",
    });
    const legacy = polar.insertEndpoint({
      url: "https://hooks.slack.com/services/T0/B0/tokentokentoken",
      format: "slack",
      events: ["order.paid"],
      enabled: false,
      secretGeneration: "legacy",
    });

    const table = await run(["endpoints"], env);
    const listed = json<EndpointsJson>(await run(["endpoints", "--json"], env));

    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(
        `${raw.id}\\s+enabled\\s+standard\\s+raw\\s+1\\s+ingress\\s+polar-webhooks/prod/webhook-endpoint\\s+https://api.example.com/polar/webhooks`,
      ),
    );
    expect(table.stdout).toContain(
      "polar-webhooks/dev/webhook-endpoint (interrupted up: no state holds it)",
    );
    expect(listed.endpoints.find((e) => e.id === orphan.id)?.managedBy).toEqual({
      resource: "polar-webhooks/dev/webhook-endpoint",
      interrupted: true,
    });
    expect(table.stdout).toMatch(
      new RegExp(`${legacy.id}\\s+disabled\\s+legacy\\s+slack\\s+1\\s+https://hooks.slack.com/…`),
    );
    expect(listed.version).toBe(1);
    expect(listed.endpoints.find((e) => e.id === legacy.id)).toEqual({
      id: legacy.id,
      name: null,
      url: "https://hooks.slack.com/…",
      urlRedacted: true,
      format: "slack",
      enabled: false,
      signing: "legacy",
      events: ["order.paid"],
      apiVersion: "2026-04",
      organizationId: polar.organizationId,
      createdAt: legacy.created_at,
      modifiedAt: null,
      stackEndpoint: false,
      managedBy: null,
    });
    expect(table.stdout + JSON.stringify(listed)).not.toContain("tokentokentoken");
  });
});

describe("deliveries", () => {
  it("shows what the emulator really sent: each attempt, its code and number, newest first", async () => {
    const target = await startReceiver(
      sequence([{ status: 500 }, { status: 503 }], { status: 202 }),
    );
    try {
      const e = polar.insertEndpoint({ url: `${target.url}/hook`, events: ["order.paid"] });
      const emitted = await polar.emit("order.paid");
      const id = emitted.events.find((event) => event.endpointId === e.id)?.id;
      await polar.settled();

      const listed = json<DeliveriesJson>(
        await run(["deliveries", "--endpoint", e.id, "--json"], env),
      );
      const failed = json<DeliveriesJson>(
        await run(["deliveries", "--endpoint", e.id, "--failed", "--json"], env),
      );
      const table = await run(["deliveries", "--endpoint", e.id], env);
      const newest = json<DeliveriesJson>(
        await run(["deliveries", "--endpoint", e.id, "--limit", "1", "--json"], env),
      );

      expect(listed.total).toBe(3);
      expect(
        listed.deliveries.map((d) => [d.attempt, d.httpCode, d.succeeded, d.event.id]),
      ).toEqual([
        [3, 202, true, id],
        [2, 503, false, id],
        [1, 500, false, id],
      ]);
      expect(listed.deliveries[0]?.event).toMatchObject({
        type: "order.paid",
        succeeded: true,
        archived: false,
        apiVersion: "2026-04",
      });
      expect(failed.deliveries.map((d) => d.httpCode)).toEqual([503, 500]);
      // Numbered over the whole page fetched, not just the row shown.
      expect(newest.deliveries.map((d) => [d.attempt, d.httpCode])).toEqual([[3, 202]]);
      const lines = table.stdout.trimEnd().split("\n");
      expect(lines[0]).toMatch(/^AGE\s+STATUS\s+CODE\s+EVENT TYPE\s+ATTEMPT\s+EVENT ID\s+NOTE$/);
      expect(lines[1]).toMatch(
        new RegExp(`^\\s*\\d+s\\s+delivered\\s+202\\s+order.paid\\s+3\\s+${id}$`),
      );
      expect(lines[3]).toMatch(
        new RegExp(`failed\\s+500\\s+order.paid\\s+1\\s+${id}\\s+a later attempt succeeded$`),
      );
    } finally {
      await target.close();
    }
  });

  it("follows every page with a progress line, and applies each filter on Polar's side", async () => {
    const e = endpoint();
    const events = Array.from({ length: 130 }, (_, i) =>
      failedEvent(polar, e.id, {
        type: i % 10 === 0 ? "order.refunded" : "order.paid",
        recovered: i % 2 === 0,
      }),
    );
    polar.resetRequests();

    const all = await run(["deliveries", "--endpoint", e.id, "--limit", "all", "--json"], env);
    const refunds = json<DeliveriesJson>(
      await run(
        [
          "deliveries",
          "--endpoint",
          e.id,
          "--type",
          "order.refunded",
          "--failed",
          "--since",
          "1h",
          "--json",
        ],
        env,
      ),
    );
    const five = await run(["deliveries", "--endpoint", e.id, "--limit", "5"], env);
    const one = json<DeliveriesJson>(
      await run(["deliveries", "--event", events[7]!.id, "--json"], env),
    );

    const listed = json<DeliveriesJson>(all);
    expect(listed.deliveries).toHaveLength(195);
    expect(listed.total).toBe(195);
    expect(new Set(listed.deliveries.map((d) => d.id)).size).toBe(195);
    expect(all.stderr).toBe(
      "deliveries: page 1 of 2 (100 of 195)\ndeliveries: page 2 of 2 (195 of 195)\n",
    );
    expect(refunds.deliveries).toHaveLength(13);
    expect(refunds.deliveries.every((d) => d.event.type === "order.refunded" && !d.succeeded)).toBe(
      true,
    );
    expect(five.stdout.trimEnd().split("\n")).toHaveLength(7);
    expect(five.stdout).toContain(
      "5 of 195 matching deliveries shown; --limit all shows every one.",
    );
    expect(one.deliveries.map((d) => d.event.id)).toEqual([events[7]!.id]);
    const queries = polar.requests
      .filter((r) => r.route === "/v1/webhooks/deliveries")
      .map((r) => r.query);
    expect(queries[0]).toEqual({ endpoint_id: [e.id], limit: ["100"], page: ["1"] });
    expect(queries[1]).toEqual({ endpoint_id: [e.id], limit: ["100"], page: ["2"] });
    expect(queries[2]).toMatchObject({
      event_type: ["order.refunded"],
      succeeded: ["false"],
      start_timestamp: [expect.stringMatching(/Z$/)],
    });
    expect(queries.at(-1)).toMatchObject({ query: [events[7]!.id] });
  });

  it("refuses bad filters before sending anything", async () => {
    polar.resetRequests();
    const type = await run(["deliveries", "--type", "order.payed"], env);
    const since = await run(["deliveries", "--since", "last tuesday"], env);
    const id = await run(["deliveries", "--endpoint", "42"], env);
    const limit = await run(["deliveries", "--limit", "0"], env);

    expect([type.code, since.code, id.code, limit.code]).toEqual([2, 2, 2, 2]);
    expect(type.stderr).toBe(
      `error: unknown --type "order.payed"; did you mean "order.paid"?\nRun 'polar-webhooks deliveries --help' for usage.\n`,
    );
    expect(since.stderr).toContain(
      `--since "last tuesday" is neither a duration nor an ISO 8601 time. Accepted: a duration back from now (90s, 15m, 2h, 1h30m, 7d, 2w)`,
    );
    expect(id.stderr).toContain(`--endpoint "42" is not a Polar id`);
    expect(limit.stderr).toContain(`--limit "0" is not a whole number ≥ 1 or "all"`);
    expect(polar.requests).toEqual([]);
  });
});

describe("Polar access", () => {
  it("says which variable to set when no token is given, and never prints a rejected one", async () => {
    const missing = await run(["endpoints"], { POLAR_API_URL: polar.url });
    const revoked = polar.createToken({ kind: "organization" });
    polar.revokeToken(revoked);
    const rejected = await run(["deliveries"], { ...env, POLAR_ACCESS_TOKEN: revoked });
    const server = await run(["endpoints"], { ...env, POLAR_SERVER: "staging" });

    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toBe(
      "error: Polar access token is missing: set POLAR_ACCESS_TOKEN (an organization access token with webhooks:read; redeliver needs webhooks:write), or pass --stack <name> to use that stack's polar:accessToken.\n",
    );
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain("failed: 401");
    expect(rejected.stderr).toContain("create a new one in Polar");
    expect(rejected.stderr).not.toContain(revoked);
    expect(server).toMatchObject({ code: 2 });
    expect(server.stderr).toContain('polar:server is "staging"; use "sandbox" or "production"');
  });
});
