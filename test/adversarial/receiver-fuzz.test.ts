// The receiver under a seeded fuzzer (fuzz.ts): every answer as the contract says, no forgery
// accepted, nothing thrown, nothing enqueued for a rejection. FUZZ_SEED / FUZZ_CASES reproduce a
// failing run (the failure message prints both).
import { describe, expect, it } from "vitest";
import { runReceiverFuzz, type ReceiverFuzzSummary } from "./fuzz";
import { MUTATIONS } from "./mutations";

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_2026);
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);

function describeRun(summary: ReceiverFuzzSummary): string {
  return [
    `seed ${summary.seed}, ${summary.cases} cases; reproduce with: ${summary.reproduce}`,
    `statuses ${JSON.stringify(summary.statuses)}`,
    ...summary.failures,
  ].join("\n");
}

describe("receiver fuzzer", () => {
  it(`answers ${CASES} mutated deliveries as the contract says, accepting no forgery`, async () => {
    // Act
    const summary = await runReceiverFuzz({ cases: CASES, seed: SEED });
    // Assess
    const report = describeRun(summary);
    expect(summary.failures, report).toEqual([]);
    expect(
      {
        mismatches: summary.mismatches,
        forgeries: summary.forgeries,
        thrown: summary.thrown,
        serverErrors: summary.serverErrors,
        unexplainedMessages: summary.unexplainedMessages,
        logLeaks: summary.logLeaks,
      },
      report,
    ).toEqual({
      mismatches: 0,
      forgeries: 0,
      thrown: 0,
      serverErrors: 0,
      unexplainedMessages: 0,
      logLeaks: [],
    });
    // No enqueue on any rejection: one SendMessage and one message per 202.
    expect(summary.sendMessageCalls, report).toBe(summary.accepted);
    expect(summary.queueDepth, report).toBe(summary.accepted);
    // The run covered what it claims: every mutation, replays, and every status of the contract.
    for (const mutation of MUTATIONS) {
      expect(summary.mutations[mutation.name] ?? 0, mutation.name).toBeGreaterThan(0);
    }
    // Replays of captured 202s: accepted again within the window, refused once it has passed.
    expect(summary.mutations["replay.202"] ?? 0).toBeGreaterThan(0);
    expect(summary.mutations["replay.403"] ?? 0).toBeGreaterThan(0);
    for (const status of ["202", "400", "403", "405", "413"]) {
      expect(summary.statuses[status] ?? 0, `status ${status}`).toBeGreaterThan(0);
    }
    expect(summary.accepted).toBeGreaterThan(CASES / 10);
    console.log(
      `receiver fuzz: seed ${summary.seed}, ${summary.cases} cases in ${summary.durationMs} ms, ` +
        `statuses ${JSON.stringify(summary.statuses)}`,
    );
  });

  it("reports the forgeries of a receiver that holds a key it must not", async () => {
    // Prepare: the receiver trusts a stranger's secret instead of the previous one.
    const summary = await runReceiverFuzz({
      cases: 1_500,
      seed: SEED,
      receiverSecrets: (secrets) => ({
        current: secrets.current,
        previous: secrets.strangerSecrets[0]!,
      }),
    });
    // Assess: stranger-signed requests were accepted and enqueued; the fuzzer says so.
    expect(summary.forgeries).toBeGreaterThan(0);
    expect(summary.unexplainedMessages).toBe(summary.forgeries);
    expect(summary.mismatches).toBeGreaterThan(summary.forgeries);
  });
});
