/**
 * A per-process memo kept on `globalThis`. The provider is serialized into state by value, with
 * every module variable it reaches: a module-level cache filled in the program's process (say, zod
 * schemas built while the program used PolarClient) would be captured too, and zod schemas cannot
 * be serialized. A global is only looked up at run time, in whichever process runs the code.
 */
export function processMemo<T>(key: string, build: () => T): T {
  const store = globalThis as Record<string, unknown>;
  const slot = `__polarWebhooksMemo:${key}`;
  if (!(slot in store)) store[slot] = build();
  return store[slot] as T;
}
