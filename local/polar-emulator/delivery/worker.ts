/**
 * The delivery worker: Polar's `webhook_event.send` task (server `webhook/tasks.py`) and what
 * follows a permanent failure (`on_event_failed` in `webhook/service.py`).
 *
 * Each queued send of an event is one task. A task makes at most one HTTP attempt; a failed
 * attempt queues the next one after Polar's backoff, until 10 attempts in all. Every delay of
 * the worker (retry backoff, FIFO guard) is multiplied by `backoffScale`, so tests can run
 * Polar's schedule in milliseconds.
 */
import type { DeliveryRecord, EndpointRecord, EventRecord, PolarStore } from "../store";
import {
  FAILURE_THRESHOLD,
  FIFO_GUARD_MAX_AGE_MS,
  fifoGuardDelayMs,
  MAX_DELIVERY_ATTEMPTS,
  retryDelayMs,
} from "./backoff";
import { signingKey, signPayload } from "./signing";
import {
  type DeliveryRequest,
  type DeliveryResult,
  postWebhook,
  RESPONSE_TEXT_LIMIT,
  statusErrorText,
} from "./transport";

export interface DeliverySettings {
  /** Multiplies every delay of the worker (1 = Polar's real schedule). */
  readonly backoffScale: number;
  /** Time allowed for one attempt (Polar: 10 s). */
  readonly timeoutMs: number;
  /** Source of the backoff jitter, in [0, 1). */
  readonly random?: () => number;
}

export interface DeliveryHooks {
  /** After each attempt has been recorded. */
  readonly onDelivery?: (delivery: DeliveryRecord) => void;
}

/** The headers of one attempt; `webhook-timestamp` is fresh for every attempt. */
export function deliveryHeaders(
  endpoint: Pick<EndpointRecord, "secret" | "usesStandardWebhookSignature">,
  event: Pick<EventRecord, "id" | "apiVersion">,
  payload: string,
  timestamp: number,
): Record<string, string> {
  const key = signingKey(endpoint.secret, endpoint.usesStandardWebhookSignature);
  return {
    "user-agent": "polar.sh webhooks",
    "content-type": "application/json",
    "webhook-id": event.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signPayload(key, event.id, timestamp, payload),
    // Sent by Polar's worker since endpoints have an `api_version`.
    "webhook-api-version": event.apiVersion,
  };
}

interface Task {
  readonly eventId: string;
  /** A redelivery requested through the API: sent even if the event already succeeded. */
  readonly redeliver: boolean;
}

type Post = (request: DeliveryRequest) => Promise<DeliveryResult>;

export class DeliveryWorker {
  /** Queued and running tasks, with the timer of the queued ones. */
  private readonly tasks = new Map<Task, NodeJS.Timeout | undefined>();
  private idleWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly abort = new AbortController();
  private stopped = false;
  /** A defect of the emulator inside a task; reported by the next `settled()`. */
  private failure: Error | undefined;

  constructor(
    private readonly store: PolarStore,
    private readonly settings: DeliverySettings,
    private readonly hooks: DeliveryHooks = {},
    private readonly post: Post = postWebhook,
  ) {}

  /** Queues a send of the event now (`enqueue_job("webhook_event.send", …)`). */
  enqueue(eventId: string, options: { redeliver?: boolean } = {}): void {
    this.schedule({ eventId, redeliver: options.redeliver ?? false }, 0);
  }

