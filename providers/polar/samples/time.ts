/**
 * Timestamps as Polar prints them.
 *
 * Polar stores `timestamptz` (microseconds) and pydantic prints UTC datetimes as
 * `2026-03-12T10:44:51.804760Z`, leaving out the fraction when it is zero. Lists are ordered by
 * `created_at DESC`; the emulator's clock (local/polar-emulator/clock.ts) never repeats itself.
 */

export interface Timestamp {
  /** Microseconds since the Unix epoch (fits a double exactly until the year 2255). */
  readonly micros: number;
  /** The value as Polar serializes it. */
  readonly iso: string;
}

export function timestampFromMicros(micros: number): Timestamp {
  const millis = Math.floor(micros / 1000);
  const fraction = String(micros % 1_000_000).padStart(6, "0");
  const seconds = new Date(millis).toISOString().slice(0, 19);
  return { micros, iso: fraction === "000000" ? `${seconds}Z` : `${seconds}.${fraction}Z` };
}

export function timestampFromDate(date: Date): Timestamp {
  return timestampFromMicros(date.getTime() * 1000);
}
