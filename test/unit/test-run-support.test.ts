// The suite's own bookkeeping: the closing count (a test whose suite failed to set up is a failure, not a skip), the
// slowest files, and what a run left behind.
import { describe, expect, it } from "vitest";
import { leakMessage, parseStat } from "../support/leaks";
import { countTests, slowestFiles } from "../summary-reporter";

const test = (state?: string, mode = "run") => ({ type: "test", mode, result: { state } });

describe("Function: countTests", () => {
  it("counts a test that never ran because its suite's beforeAll failed as failed", () => {
    const files = [
      {
        type: "suite",
        result: { state: "fail" },
        tasks: [
          {
            type: "suite",
            result: { state: "fail" },
            tasks: [test(), test(), test(undefined, "skip")],
          },
        ],
      },
      { type: "suite", result: { state: "pass" }, tasks: [test("pass"), test(undefined, "skip")] },
    ];
    expect(countTests(files)).toEqual({ passed: 1, failed: 2, skipped: 2 });
  });

  it("counts a file that failed to load as one failure", () => {
    expect(countTests([{ type: "suite", result: { state: "fail" }, tasks: [] }])).toEqual({
      passed: 0,
      failed: 1,
      skipped: 0,
    });
  });
});

describe("Function: slowestFiles", () => {
  it("lists at most ten files by their own time, collection included, slowest first", () => {
    const files = Array.from({ length: 12 }, (_, i) => ({
      type: "suite",
      filepath: `/repo/test/f${i}.test.ts`,
      collectDuration: 1000,
      result: { duration: i * 1000 },
    }));
    const lines = slowestFiles(files, "/repo");
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe("  12.0 s  test/f11.test.ts");
    expect(lines[9]).toBe("   3.0 s  test/f2.test.ts");
  });
});

describe("Function: parseStat", () => {
  it("reads the parent and session past a process name with spaces and parentheses", () => {
    expect(parseStat(42, "42 (node (vitest 1)) S 7 42 9 0 -1 4194560")).toEqual({
      pid: 42,
      parentPid: 7,
      session: 9,
    });
  });
});

describe("Function: leakMessage", () => {
  it("names each process with its ports and each directory; nothing left, no message", () => {
    expect(leakMessage({ processes: [], directories: [] })).toBeUndefined();
    expect(
      leakMessage({
        processes: [
          { pid: 7, parentPid: 1, session: 3, command: "moto_server -p 5000", ports: [5000] },
        ],
        directories: ["/tmp/run/x"],
      }),
    ).toBe(
      "The test run left 2 thing(s) behind; the test that started each must stop or remove it:\n" +
        "  - process 7 still running: moto_server -p 5000 (listening on 5000)\n" +
        "  - temporary directory left behind: /tmp/run/x",
    );
  });
});
