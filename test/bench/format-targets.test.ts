// How figures print and how each is held against its target (✓/✗).
import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatCount,
  formatMs,
  formatRate,
  formatRatio,
  significant,
} from "../../bench/lib/format";
import { countIs, oursFaster, ratioAtMost, timeAtMost } from "../../bench/lib/targets";

describe("Module: bench/lib/format", () => {
  it.each([
    [0.00321, "3.21 µs"],
    [0.5, "500 µs"],
    [1, "1.00 ms"],
    [12.345, "12.3 ms"],
    [999.4, "999 ms"],
    [9_999, "9999 ms"],
    [12_500, "12.5 s"],
    [Number.NaN, "n/a"],
  ])("formatMs(%s) is %s", (ms, expected) => {
    expect(formatMs(ms)).toBe(expected);
  });

  it("keeps 3 significant digits, never fewer for large numbers", () => {
    expect([significant(0.012345), significant(1.5), significant(123_456)]).toEqual([
      "0.0123",
      "1.50",
      "123456",
    ]);
  });

  it("prints ratios with 2 significant digits below 10 and 3 above", () => {
    expect([formatRatio(1.2345), formatRatio(0.98), formatRatio(44.66)]).toEqual([
      "1.2×",
      "0.98×",
      "44.7×",
    ]);
  });

  it("prints sizes in binary units and counts with separators", () => {
    expect([formatBytes(512), formatBytes(2048), formatBytes(702_304)]).toEqual([
      "512 B",
      "2.00 KiB",
      "686 KiB",
    ]);
    expect([formatCount(100_000), formatCount(Number.NaN)]).toEqual(["100,000", "n/a"]);
    expect(formatRate(55.93, "records")).toBe("55.9 records/s");
  });
});

describe("Module: bench/lib/targets", () => {
  it("meets a ratio target at the limit and misses it above", () => {
    expect(ratioAtMost(1.5, 1.5, "floor")).toEqual({ target: "≤ 1.5× floor", ok: true });
    expect(ratioAtMost(4.01, 4, "floor")).toEqual({ target: "≤ 4× floor", ok: false });
  });

  it("meets a time target at the limit and misses it above", () => {
    expect(timeAtMost(5, 5)).toEqual({ target: "≤ 5 ms", ok: true });
    expect(timeAtMost(151, 150).ok).toBe(false);
  });

  it("wants counts exact", () => {
    expect(countIs(0, 0)).toEqual({ target: "= 0", ok: true });
    expect(countIs(1, 0).ok).toBe(false);
    expect(countIs(1.1, 1, "/endpoint")).toEqual({ target: "= 1/endpoint", ok: false });
  });

  it("calls ours faster only when the peer took longer", () => {
    expect(oursFaster(1.01)).toEqual({ target: "ours faster", ok: true });
    expect(oursFaster(1).ok).toBe(false);
  });

  it("never passes a figure that could not be measured (NaN)", () => {
    const verdicts = [
      ratioAtMost(Number.NaN, 4, "floor"),
      timeAtMost(Number.NaN, 150),
      countIs(Number.NaN, 0),
      oursFaster(Number.NaN),
    ];
    expect(verdicts.map((verdict) => verdict.ok)).toEqual([false, false, false, false]);
  });
});
