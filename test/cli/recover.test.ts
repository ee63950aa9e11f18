// `recover` against the Polar emulator and a local receiver: what it finds, re-enables, sends and
// reports; 429s; outcomes it waits for; what it refuses (scope, production, tokens) and that a
// refusal changes nothing. The whole journey (outage, auto-disable, consumer) is in
// test/pipeline/recover-journey.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecoverJson } from "../../cli/commands/recover-report";
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

/** An endpoint Polar disabled after failures: failed and skipped events, one delivered. */
function outage(options: { archived?: boolean } = {}) {
  const endpoint = polar.insertEndpoint({ url: `${receiver.url}/hook`, events: ["order.paid"] });
  const failed = [failedEvent(polar, endpoint.id), failedEvent(polar, endpoint.id)];
  const delivered = failedEvent(polar, endpoint.id, { recovered: true });
  const skipped = failedEvent(polar, endpoint.id);
  const archived = options.archived
    ? failedEvent(polar, endpoint.id, { archived: true })
    : undefined;
  // What Polar does after 10 failed events in a row: disabled, pending events skipped.
  polar.updateEndpointOutOfBand(endpoint.id, { enabled: false });
  return { endpoint, failed, delivered, skipped, archived };
}

const redelivered = (ids: readonly string[]) =>
  polar.redeliveries.filter((event) => ids.includes(event.id)).map((event) => event.id);
const writes = () => polar.requests.filter((r) => r.method !== "GET");

