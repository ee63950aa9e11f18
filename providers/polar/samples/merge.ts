/**
 * Overrides for sample payloads: `emit(type, { data })` deep-merges `data` into the sample.
 * Objects merge key by key; arrays, `null` and scalars replace what was there.
 */

/** Every field optional, at every depth; arrays are replaced whole, so they stay as they are. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A new object: `base` with `override` merged in; neither input is changed. */
export function deepMerge<T extends object>(
  base: T,
  override: Readonly<Record<string, unknown>>,
): T {
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) {
      continue;
    }
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value)
        ? deepMerge(current, value)
        : structuredClone(value);
  }
  return merged as T;
}
