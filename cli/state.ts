/** Exported stack state, as `pulumi stack export --show-secrets` writes it. Pure. */

/** One resource of `pulumi stack export --show-secrets`. */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly id?: string;
  readonly outputs?: Record<string, unknown>;
}

/** Pulumi's marker of an encrypted value in exported state. */
export const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

/**
 * A state value in clear: `stack export --show-secrets` writes each secret as
 * `{"4dabf…": "1b47…", "plaintext": "<JSON>"}`.
 */
export function reveal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reveal);
  if (value === null || typeof value !== "object") return value;
  if (SECRET_SIGNATURE in value) {
    const plaintext = (value as { plaintext?: unknown }).plaintext;
    if (typeof plaintext !== "string") return undefined;
    try {
      return reveal(JSON.parse(plaintext));
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, reveal(inner)]));
}
