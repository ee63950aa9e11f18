/**
 * Each event's journey through the local pipeline, one line per step, as it happens: emitted by
 * Polar (the emulator) → delivered (the HTTP status of each attempt) → enqueued by the receiver →
 * consumed (or failed by the consumer, or moved to the DLQ).
 *
 * The sources report out of order: the receiver logs its answer before the emulator has recorded
 * the attempt, and the consumer can take the message before that too. For events the emulator
 * emitted, later steps wait for the earlier ones, so each event's lines read in journey order.
 * Requests that did not come from the emulator (`npm run polar -- trigger`, forgeries) are
 * printed as they arrive.
 */
import type { RequestLogEntry } from "../../lambda";

export const STAGE = {
  EMITTED: "emitted",
  DELIVERED: "delivered",
  ENQUEUED: "enqueued",
  REJECTED: "rejected",
  CONSUMED: "consumed",
  CONSUMER_FAILED: "failed",
  DEAD_LETTERED: "dead-lettered",
} as const;
export type Stage = (typeof STAGE)[keyof typeof STAGE];

export interface JourneyStep {
  readonly stage: Stage;
  /** Seconds since the clock started. */
  readonly at: number;
  readonly type?: string;
  readonly webhookId?: string;
  readonly httpStatus?: number | null;
  readonly attempt?: number;
  readonly messageId?: string;
  readonly receiveCount?: number;
  /** A short human explanation (never a body or a secret). */
  readonly detail?: string;
}

export interface DeliveryReport {
  readonly webhookId: string;
  readonly type: string;
  readonly httpStatus: number | null;
  readonly succeeded: boolean;
  /** The response body's start, or the error text (connection refused, timeout). */
  readonly response: string | null;
}

export interface ConsumptionReport {
  readonly webhookId?: string;
  readonly type?: string;
  readonly messageId: string;
  readonly receiveCount: number;
  readonly ok: boolean;
  readonly detail?: string;
}

const TYPE_COLUMN = 23;
const STAGE_COLUMN = 14;

/** One line of output: text for people, or a JSON object per line (`--json`). */
export function formatJourneyStep(step: JourneyStep, json: boolean): string {
  if (json) return JSON.stringify(step);
  const time = `+${step.at.toFixed(3)}s`.padStart(9);
  const id = (step.webhookId ?? "-").slice(0, 8).padEnd(8);
  return `${time}  ${(step.type ?? "?").padEnd(TYPE_COLUMN)} ${id}  ${step.stage.padEnd(STAGE_COLUMN)}${stepFacts(step)}`;
}

function stepFacts(step: JourneyStep): string {
  const facts: string[] = [];
  if (step.stage === STAGE.EMITTED && step.webhookId) facts.push(`webhook-id ${step.webhookId}`);
  if (step.httpStatus !== undefined) {
    facts.push(step.httpStatus === null ? "no response" : `HTTP ${step.httpStatus}`);
  }
  if (step.attempt !== undefined) facts.push(`attempt ${step.attempt}`);
  if (step.messageId) facts.push(`message ${step.messageId.slice(0, 8)}`);
  if (step.receiveCount !== undefined) facts.push(`receive ${step.receiveCount}`);
  if (step.detail) facts.push(step.detail);
  return facts.join(" · ");
}

interface Track {
  readonly type: string;
  attempts: number;
  /** Receiver log entries of attempts the emulator has not recorded yet. */
  readonly answers: RequestLogEntry[];
  enqueued: boolean;
  readonly heldConsumptions: ConsumptionReport[];
  consumed: boolean;
  last: JourneyStep | undefined;
}

export class JourneyTimeoutError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(`not consumed in time:\n  ${missing.join("\n  ")}`);
    this.name = "JourneyTimeoutError";
  }
}

export interface JourneyOptions {
  readonly json?: boolean;
  /** Milliseconds clock (default `performance.now`). */
  readonly now?: () => number;
}

export class JourneyTracker {
  readonly #print: (line: string) => void;
  readonly #json: boolean;
  readonly #now: () => number;
  #startedAt: number;
  readonly #tracks = new Map<string, Track>();
  readonly #consumed = new Set<string>();
  readonly #waiters = new Set<() => void>();
  readonly counts = { emitted: 0, delivered: 0, enqueued: 0, rejected: 0, consumed: 0 };

  constructor(print: (line: string) => void, options: JourneyOptions = {}) {
    this.#print = print;
    this.#json = options.json ?? false;
    this.#now = options.now ?? (() => performance.now());
    this.#startedAt = this.#now();
  }

  /** Times are printed relative to this moment. */
  startClock(): void {
    this.#startedAt = this.#now();
  }

  /** The emulator created an event (its id is the webhook-id of every attempt). */
  emitted(webhookId: string, type: string): void {
    const track: Track = {
      type,
      attempts: 0,
      answers: [],
      enqueued: false,
      heldConsumptions: [],
      consumed: false,
      last: undefined,
    };
    this.#tracks.set(webhookId, track);
    this.counts.emitted += 1;
    this.#emit(track, { stage: STAGE.EMITTED, type, webhookId, detail: "by Polar (emulator)" });
  }

