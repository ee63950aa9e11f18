/**
 * The fuzzer's view of the queue from the SQS server's side (fauxqs in process), not the client's:
 * how many messages a request left behind, and whether each message is, byte for byte, a delivery
 * answered 202. Checked and emptied in batches, so a run of 100,000 cases holds a bounded number.
 */
import type { FauxqsServer } from "fauxqs" with { "resolution-mode": "import" };
import { tripleKey, type SignedTriple } from "./contract";

export interface QueueCheck {
  /** Messages that are not the delivery of a 202 (or differ from it in a byte or attribute). */
  readonly unexplained: readonly string[];
  /** Message ids a 202 named that are not in the queue. */
  readonly missing: readonly string[];
}

export class QueueWatch {
  /** messageId of each 202 since the last check → digest of the (id, timestamp, body) it answered. */
  readonly #expected = new Map<string, string>();

  constructor(
    private readonly server: FauxqsServer,
    private readonly queueName: string,
  ) {}

  #messages() {
    const queue = this.server.inspectQueue(this.queueName);
    if (queue === undefined) throw new Error(`fuzz: queue ${this.queueName} is gone`);
    const { ready, delayed, inflight } = queue.messages;
    return [...ready, ...delayed, ...inflight.map((entry) => entry.message)];
  }

  /** Messages stored now: ready, delayed or in flight. */
  depth(): number {
    return this.#messages().length;
  }

  /** A 202 named `messageId` for this delivery. */
  expect(messageId: string, triple: SignedTriple): void {
    this.#expected.set(messageId, tripleKey(triple));
  }

  /** Compares the queue with what the 202s since the last check announced, then empties both. */
  check(): QueueCheck {
    const unexplained: string[] = [];
    for (const message of this.#messages()) {
      const stored = tripleKey({
        id: message.messageAttributes["webhook-id"]?.StringValue ?? "",
        timestamp: message.messageAttributes["webhook-timestamp"]?.StringValue ?? "",
        body: Buffer.from(message.body, "utf8"),
      });
      if (this.#expected.get(message.messageId) === stored) {
        this.#expected.delete(message.messageId);
      } else {
        unexplained.push(message.messageId);
      }
    }
    const missing = [...this.#expected.keys()];
    this.#expected.clear();
    // Empties every queue of this server, which only the fuzzer uses.
    this.server.reset();
    return { unexplained, missing };
  }
}
