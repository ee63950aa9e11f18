/** How figures print: 3 significant digits, the unit scaled to the value. */

/** Milliseconds; µs below 1 ms, s from 10 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  if (ms < 1) return `${significant(ms * 1000)} µs`;
  if (ms >= 10_000) return `${significant(ms / 1000)} s`;
  return `${significant(ms)} ms`;
}

export function significant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value === 0) return "0";
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toFixed(decimals);
}

/** 2 significant digits below 10 (1.5×, 0.98×), 3 above (12.3×, 150×). */
export function formatRatio(value: number): string {
  return `${significant(value, Math.abs(value) >= 10 ? 3 : 2)}×`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "n/a";
  if (bytes >= 1024 * 1024) return `${significant(bytes / 1024 / 1024)} MiB`;
  if (bytes >= 1024) return `${significant(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a";
}

export function formatRate(perSecond: number, unit: string): string {
  return `${significant(perSecond)} ${unit}/s`;
}
