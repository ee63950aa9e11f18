// redeliver against the Polar emulator: by id, in bulk, under 429s, archived and retrying events.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RedeliverJson } from "../../cli/commands/redeliver";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { startReceiver, type Receiver } from "../emulators/polar/receiver";
import { allOutput, expectNoSecretsIn, failedEvent, json, run } from "./support";

let polar: PolarEmulator;
let receiver: Receiver;
let env: Record<string, string>;

beforeAll(async () => {
  polar = await startPolarEmulator({ allowLoopbackUrls: true, deliveryBackoffScale: 0.001 });
  receiver = await startReceiver();
  env = { POLAR_ACCESS_TOKEN: polar.organizationToken, POLAR_API_URL: polar.url };
});

afterAll(async () => {
  expectNoSecretsIn(allOutput, [
    polar.organizationToken,
    ...polar.endpoints().map((e) => e.secret),
  ]);
  await polar?.close();
  await receiver?.close();
});

function endpoint() {
  return polar.insertEndpoint({
    url: `${receiver.url}/hook`,
    events: ["order.paid", "order.refunded"],
  });
}

const redeliveredIds = () => polar.redeliveries.map((event) => event.id);

describe("redeliver <event-id>…", () => {
  it("sends each named event of the endpoint once, skips an archived one and says so, and sends no other", async () => {
    const e = endpoint();
    const first = failedEvent(polar, e.id);
    const succeeded = failedEvent(polar, e.id, { recovered: true });
    const archived = failedEvent(polar, e.id, { archived: true });
    const elsewhere = failedEvent(polar, endpoint().id);
    const unknown = randomUUID();
    const before = redeliveredIds().length;

    const result = await run(
      [
        "redeliver",
        first.id,
        succeeded.id,
        first.id.toUpperCase(),
        archived.id,
        elsewhere.id,
        unknown,
        "--endpoint",
        e.id,
        "--rate",
        "6000",
      ],
      env,
    );

    expect(result.code).toBe(1);
    expect(redeliveredIds().slice(before)).toEqual([first.id, succeeded.id]);
    expect(result.stderr).toContain("ignoring 1 repeated event id\n");
    expect(result.stderr).toContain(
      `skipped ${archived.id} (order.paid): archived (older than 90 days): Polar would accept the request and send nothing\n`,
    );
    expect(result.stderr).toContain(`[1/2] redelivered ${first.id} (order.paid)\n`);
    for (const id of [elsewhere.id, unknown]) {
      expect(result.stderr).toContain(
        `not sent ${id}: Polar lists no delivery of it to endpoint ${e.id}: not that endpoint's event (or never attempted), so not sent\n`,
      );
    }
    expect(result.stdout).toBe("Redelivered 2 events; skipped 1 (1 archived); 2 failed.\n");
    // The archive check reads the event's deliveries; the archived event itself is never posted.
    const posts = polar.requests.filter((r) => r.method === "POST").map((r) => r.path);
    expect(posts).not.toContain(`/v1/webhooks/events/${archived.id}/redeliver`);
  });

  it("prints the outcome of every event as JSON", async () => {
    const e = endpoint();
    const event = failedEvent(polar, e.id, { type: "order.refunded" });
    const archived = failedEvent(polar, e.id, { archived: true });

    const output = json<RedeliverJson>(
      await run(
        ["redeliver", event.id, archived.id, "--endpoint", e.id, "--json", "--rate", "6000"],
        env,
      ),
    );

    expect(output).toEqual({
      version: 1,
      dryRun: false,
      duplicates: 0,
      events: [
        { id: event.id, type: "order.refunded", outcome: "redelivered" },
        { id: archived.id, type: "order.paid", outcome: "skipped", reason: "archived" },
      ],
    });
  });

  it("refuses ids that are not Polar ids, mixed selections, and no scope, sending nothing", async () => {
    polar.resetRequests();
    const scope = ["--endpoint", randomUUID()];
    const bad = await run(["redeliver", "evt_123", ...scope], env);
    const mixed = await run(["redeliver", randomUUID(), "--failed", "--since", "1h"], env);
    const unbounded = await run(["redeliver", "--failed"], env);
    const none = await run(["redeliver"], env);
    const unscoped = await run(["redeliver", "--failed", "--since", "1h"], env);
    const byId = await run(["redeliver", randomUUID()], env);

    expect([bad.code, mixed.code, unbounded.code, none.code]).toEqual([2, 2, 2, 2]);
    for (const refused of [unscoped, byId]) {
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        "error: redeliver needs --endpoint <id> or --stack <name>: without one, Polar would redeliver to every endpoint of the organization (other stacks, Slack, Discord)\n",
      );
    }
    expect(bad.stderr).toContain(`event id "evt_123" is not a Polar id (a UUID`);
    expect(mixed.stderr).toContain("give event ids or --failed, not both");
    expect(unbounded.stderr).toContain(
      "--failed needs --since (e.g. --since 2h), so a bulk redelivery is always bounded",
    );
    expect(none.stderr).toContain(
      "give event ids, or --failed --since <duration> for a bulk redelivery",
    );
    expect(polar.requests).toEqual([]);
  });
});

