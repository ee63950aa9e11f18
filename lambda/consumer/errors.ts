/**
 * Errors of the consumer. Messages are fixed or name only keys, paths and variables: they end up
 * in logs, so they never quote a message body.
 */

/** The consumer's options or environment are wrong (a deployment or programming mistake). */
export class ConsumerConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConsumerConfigError";
  }
}

/**
 * The SQS message is not a Polar event as the receiver enqueues it. It is failed (not
 * acknowledged) so that it reaches the dead-letter queue after `maxReceiveCount` receives.
 */
export class MalformedRecordError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MalformedRecordError";
  }
}

export interface ConsumerEntryErrorOptions extends ErrorOptions {
  /** Absolute path of the entry. */
  readonly entry?: string;
  /** What is wrong with it, without the path (e.g. `does not export "handler" …`). */
  readonly reason?: string;
}

/** The consumer entry file given to `buildConsumerBundle` cannot be bundled as a Lambda handler. */
export class ConsumerEntryError extends Error {
  readonly entry?: string;
  readonly reason?: string;

  constructor(message: string, options?: ConsumerEntryErrorOptions) {
    super(message, options);
    this.name = "ConsumerEntryError";
    this.entry = options?.entry;
    this.reason = options?.reason;
  }
}
