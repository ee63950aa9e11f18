/**
 * "Did you mean" for event types. The emulator keeps its own copy rather than importing the
 * provider's: it stands in for Polar and shares no code with the clients it is used to test.
 */
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./events";

/** The known event type nearest to `value`, when it is close enough to be a typo. */
export function suggestEventType(value: string): WebhookEventType | undefined {
  let best: WebhookEventType | undefined;
  let bestDistance = Infinity;
  for (const candidate of WEBHOOK_EVENT_TYPES) {
    const distance = editDistance(value.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // A third of the length: "order.payed" and "subscription.cancelled" are typos, "refunds" is not.
  return bestDistance <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

/** Levenshtein distance, two rows at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
