/** `--since` values and ages, as people type and read them. */

export const SINCE_FORMS =
  "a duration back from now (90s, 15m, 2h, 1h30m, 7d, 2w) or an ISO 8601 time with a zone " +
  "(2026-11-30T12:00:00Z, 2026-11-30T13:00+01:00) or a date (2026-11-30, midnight UTC)";

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export type SinceResult = { ok: true; since: Date } | { ok: false; problem: string };

/** A duration in milliseconds ("1h30m"), or undefined when `text` is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim().toLowerCase());
  if (!match || match.slice(1).every((part) => part === undefined)) return undefined;
  const [, w, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return w * UNIT_MS.w + d * UNIT_MS.d + h * UNIT_MS.h + m * UNIT_MS.m + s * UNIT_MS.s;
}

/** The instant `text` names, relative to `now` for a duration. */
export function parseSince(text: string, now: Date): SinceResult {
  const value = text.trim();
  const duration = parseDuration(value);
  if (duration !== undefined) {
    if (duration === 0) return { ok: false, problem: "is zero; give a duration such as 2h" };
    return { ok: true, since: new Date(now.getTime() - duration) };
  }
  let instant: number;
  if (DATE.test(value)) {
    instant = Date.parse(`${value}T00:00:00Z`);
  } else {
    const match = DATE_TIME.exec(value);
    if (!match) return { ok: false, problem: "is neither a duration nor an ISO 8601 time" };
    // Without a zone the instant would depend on this machine's time zone; Polar needs one too.
    if (match[1] === undefined) {
      return { ok: false, problem: "has no time zone; add Z (UTC) or an offset such as +01:00" };
    }
    instant = Date.parse(value.toUpperCase());
  }
  if (Number.isNaN(instant)) return { ok: false, problem: "is not a valid date" };
  if (instant > now.getTime()) return { ok: false, problem: "is in the future" };
  return { ok: true, since: new Date(instant) };
}

/** A compact age: "45s", "12m", "5h", "3d". */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