describe("redeliver against Polar production", () => {
  it("needs --yes (or yes typed at a terminal); refused, it sends nothing and names the flag", async () => {
    const e = endpoint();
    const event = failedEvent(polar, e.id);
    const production = { ...env, POLAR_SERVER: "production" };
    const args = ["redeliver", event.id, "--endpoint", e.id, "--rate", "6000"];
    const before = redeliveredIds().length;

    const refused = await run(args, production);
    const bulk = await run(
      ["redeliver", "--failed", "--since", "1h", "--endpoint", e.id, "--rate", "6000"],
      production,
    );
    const dryRun = await run([...args, "--dry-run"], production);

    for (const result of [refused, bulk]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `error: redeliver would redeliver 1 event to endpoint ${e.id} on Polar production, which is production, and stdin is not a terminal, so nobody can be asked: add --yes to go ahead. Nothing was sent.\n`,
      );
    }
    expect(dryRun.code).toBe(0);
    expect(redeliveredIds().length).toBe(before);

    expect((await run(args, production, { answer: "yes" })).code).toBe(0);
    expect((await run([...args, "--yes"], production)).code).toBe(0);
    expect(redeliveredIds().slice(before)).toEqual([event.id, event.id]);
  });
});

describe("redeliver --failed --since", () => {
  it("redelivers every failed event once, oldest first, waiting out each 429 as Retry-After asks", async () => {
    const e = endpoint();
    const failed = Array.from({ length: 6 }, (_, i) =>
      failedEvent(polar, e.id, { type: i === 2 ? "order.refunded" : "order.paid" }),
    );
    failedEvent(polar, e.id, { recovered: true });
    const archived = failedEvent(polar, e.id, { archived: true });
    polar.resetRequests();
    const before = redeliveredIds().length;
    polar.faults.set({
      rateLimit: { count: 3, method: "POST", path: /\/redeliver$/, retryAfterSeconds: 1 },
    });

    const result = await run(
      ["redeliver", "--failed", "--since", "1h", "--endpoint", e.id, "--rate", "6000"],
      env,
    );

    expect(result.code, result.stderr).toBe(0);
    expect(redeliveredIds().slice(before)).toEqual(failed.map((event) => event.id));
    expect(result.stdout).toBe(
      "Redelivered 6 events; skipped 2 (1 succeeded, 1 archived); 0 failed.\n",
    );
    expect(
      result.stderr.match(/rate limited by Polar \(429\): waiting 1\.0 s as Retry-After asks/g),
    ).toHaveLength(3);
    expect(result.stderr).toContain(`skipped ${archived.id} (order.paid): archived`);
    const posts = polar.requests.filter((r) => r.method === "POST");
    expect(posts.filter((r) => r.status === 429)).toHaveLength(3);
    expect(posts.filter((r) => r.status === 202)).toHaveLength(6);
    // Never hammered: nothing reached Polar before the Retry-After of a 429 had passed.
    for (const [index, request] of posts.entries()) {
      const next = posts[index + 1];
      if (request.status === 429 && next) {
        expect(Date.parse(next.receivedAt) - Date.parse(request.receivedAt)).toBeGreaterThanOrEqual(
          990,
        );
      }
    }
  });

  it("lists, with --dry-run, what it would send and sends nothing", async () => {
    const e = endpoint();
    const [a, b] = [failedEvent(polar, e.id), failedEvent(polar, e.id, { type: "order.refunded" })];
    const before = redeliveredIds().length;
    polar.resetRequests();

    const text = await run(
      [
        "redeliver",
        "--failed",
        "--since",
        "30m",
        "--endpoint",
        e.id,
        "--type",
        "order.refunded",
        "--dry-run",
      ],
      env,
    );
    const output = json<RedeliverJson>(
      await run(
        ["redeliver", "--failed", "--since", "30m", "--endpoint", e.id, "--dry-run", "--json"],
        env,
      ),
    );

    expect(text.stdout).toBe(
      `Would redeliver 1 event:\n  ${b.id}  order.refunded\nDry run, nothing sent; skipped none; 0 failed.\n`,
    );
    expect(output.events).toEqual([
      { id: a.id, type: "order.paid", outcome: "would-redeliver" },
      { id: b.id, type: "order.refunded", outcome: "would-redeliver" },
    ]);
    expect(redeliveredIds().length).toBe(before);
    expect(polar.requests.every((r) => r.method === "GET")).toBe(true);
  });

  it("leaves alone an event Polar is still retrying", async () => {
    // Polar's own schedule: after the first failed attempt the next is seconds away.
    let attempted!: () => void;
    const firstAttempt = new Promise<void>((resolve) => (attempted = resolve));
    const slow = await startPolarEmulator({
      allowLoopbackUrls: true,
      onDelivery: () => attempted(),
    });
    const failing = await startReceiver(() => ({ status: 500 }));
    try {
      slow.insertEndpoint({ url: `${failing.url}/hook`, events: ["order.paid"] });
      const { id } = await slow.emit("order.paid");
      await firstAttempt;

      const [e] = slow.endpoints();
      const result = await run(["redeliver", "--failed", "--since", "5m", "--endpoint", e.id], {
        POLAR_API_URL: slow.url,
        POLAR_ACCESS_TOKEN: slow.organizationToken,
      });

      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`skipped ${id} (order.paid): Polar is still retrying it`);
      expect(result.stdout).toBe("Redelivered 0 events; skipped 1 (1 retrying); 0 failed.\n");
      expect(slow.redeliveries).toEqual([]);
    } finally {
      await slow.close();
      await failing.close();
    }
  });

  it("says so when the window holds no failure", async () => {
    const result = await run(
      ["redeliver", "--failed", "--since", "1h", "--endpoint", randomUUID()],
      env,
    );
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toBe(
      "Redelivered 0 events; skipped none; 0 failed.\nNo failed deliveries in that window: nothing to redeliver.\n",
    );
  });
});