  /** The receiver's log line of one request (`createHandler`'s `log`). */
  request(entry: RequestLogEntry): void {
    const track = entry.webhookId ? this.#tracks.get(entry.webhookId) : undefined;
    if (track) {
      track.answers.push(entry);
      return;
    }
    // Not from the emulator: printed at once.
    if (entry.outcome === "enqueued") {
      this.counts.enqueued += 1;
      this.#emit(undefined, {
        stage: STAGE.ENQUEUED,
        type: entry.type,
        webhookId: entry.webhookId,
        messageId: entry.messageId,
        detail: `not sent by the emulator; verified with the ${entry.key ?? "?"} key`,
      });
    } else {
      this.counts.rejected += 1;
      this.#emit(undefined, {
        stage: STAGE.REJECTED,
        type: entry.type,
        webhookId: entry.webhookId,
        httpStatus: entry.status,
        detail: `${entry.outcome}${entry.reason ? `: ${entry.reason}` : ""}`,
      });
    }
  }

  /** The emulator recorded one attempt (its `onDelivery`). */
  delivery(report: DeliveryReport): void {
    const track = this.#tracks.get(report.webhookId);
    if (!track) return;
    track.attempts += 1;
    this.counts.delivered += 1;
    const answer = track.answers.shift();
    this.#emit(track, {
      stage: STAGE.DELIVERED,
      type: track.type,
      webhookId: report.webhookId,
      httpStatus: report.httpStatus,
      attempt: track.attempts,
      ...(report.succeeded ? {} : { detail: failureDetail(report, answer) }),
    });
    if (answer?.outcome === "enqueued" && report.succeeded) {
      track.enqueued = true;
      this.counts.enqueued += 1;
      this.#emit(track, {
        stage: STAGE.ENQUEUED,
        type: track.type,
        webhookId: report.webhookId,
        messageId: answer.messageId,
        detail: `verified with the ${answer.key ?? "?"} key`,
      });
    }
    if (track.enqueued || report.succeeded) {
      track.enqueued = true;
      for (const held of track.heldConsumptions.splice(0)) this.consumption(held);
    }
  }

  /** The consumer finished (or failed) one message. */
  consumption(report: ConsumptionReport): void {
    const track = report.webhookId ? this.#tracks.get(report.webhookId) : undefined;
    if (track && !track.enqueued) {
      track.heldConsumptions.push(report);
      return;
    }
    const type = report.type ?? track?.type;
    const step: Omit<JourneyStep, "at"> = {
      stage: report.ok ? STAGE.CONSUMED : STAGE.CONSUMER_FAILED,
      type,
      webhookId: report.webhookId,
      messageId: report.messageId,
      receiveCount: report.receiveCount,
      ...(report.detail ? { detail: report.detail } : {}),
    };
    this.#emit(track, step);
    if (report.ok && report.webhookId) {
      if (track) track.consumed = true;
      if (!this.#consumed.has(report.webhookId)) this.counts.consumed += 1;
      this.#consumed.add(report.webhookId);
      for (const wake of this.#waiters) wake();
    }
  }

  /** The message left for the DLQ after too many receives. */
  deadLettered(webhookId: string | undefined, type: string | undefined, receives: number): void {
    const track = webhookId ? this.#tracks.get(webhookId) : undefined;
    this.#emit(track, {
      stage: STAGE.DEAD_LETTERED,
      type: type ?? track?.type,
      webhookId,
      receiveCount: receives,
      detail: "moved to the DLQ (npm run polar -- dlq peek --stack local)",
    });
  }

  isConsumed(webhookId: string): boolean {
    return this.#consumed.has(webhookId);
  }

  /** Resolves when every id has been consumed; rejects with each missing id's last step. */
  waitForConsumed(webhookIds: readonly string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (webhookIds.every((id) => this.#consumed.has(id))) {
          finish();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new JourneyTimeoutError(
            webhookIds.filter((id) => !this.#consumed.has(id)).map((id) => this.#describe(id)),
          ),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  #describe(webhookId: string): string {
    const track = this.#tracks.get(webhookId);
    const last = track?.last;
    if (!track || !last) return `${webhookId}: never seen`;
    return `${track.type} ${webhookId}: last step "${last.stage}" at +${last.at}s (${stepFacts(last)})`;
  }

  #emit(track: Track | undefined, step: Omit<JourneyStep, "at">): void {
    const full: JourneyStep = { at: roundSeconds((this.#now() - this.#startedAt) / 1000), ...step };
    if (track) track.last = full;
    this.#print(formatJourneyStep(full, this.#json));
  }
}

function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

const MAX_DETAIL = 120;

/** Why an attempt failed: the receiver's own reason when it answered, else Polar's view. */
export function failureDetail(report: DeliveryReport, answer: RequestLogEntry | undefined): string {
  const retry = "Polar retries";
  if (answer && answer.status === report.httpStatus) {
    return `${answer.outcome}${answer.reason ? ` (${answer.reason})` : ""}; ${retry}`;
  }
  const text = (report.response ?? "").replace(/\s+/g, " ").trim();
  const short = text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
  return `${short || "failed"}; ${retry}`;
}
