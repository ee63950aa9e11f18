/** `queue peek` and `dlq peek`: what waits in the stack's queue or dead-letter queue. */
import { flag, positiveInteger, stringValue, type CommandSpec } from "../args";
import type { Context } from "../context";
import { EXIT, UsageError } from "../errors";
import type { PeekJson } from "../messages-view";
import { CWD_OPTION, JSON_OPTION, STACK_OPTION } from "../options";

export const DEFAULT_PEEK_LIMIT = 10;

export interface PeekInput {
  readonly which: "queue" | "dlq";
  readonly stack: string;
  readonly cwd?: string;
  readonly limit: number;
  readonly json: boolean;
}

function peekCommand(which: "queue" | "dlq"): CommandSpec<PeekInput> {
  const name = which === "queue" ? "queue peek" : "dlq peek";
  const output = which === "queue" ? "queueUrl" : "deadLetterQueueUrl";
  return {
    name,
    brief:
      which === "queue"
        ? "Show messages waiting in a stack's queue"
        : "Show messages in a stack's dead-letter queue",
    summary: `Show messages waiting in the stack's ${which === "queue" ? "queue" : "dead-letter queue"} (its ${output} output) without consuming them: event type, webhook-id, receive count, age.`,
    options: {
      stack: {
        ...STACK_OPTION,
        description: "The stack whose queues to read (required); `local` for npm run dev.",
      },
      limit: {
        type: "string",
        placeholder: "n",
        description: `At most n messages (default ${DEFAULT_PEEK_LIMIT}).`,
      },
      cwd: CWD_OPTION,
      json: JSON_OPTION,
    },
    details: [
      "Messages are received with VisibilityTimeout 0, so they stay available to consumers, but SQS counts each receive: " +
        (which === "queue"
          ? "on the source queue each peek uses up one of the maxReceiveCount receives a message gets before SQS moves it to the DLQ, so peek sparingly."
          : "the DLQ has no redrive policy, so this is harmless."),
      "AWS credentials and region: the SDK's usual settings (AWS_PROFILE, AWS_REGION, …); the region defaults to the queue URL's. A stack with an sqsEndpoint output (npm run dev) uses that local SQS.",
    ],
    examples: [`${name} --stack dev`, `${name} --stack local --json | jq '.messages[].eventType'`],
    input: (args) => {
      const stack = stringValue(args, "stack");
      if (!stack) {
        throw new UsageError(
          `${name} needs --stack <name>: the queue URL comes from that stack's ${output} output`,
          name,
        );
      }
      return {
        which,
        stack,
        cwd: stringValue(args, "cwd"),
        limit: positiveInteger(args, "limit") ?? DEFAULT_PEEK_LIMIT,
        json: flag(args, "json"),
      };
    },
    run: peek,
  };
}

export const queuePeekCommand = peekCommand("queue");
export const dlqPeekCommand = peekCommand("dlq");

export async function peek(input: PeekInput, context: Context): Promise<typeof EXIT.OK> {
  // The AWS SDK loads on use (see context.ts).
  const { peekMessages, queueState, stackQueues } = await import("../sqs.js");
  const { messagesTable, toMessageJson } = await import("../messages-view.js");
  const stack = await context.stack(input.stack, input.cwd);
  const queues = await stackQueues(stack, context.io.env);
  const url = input.which === "queue" ? queues.queueUrl : queues.deadLetterQueueUrl;
  try {
    const state = await queueState(queues.client, url);
    const rows = (await peekMessages(queues.client, url, input.limit, state.visible)).map(
      toMessageJson,
    );
    if (input.json) {
      const output: PeekJson = {
        version: 1,
        queue: input.which,
        queueUrl: url,
        approximateVisible: state.visible,
        approximateInFlight: state.inFlight,
        messages: rows,
      };
      context.io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      return EXIT.OK;
    }
    const label = input.which === "queue" ? "Queue" : "Dead-letter queue";
    context.io.stdout.write(
      `${label} ${url}: about ${state.visible} waiting, ${state.inFlight} in flight.\n`,
    );
    if (rows.length === 0) {
      context.io.stdout.write("No messages to show.\n");
      return EXIT.OK;
    }
    context.io.stdout.write(
      messagesTable(rows, context.io.now(), context.paint, state.maxReceiveCount),
    );
    return EXIT.OK;
  } finally {
    queues.client.destroy();
  }
}
