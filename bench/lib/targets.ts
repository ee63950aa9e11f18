/**
 * Targets from issue 12, each printed beside its figure with ✓ or ✗. A figure that could not be
 * measured (NaN) never meets its target.
 */
export interface Verdict {
  /** As printed in the target column, e.g. "≤ 1.5× floor". */
  readonly target: string;
  readonly ok: boolean;
}

/** `ratio` (ours / `of`) at most `limit`. */
export function ratioAtMost(ratio: number, limit: number, of: string): Verdict {
  return { target: `≤ ${limit}× ${of}`, ok: ratio <= limit };
}

/** A time in milliseconds at most `limitMs`. */
export function timeAtMost(ms: number, limitMs: number): Verdict {
  return { target: `≤ ${limitMs} ms`, ok: ms <= limitMs };
}

/** `count` exactly `expected`, e.g. API calls; `unit` follows the number ("/endpoint"). */
export function countIs(count: number, expected: number, unit = ""): Verdict {
  return { target: `= ${expected}${unit}`, ok: count === expected };
}

/** A peer's time over ours: above 1 means ours is faster. */
export function oursFaster(peerOverOurs: number): Verdict {
  return { target: "ours faster", ok: peerOverOurs > 1 };
}
