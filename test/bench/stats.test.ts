// The arithmetic behind every figure of `npm run bench`: percentiles, summaries, per-round ratios.
import { describe, expect, it } from "vitest";
import { percentile, ratios, summarize } from "../../bench/lib/stats";

describe("Function: percentile", () => {
  it("interpolates between closest ranks, as numpy's default does", () => {
    // Prepare
    const values = [15, 20, 35, 40, 50];
    // Act
    const results = [0, 25, 40, 50, 99, 100].map((p) => percentile(values, p));
    // Assess: numpy.percentile([15, 20, 35, 40, 50], [0, 25, 40, 50, 99, 100])
    expect(results).toEqual([15, 20, 29, 35, 49.6, 50]);
  });

  it("does not depend on the input's order, nor change it", () => {
    const values = [3, 1, 2];
    expect(percentile(values, 50)).toBe(2);
    expect(values).toEqual([3, 1, 2]);
  });

  it("is NaN for no values, so a missing figure cannot pass a target", () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe("Function: summarize", () => {
  it("gives the median, quartiles and range of repeated runs", () => {
    expect(summarize([4, 1, 3, 2, 5])).toEqual({
      n: 5,
      median: 3,
      p25: 2,
      p75: 4,
      min: 1,
      max: 5,
    });
  });

  it("takes the mean of the middle two for an even count", () => {
    expect(summarize([1, 2, 3, 10]).median).toBe(2.5);
  });
});

describe("Function: ratios", () => {
  it("divides round by round, so a slow round for both leaves the ratio alone", () => {
    // Prepare: the second round ran on a busier machine, for both.
    const ours = [2, 20, 3];
    const floor = [1, 10, 2];
    // Act / Assess
    expect(ratios(ours, floor)).toEqual([2, 2, 1.5]);
    expect(summarize(ratios(ours, floor)).median).toBe(2);
  });
});
