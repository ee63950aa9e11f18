/**
 * Every request a command makes to Polar, one at a time at the Pacer's pace. A 429 is waited out
 * as `Retry-After` says (and reported), since Polar did not process the request; reads are also
 * retried after 5xx answers and lost connections. A redelivery is not: after a 5xx or a lost
 * answer it may have been scheduled, and sending it again could deliver the event twice.
 */
import {
  MAX_PAGE_SIZE,
  PolarApiError,
  PolarConnectionError,
  type ListResource,
  type ListWebhookDeliveriesQuery,
  type PolarClient,
  type PolarWebhookEndpoint,
  type WebhookDelivery,
} from "../providers/polar";
import type { CliIo } from "./io";
import type { Pacer } from "./pacer";

/** Consecutive 429s for one request before giving up (each waited out, up to a minute). */
export const MAX_RATE_LIMITED_RETRIES = 10;
/** Retries of a read after a 5xx or a lost connection. */
export const MAX_READ_RETRIES = 3;

type Kind = "read" | "write";

export class PacedPolar {
  constructor(
    private readonly client: PolarClient,
    private readonly pacer: Pacer,
    private readonly io: CliIo,
    private readonly onWait: (message: string) => void,
  ) {}

  async listEndpoints(): Promise<PolarWebhookEndpoint[]> {
    const all: PolarWebhookEndpoint[] = [];
    for (let page = 1; ; page++) {
      const result = await this.call("read", () =>
        this.client.listWebhookEndpoints({ page, limit: MAX_PAGE_SIZE }),
      );
      all.push(...result.items);
      if (page >= result.pagination.max_page || result.items.length === 0) return all;
    }
  }

  /** Pages of deliveries, newest first, until Polar has no more. */
  async *deliveryPages(
    query: Omit<ListWebhookDeliveriesQuery, "page">,
  ): AsyncGenerator<ListResource<WebhookDelivery> & { page: number }> {
    for (let page = 1; ; page++) {
      const result = await this.call("read", () =>
        this.client.listWebhookDeliveries({ limit: MAX_PAGE_SIZE, ...query, page }),
      );
      yield { ...result, page };
      if (page >= result.pagination.max_page || result.items.length === 0) return;
    }
  }

  /** Turns a disabled endpoint back on (`PATCH {"enabled": true}`). */
  enableEndpoint(id: string): Promise<PolarWebhookEndpoint> {
    return this.call("write", () => this.client.updateWebhookEndpoint(id, { enabled: true }));
  }

  redeliver(eventId: string): Promise<void> {
    return this.call("write", () => this.client.redeliverWebhookEvent(eventId));
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private async call<T>(kind: Kind, request: () => Promise<T>): Promise<T> {
    let rateLimited = 0;
    let failedReads = 0;
    for (;;) {
      await this.io.sleep(this.pacer.delayBefore(this.io.now()));
      this.pacer.started(this.io.now());
      try {
        const result = await request();
        this.pacer.succeeded();
        return result;
      } catch (error) {
        if (error instanceof PolarApiError && error.status === 429) {
          if (++rateLimited > MAX_RATE_LIMITED_RETRIES) throw error;
          const retryAfterMs =
            error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000;
          const wait = this.pacer.rateLimited(this.io.now(), retryAfterMs);
          this.onWait(
            `rate limited by Polar (429): waiting ${formatSeconds(wait)}${retryAfterMs === undefined ? "" : " as Retry-After asks"}, then slowing down to ${Math.round(60_000 / this.pacer.currentIntervalMs)} requests/min`,
          );
          continue;
        }
        if (kind === "read" && isTransient(error) && ++failedReads <= MAX_READ_RETRIES) {
          const wait = 1000 * 2 ** (failedReads - 1);
          this.onWait(`${describeFailure(error)}: retrying in ${formatSeconds(wait)}`);
          await this.io.sleep(wait);
          continue;
        }
        throw error;
      }
    }
  }
}

function isTransient(error: unknown): boolean {
  return (
    error instanceof PolarConnectionError ||
    (error instanceof PolarApiError && [500, 502, 503, 504].includes(error.status))
  );
}

function describeFailure(error: unknown): string {
  if (error instanceof PolarApiError) return `Polar answered ${error.status}`;
  if (error instanceof PolarConnectionError)
    return `no answer from Polar (${error.code ?? "connection error"})`;
  return "request failed";
}

function formatSeconds(ms: number): string {
  return `${(Math.ceil(ms / 100) / 10).toFixed(1)} s`;
}
