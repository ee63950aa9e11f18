// When a rotation happened, as the `secretRotatedAt` output records it. Pure; used by the provider.

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function instantOf(value: string | null | undefined): number | undefined {
  if (typeof value !== "string" || !ISO_INSTANT.test(value)) return undefined;
  const millis = Date.parse(value);
  return Number.isFinite(millis) ? millis : undefined;
}

/**
 * The instant a secret reset took effect, as an ISO 8601 instant (UTC, milliseconds). Polar's
 * `modified_at` of the endpoint right after the reset is the moment Polar switched to the new secret
 * (every later attempt, retries included, is signed with it), read from Polar's clock rather than a
 * CI runner's. For a reset found by `read` (made in the dashboard) it is an upper bound: the reset
 * happened at or before the endpoint's last modification, so a grace counted from it is never short.
 * It is used when it is a valid instant no earlier than `notBefore` (the endpoint's `modified_at` or
 * `created_at` last recorded: a reset cannot predate what we saw before it); otherwise `now`.
 */
export function rotationInstant(
  modifiedAt: string | null | undefined,
  notBefore: string | null | undefined,
  now: Date = new Date(),
): string {
  const at = instantOf(modifiedAt);
  const floor = instantOf(notBefore);
  if (at === undefined || (floor !== undefined && at < floor)) return now.toISOString();
  return new Date(at).toISOString();
}
