// The receiver under a seeded fuzzer (fuzz.ts): every answer as the contract says, no forgery
// accepted, nothing thrown, nothing enqueued for a rejection (watched at the queue). FUZZ_SEED /
// FUZZ_CASES reproduce a failing run (the failure message prints both). With FUZZ_REPORT, the counts are also
// written there as JSON: how `npm run bench` runs the fuzzer at 100,000 cases (bench/lib/fuzz-section.ts).
import { writeFileSync } from "node:fs";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { runReceiverFuzz, type ReceiverFuzzResult } from "./fuzz";
import { MUTATIONS } from "./mutations";

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_2026);
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
/** Only stops a hung run: a replay of a large FUZZ_CASES needs more than the default. */
const TIMEOUT_MS = Math.max(120_000, CASES * 10);
/** Enough for every kind of mistake to show, in a few seconds. */
const SELF_TEST_CASES = 1_000;

function describeRun(result: ReceiverFuzzResult): string {
  return [
    `seed ${result.seed}, ${result.cases} cases; reproduce with: ${result.reproduce}`,
    `statuses ${JSON.stringify(result.statuses)}`,
    ...result.failures,
  ].join("\n");
}

describe("receiver fuzzer", () => {
  it(
    `answers ${CASES} mutated deliveries as the contract says, accepting no forgery`,
    async () => {
      // Act
      const result = await runReceiverFuzz({ cases: CASES, seed: SEED });
      if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify(result));
      // Assess
      const report = describeRun(result);
      expect(result.failures, report).toEqual([]);
      expect(
        {
          statusMismatches: result.statusMismatches,
          forgeriesAccepted: result.forgeriesAccepted,
          uncaught: result.uncaught,
          enqueuedOnRejection: result.enqueuedOnRejection,
          unexplainedMessages: result.unexplainedMessages,
          missingMessages: result.missingMessages,
          logLeaks: result.logLeaks,
        },
        report,
      ).toEqual({
        statusMismatches: 0,
        forgeriesAccepted: 0,
        uncaught: 0,
        enqueuedOnRejection: 0,
        unexplainedMessages: 0,
        missingMessages: 0,
        logLeaks: [],
      });
      expect(result.sendMessageCalls, report).toBe(result.accepted);
      // The run covered what it claims: every mutation, replays, and every status of the contract.
      for (const mutation of MUTATIONS) {
        expect(result.mutations[mutation.name] ?? 0, mutation.name).toBeGreaterThan(0);
      }
      // Replays of captured 202s: accepted again within the window, refused once it has passed.
      expect(result.mutations["replay.202"] ?? 0).toBeGreaterThan(0);
      expect(result.mutations["replay.403"] ?? 0).toBeGreaterThan(0);
      for (const status of ["202", "400", "403", "405", "413"]) {
        expect(result.statuses[status] ?? 0, `status ${status}`).toBeGreaterThan(0);
      }
      expect(result.accepted).toBeGreaterThan(CASES / 10);
      console.log(
        `receiver fuzz: seed ${result.seed}, ${result.cases} cases in ${result.durationMs} ms, ` +
          `statuses ${JSON.stringify(result.statuses)}`,
      );
    },
    TIMEOUT_MS,
  );

  it("reports the forgeries of a receiver that holds a key it must not", async () => {
    // Prepare: the receiver trusts a stranger's secret instead of the previous one.
    const result = await runReceiverFuzz({
      cases: SELF_TEST_CASES,
      seed: SEED,
      receiverSecrets: (secrets) => ({
        current: secrets.current,
        previous: secrets.strangerSecrets[0]!,
      }),
    });
    // Assess: stranger-signed requests were accepted (and enqueued, as the 202s said); the
    // fuzzer says so.
    expect(result.forgeriesAccepted).toBeGreaterThan(0);
    expect([result.unexplainedMessages, result.missingMessages]).toEqual([0, 0]);
    expect(result.statusMismatches).toBeGreaterThan(result.forgeriesAccepted);
  });

  it("reports messages a receiver enqueues for a request it rejects", async () => {
    // Prepare: a receiver that also forwards what it refuses as unsigned (403) to the queue.
    const result = await runReceiverFuzz({
      cases: SELF_TEST_CASES,
      seed: SEED,
      wrapHandler: (handler, queue) => async (event) => {
        const result = await handler(event);
        if (result.statusCode === 403) {
          await queue.client.send(
            new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: event.body || "-" }),
          );
        }
        return result;
      },
    });
    // Assess: every such message is counted at the queue, where it was left.
    expect(result.enqueuedOnRejection).toBe(result.statuses["403"]);
    expect(result.unexplainedMessages).toBe(result.enqueuedOnRejection);
    expect(result.statusMismatches).toBe(0);
  });
});