  /**
   * Resolves when no task is queued or running, retries included; rejects instead when a hook
   * or the emulator itself threw meanwhile.
   */
  settled(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.idleWaiters.push({ resolve, reject });
      this.notifyIfIdle();
    });
  }

  /** Sends nothing more: queued tasks are dropped, running attempts aborted and not recorded. */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
    for (const timer of this.tasks.values()) {
      clearTimeout(timer);
    }
    this.tasks.clear();
    this.notifyIfIdle();
  }

  /**
   * `on_event_failed`'s consequence: the endpoint is disabled and its pending events are marked
   * skipped. Their queued sends stay queued; each finds the endpoint disabled and does nothing,
   * unless someone enabled it again in the meantime, as on Polar.
   */
  disableEndpoint(endpoint: EndpointRecord): void {
    this.store.updateEndpoint(endpoint, { enabled: false });
    for (const event of this.store.eventsOf(endpoint.id)) {
      if (event.succeeded === null && !event.skipped) {
        this.store.updateEvent(event, { skipped: true });
      }
    }
  }

  private schedule(task: Task, delayMs: number): void {
    if (this.stopped) {
      return;
    }
    const timer = setTimeout(() => {
      this.tasks.set(task, undefined);
      this.run(task)
        .catch((error: unknown) => {
          this.failure ??= error instanceof Error ? error : new Error(String(error));
        })
        .finally(() => {
          this.tasks.delete(task);
          this.notifyIfIdle();
        });
    }, delayMs);
    this.tasks.set(task, timer);
  }

  private notifyIfIdle(): void {
    if (this.tasks.size > 0 && !this.stopped) {
      return;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    const failure = this.failure;
    this.failure = undefined;
    for (const waiter of waiters) {
      if (failure === undefined) waiter.resolve();
      else waiter.reject(failure);
    }
  }

  private async run(task: Task): Promise<void> {
    const event = this.store.findEvent(task.eventId);
    const endpoint =
      event === undefined ? undefined : this.store.findEndpointIncludingDeleted(event.endpointId);
    if (event === undefined || endpoint === undefined) {
      return;
    }
    if (!endpoint.enabled) {
      this.store.updateEvent(event, { skipped: true });
      return;
    }
    if (event.payload === null || (event.succeeded === true && !task.redeliver)) {
      return;
    }
    const earlier = this.earlierPendingEvents(event);
    if (earlier > 0) {
      // Best-effort ordering: wait while older events of the endpoint have had no attempt.
      this.schedule({ ...task }, this.scaled(fifoGuardDelayMs(earlier)));
      return;
    }
    this.store.updateEvent(event, { skipped: false });
    const payload = event.payload;
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await this.post({
      url: endpoint.url,
      body: payload,
      headers: deliveryHeaders(endpoint, event, payload, timestamp),
      timeoutMs: this.settings.timeoutMs,
      signal: this.abort.signal,
    });
    if (this.stopped) {
      return;
    }
    const { succeeded, delivery } = this.record(event, endpoint.url, result);
    if (!succeeded) {
      this.afterFailure(event, task);
    }
    try {
      this.hooks.onDelivery?.(delivery);
    } catch (error) {
      // The caller's hook failed; deliveries go on, and `settled()` reports it.
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Stores the attempt and its effect on the event. */
  private record(
    event: EventRecord,
    url: string,
    result: DeliveryResult,
  ): { succeeded: boolean; delivery: DeliveryRecord } {
    const outcome = deliveryOutcome(url, result);
    const delivery = this.store.recordDelivery({ eventId: event.id, ...outcome });
    if (outcome.httpCode !== null) {
      this.store.updateEvent(event, {
        lastHttpCode: outcome.httpCode,
        ...(outcome.succeeded ? { succeeded: true } : {}),
      });
    }
    return { succeeded: outcome.succeeded, delivery };
  }

  private afterFailure(event: EventRecord, task: Task): void {
    const attempts = this.store.deliveryCount(event.id);
    if (attempts < MAX_DELIVERY_ATTEMPTS) {
      this.schedule({ ...task }, this.scaled(retryDelayMs(attempts, this.settings.random)));
      return;
    }
    if (event.succeeded !== true) {
      this.store.updateEvent(event, { succeeded: false });
    }
    this.onEventFailed(event);
  }

  /** Disables the endpoint when its 10 most recent completed events all failed. */
  private onEventFailed(event: EventRecord): void {
    const endpoint = this.store.findEndpointIncludingDeleted(event.endpointId);
    if (event.succeeded !== false || endpoint === undefined || !endpoint.enabled) {
      return;
    }
    const recent = this.store
      .eventsOf(endpoint.id)
      .filter((candidate) => candidate.succeeded !== null)
      .slice(-FAILURE_THRESHOLD);
    if (
      recent.length >= FAILURE_THRESHOLD &&
      recent.every((candidate) => candidate.succeeded === false)
    ) {
      this.disableEndpoint(endpoint);
    }
  }

  /** `count_earlier_pending`: older events of the endpoint, younger than the guard's max age, never attempted. */
  private earlierPendingEvents(event: EventRecord): number {
    const ageLimit = Date.now() * 1000 - this.scaled(FIFO_GUARD_MAX_AGE_MS) * 1000;
    return this.store
      .eventsOf(event.endpointId)
      .filter(
        (other) =>
          other.id !== event.id &&
          other.createdAt.micros < event.createdAt.micros &&
          other.createdAt.micros >= ageLimit &&
          this.store.deliveryCount(other.id) === 0,
      ).length;
  }

  private scaled(ms: number): number {
    return ms * this.settings.backoffScale;
  }
}

/**
 * What Polar stores of an attempt: only a 2xx succeeds (a redirect is a failure); `response` is
 * the body's first 2048 characters without NULs, else the error's text.
 */
export function deliveryOutcome(
  url: string,
  result: DeliveryResult,
): { succeeded: boolean; httpCode: number | null; response: string | null } {
  if (result.kind === "error") {
    return { succeeded: false, httpCode: null, response: result.message };
  }
  const succeeded = result.status >= 200 && result.status < 300;
  const text = result.text.replaceAll("\u0000", "").slice(0, RESPONSE_TEXT_LIMIT);
  const response =
    text !== ""
      ? text
      : succeeded
        ? null
        : statusErrorText(url, result.status, result.reason, result.location);
  return { succeeded, httpCode: result.status, response };
}
