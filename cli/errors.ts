/** Exit codes: documented in docs/cli.md, relied on by scripts. */
export const EXIT = {
  /** Done; for `trigger`, the receiver answered 2xx. */
  OK: 0,
  /** The operation failed or part of it did (an API error, a redelivery that failed, a non-2xx). */
  FAILED: 1,
  /** Bad input: nothing was sent or changed. */
  USAGE: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the user can act on: the message says what is wrong and what to do. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.FAILED,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CliError";
  }
}

/** Bad arguments or options, found before anything was sent. */
export class UsageError extends CliError {
  constructor(
    message: string,
    /** The command whose usage to point at, e.g. "deliveries". */
    readonly command?: string,
  ) {
    super(message, EXIT.USAGE);
    this.name = "UsageError";
  }
}
