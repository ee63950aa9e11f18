/**
 * Fault injection: the failures a client of the real API meets (rate limits, gateway errors,
 * dropped connections, and a request that took effect although its response never arrived).
 *
 * Each fault can be limited to a method and/or a path. Counted faults apply to the next N
 * matching requests, then switch themselves off. At most one counted fault applies to a request,
 * in this order: rate limit, server error, dropped connection, commit-then-drop, commit-then-hold.
 */

export interface FaultScope {
  /** HTTP method, case-insensitive; any method when absent. */
  readonly method?: string;
  /**
   * The request path (`/v1/webhooks/endpoints/0b…`), a route template
   * (`/v1/webhooks/endpoints/{id}`), or a RegExp tested against the path; any path when absent.
   */
  readonly path?: string | RegExp;
}

/** Delay every matching request by `ms` before it is handled. */
export interface LatencyFault extends FaultScope {
  readonly ms: number;
}

/** Answer the next `count` matching requests with 429, an empty body and `retry-after`. */
export interface RateLimitFault extends FaultScope {
  readonly count: number;
  /** Value of the `retry-after` header, in seconds. Default 1. */
  readonly retryAfterSeconds?: number;
}

export type ServerErrorStatus = 500 | 502 | 503 | 504;

/** Answer the next `count` matching requests with a 5xx (default 503). */
export interface ServerErrorFault extends FaultScope {
  readonly count: number;
  readonly status?: ServerErrorStatus;
}

/**
 * Close the connection of the next `count` matching requests without any response.
 * `destroy` closes it (FIN); `reset` aborts it (TCP RST, `ECONNRESET` on the client).
 */
export interface DropConnectionFault extends FaultScope {
  readonly count: number;
  readonly mode?: "destroy" | "reset";
}

/**
 * Fully execute the next `count` matching requests (state changes stick), then close the
 * connection instead of writing the response: the client cannot tell whether it worked.
 */
export interface CommitThenDropFault extends FaultScope {
  readonly count: number;
  readonly mode?: "destroy" | "reset";
}

/**
 * Fully execute the next `count` matching requests (state changes stick), then hold the answer
 * back: the connection stays open and silent until the client goes away (or the emulator closes).
 * A client killed meanwhile, as a cancelled CI job kills `pulumi up`, never learns the outcome.
 */
export interface CommitThenHoldFault extends FaultScope {
  readonly count: number;
}

export interface FaultSettings {
  readonly latency?: LatencyFault;
  readonly rateLimit?: RateLimitFault;
  readonly serverError?: ServerErrorFault;
  readonly dropConnection?: DropConnectionFault;
  readonly commitThenDrop?: CommitThenDropFault;
  readonly commitThenHold?: CommitThenHoldFault;
}

export type FaultKind = keyof FaultSettings;

/** What to do with one request. */
export type FaultAction =
  | { readonly kind: "rateLimit"; readonly retryAfterSeconds: number }
  | { readonly kind: "serverError"; readonly status: ServerErrorStatus }
  | { readonly kind: "dropConnection"; readonly mode: "destroy" | "reset" }
  | { readonly kind: "commitThenDrop"; readonly mode: "destroy" | "reset" }
  | { readonly kind: "commitThenHold" };

export interface FaultPlan {
  readonly latencyMs: number;
  readonly action?: FaultAction;
}

export interface FaultTarget {
  readonly method: string;
  readonly path: string;
  /** Template of the matched route, when the path matches one. */
  readonly route?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class FaultInjector {
  private settings: Mutable<FaultSettings> = {};

  constructor(initial: FaultSettings = {}) {
    this.set(initial);
  }

  /**
   * Turns on the given faults, replacing any active fault of the same kind; kinds not mentioned
   * are left as they are. Pass `undefined` for a kind to switch it off.
   */
  set(settings: FaultSettings): void {
    for (const kind of Object.keys(settings) as FaultKind[]) {
      const fault = settings[kind];
      if (fault === undefined || ("count" in fault && fault.count === 0)) {
        delete this.settings[kind];
      } else {
        validateFault(kind, fault);
        // Copy so the caller's object is not mutated as counts go down.
        (this.settings as Record<FaultKind, unknown>)[kind] = { ...fault };
      }
    }
  }

  /** Switches off one kind of fault, or all of them. */
  clear(kind?: FaultKind): void {
    if (kind === undefined) {
      this.settings = {};
    } else {
      delete this.settings[kind];
    }
  }

  /** Active faults with their remaining counts. */
  active(): FaultSettings {
    return structuredClone(this.settings);
  }

  /** Decides the fate of one request and uses up one count of the fault that applies. */
  plan(target: FaultTarget): FaultPlan {
    const latency = this.settings.latency;
    const latencyMs = latency !== undefined && matches(latency, target) ? latency.ms : 0;
    const action = this.takeAction(target);
    return action === undefined ? { latencyMs } : { latencyMs, action };
  }

  private takeAction(target: FaultTarget): FaultAction | undefined {
    const { rateLimit, serverError, dropConnection, commitThenDrop, commitThenHold } =
      this.settings;
    if (rateLimit !== undefined && matches(rateLimit, target)) {
      this.consume("rateLimit");
      return { kind: "rateLimit", retryAfterSeconds: rateLimit.retryAfterSeconds ?? 1 };
    }
    if (serverError !== undefined && matches(serverError, target)) {
      this.consume("serverError");
      return { kind: "serverError", status: serverError.status ?? 503 };
    }
    if (dropConnection !== undefined && matches(dropConnection, target)) {
      this.consume("dropConnection");
      return { kind: "dropConnection", mode: dropConnection.mode ?? "destroy" };
    }
    if (commitThenDrop !== undefined && matches(commitThenDrop, target)) {
      this.consume("commitThenDrop");
      return { kind: "commitThenDrop", mode: commitThenDrop.mode ?? "destroy" };
    }
    if (commitThenHold !== undefined && matches(commitThenHold, target)) {
      this.consume("commitThenHold");
      return { kind: "commitThenHold" };
    }
    return undefined;
  }

  private consume(kind: Exclude<FaultKind, "latency">): void {
    const fault = this.settings[kind];
    if (fault === undefined) {
      return;
    }
    const remaining = fault.count - 1;
    if (remaining <= 0) {
      delete this.settings[kind];
    } else {
      this.settings[kind] = { ...fault, count: remaining };
    }
  }
}

function matches(scope: FaultScope, target: FaultTarget): boolean {
  if (scope.method !== undefined && scope.method.toUpperCase() !== target.method.toUpperCase()) {
    return false;
  }
  if (scope.path === undefined) {
    return true;
  }
  if (scope.path instanceof RegExp) {
    // A fresh RegExp so a `g`/`y` flag's lastIndex cannot make matching depend on history.
    return new RegExp(scope.path.source, scope.path.flags.replace(/[gy]/g, "")).test(target.path);
  }
  return scope.path === target.path || scope.path === target.route;
}

function validateFault(kind: FaultKind, fault: object): void {
  const numbers = Object.entries(fault).filter(([key]) => key === "count" || key === "ms");
  for (const [key, value] of numbers) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new Error(`faults.${kind}.${key} must be a non-negative number, got ${String(value)}`);
    }
  }
}
