import { DeadlineExceededError } from "./errors";

/** When the current request must have answered. Every AWS call runs under its signal. */
export class Deadline {
  private constructor(
    private readonly at: number,
    readonly signal: AbortSignal,
  ) {}

  static in(ms: number): Deadline {
    const budget = Math.max(0, Math.floor(ms));
    return new Deadline(performance.now() + budget, AbortSignal.timeout(budget));
  }

  static none(): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY, new AbortController().signal);
  }

  remainingMs(): number {
    return Math.max(0, this.at - performance.now());
  }

  /** This deadline, or one `ms` from now if that is sooner. */
  within(ms: number): Deadline {
    if (ms >= this.remainingMs()) {
      return this;
    }
    const budget = Math.max(0, Math.floor(ms));
    return new Deadline(
      performance.now() + budget,
      AbortSignal.any([this.signal, AbortSignal.timeout(budget)]),
    );
  }

  /** The SDK stops attempts and retries on the signal; the race covers steps that do not. */
  async run<T>(call: string, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      throw new DeadlineExceededError(call);
    }
    let onAbort = (): void => undefined;
    const expired = new Promise<never>((_, reject) => {
      onAbort = () => reject(new DeadlineExceededError(call));
      this.signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([send(this.signal), expired]);
    } catch (error) {
      if (this.signal.aborted && !(error instanceof DeadlineExceededError)) {
        throw new DeadlineExceededError(call, { cause: error });
      }
      throw error;
    } finally {
      this.signal.removeEventListener("abort", onAbort);
    }
  }
}