describe("recover", () => {
  it("re-enables the endpoint, redelivers what never arrived oldest first, waits, and sums up", async () => {
    const { endpoint, failed, delivered, skipped } = outage();
    const questions: string[] = [];

    const result = await run(
      ["recover", "--endpoint", endpoint.id, "--since", "1h", "--rate", "6000"],
      env,
      { answer: "no", questions },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(questions).toEqual([]); // sandbox: nothing to confirm
    expect(polar.getEndpoint(endpoint.id)?.enabled).toBe(true);
    const ids = [...failed, skipped].map((e) => e.id);
    expect(redelivered([...ids, delivered.id])).toEqual(ids);
    expect(result.stderr).toContain(
      `Endpoint ${endpoint.id} was disabled (Polar disables one after 10 failed events in a row): enabled again.\n`,
    );
    expect(result.stderr).toContain(
      `[1/3] redelivered ${failed[0].id} (order.paid: Polar gave up on it)\n`,
    );
    expect(result.stdout).toContain(
      "Recovered 3 of 3 events; still failing 0; no outcome yet 0; lost 0.\n",
    );
    expect(result.stdout).toMatch(
      /From about \S+ until now, while the endpoint was disabled, Polar created no events for it: what happened then never reaches it/,
    );

    const again = json<RecoverJson>(
      await run(
        ["recover", "--endpoint", endpoint.id, "--since", "1h", "--json", "--rate", "6000"],
        env,
      ),
    );
    expect(again.events).toEqual([]);
    expect(again.alreadyDelivered).toBe(4);
    expect(redelivered(ids)).toEqual(ids);
  });

  it("lists archived events as lost, reports what still fails with its last status, and exits 1", async () => {
    const { endpoint, archived } = outage({ archived: true });
    receiver.respondWith(() => ({ status: 500, body: "still down" }));
    try {
      const result = await run(
        ["recover", "--endpoint", endpoint.id, "--since", "1h", "--json", "--rate", "6000"],
        env,
      );
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as RecoverJson;
      expect(report.summary).toEqual({ recovered: 0, stillFailing: 3, pending: 0, lost: 1 });
      expect(report.events.filter((e) => e.outcome === "still-failing")).toHaveLength(3);
      expect(
        report.events.every((e) => e.outcome !== "still-failing" || e.lastStatus === 500),
      ).toBe(true);
      expect(report.events.find((e) => e.outcome === "lost")).toEqual({
        id: archived!.id,
        type: "order.paid",
        outcome: "lost",
      });
      expect(redelivered([archived!.id])).toEqual([]);
    } finally {
      receiver.respondWith(() => ({ status: 202 }));
    }
  });

  it("waits out Polar's 429s as Retry-After says, and says so", async () => {
    const { endpoint, failed, skipped } = outage();
    polar.faults.set({
      rateLimit: {
        count: 2,
        method: "POST",
        path: "/v1/webhooks/events/{id}/redeliver",
        retryAfterSeconds: 1,
      },
    });
    const result = await run(
      ["recover", "--endpoint", endpoint.id, "--since", "1h", "--rate", "6000"],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      "rate limited by Polar (429): waiting 1.0 s as Retry-After asks",
    );
    expect(redelivered([...failed, skipped].map((e) => e.id))).toHaveLength(3);
  });

  it("--dry-run says what it would do and changes nothing", async () => {
    const { endpoint, failed, skipped } = outage({ archived: true });
    polar.resetRequests();
    const result = await run(
      ["recover", "--endpoint", endpoint.id, "--since", "1h", "--dry-run"],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Would re-enable endpoint ${endpoint.id} (disabled since about`,
    );
    expect(result.stdout).toContain("Would redeliver 3 events:\n");
    expect(result.stdout).toContain(`  ${skipped.id}  order.paid  Polar gave up on it\n`);
    expect(result.stdout).toContain(`  ${failed[0].id}  order.paid  Polar gave up on it\n`);
    expect(result.stdout).toContain("Lost (archived after 90 days");
    expect(writes()).toEqual([]);
    expect(polar.getEndpoint(endpoint.id)?.enabled).toBe(false);
  });
});

describe("recover refuses, naming the flag or the token that allows it, and changes nothing", () => {
  it("without --endpoint or --stack, or without --since, or with a --since it cannot read", async () => {
    polar.resetRequests();
    const unscoped = await run(["recover", "--since", "1h"], env);
    expect(unscoped.code).toBe(2);
    expect(unscoped.stderr).toContain(
      "error: recover needs --endpoint <id> or --stack <name>: it recovers one endpoint\n",
    );
    const noSince = await run(["recover", "--endpoint", polar.organizationId], env);
    expect(noSince.stderr).toContain("error: recover needs --since <duration|time>");
    const badSince = await run(
      ["recover", "--endpoint", polar.organizationId, "--since", "yesterday"],
      env,
    );
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain(
      '--since "yesterday" is neither a duration nor an ISO 8601 time. Accepted: a duration back from now (90s, 15m, 2h, 1h30m, 7d, 2w)',
    );
    expect(polar.requests).toEqual([]);
  });

  it("an unknown endpoint, or another organization's: lists what the token sees and the token needed", async () => {
    const { endpoint } = outage();
    const theirs = polar.insertEndpoint({
      url: `${receiver.url}/theirs`,
      organizationId: polar.otherOrganizationId,
      enabled: false,
    });
    polar.resetRequests();
    const result = await run(["recover", "--endpoint", theirs.id, "--since", "1h"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `error: Endpoint ${theirs.id} is not visible to this token on Polar sandbox: it does not exist, or belongs to another organization. recover needs an organization access token of the endpoint's organization with webhooks:read and webhooks:write (stack config polar:accessToken, or POLAR_ACCESS_TOKEN). Nothing was changed.\nEndpoints this token sees:\n`,
    );
    expect(result.stderr).toContain(`  ${endpoint.id}  disabled`);
    expect(result.stderr).not.toContain(theirs.id + "  ");
    expect(writes()).toEqual([]);
    expect(polar.getEndpoint(theirs.id)?.enabled).toBe(false);
  });

  it("a token without webhooks:write: says which token is needed; the endpoint stays as it was", async () => {
    const { endpoint, failed } = outage();
    const readOnly = polar.createToken({ kind: "organization", scopes: ["webhooks:read"] });
    const result = await run(
      ["recover", "--endpoint", endpoint.id, "--since", "1h", "--rate", "6000"],
      { ...env, POLAR_ACCESS_TOKEN: readOnly },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `error: Polar refused the change to endpoint ${endpoint.id} (403 insufficient_scope): recover needs an organization access token of the endpoint's organization with webhooks:read and webhooks:write`,
    );
    expect(polar.getEndpoint(endpoint.id)?.enabled).toBe(false);
    expect(redelivered(failed.map((e) => e.id))).toEqual([]);
    expectNoSecretsIn([result.stdout, result.stderr], [readOnly]);
  });

  it("against Polar production: --yes, or yes typed at a terminal; never asked when CI is set", async () => {
    const { endpoint, failed } = outage();
    const production = { ...env, POLAR_SERVER: "production" };
    const args = ["recover", "--endpoint", endpoint.id, "--since", "1h", "--rate", "6000"];

    const script = await run(args, production);
    expect(script.code).toBe(2);
    expect(script.stderr).toContain(
      `error: recover would re-enable endpoint ${endpoint.id} and redeliver 3 events to endpoint ${endpoint.id} on Polar production, which is production, and stdin is not a terminal, so nobody can be asked: add --yes to go ahead. Nothing was sent.`,
    );
    const ci = await run(args, { ...production, CI: "true" }, { answer: "yes" });
    expect(ci.stderr).toContain("and CI is set, so nobody can be asked: add --yes to go ahead.");
    const questions: string[] = [];
    const declined = await run(args, production, { answer: "n", questions });
    expect(declined.code).toBe(2);
    expect(declined.stderr).toContain(
      "error: Not confirmed: nothing was sent. (--yes goes ahead without asking.)",
    );
    expect(questions).toEqual([
      `recover will re-enable endpoint ${endpoint.id} and redeliver 3 events to endpoint ${endpoint.id} on Polar production, which is production. Type yes to go ahead: `,
    ]);
    expect(polar.getEndpoint(endpoint.id)?.enabled).toBe(false);
    expect(redelivered(failed.map((e) => e.id))).toEqual([]);

    const confirmed = await run(args, production, { answer: "yes" });
    expect(confirmed.code, confirmed.stderr).toBe(0);
    const withYes = await run([...args, "--yes"], production);
    expect(withYes.stdout).toContain("Nothing to recover");
  });
});
