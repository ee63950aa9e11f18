/**
 * `dlq redrive`: the dead-letter queue's messages back to the source queue with SQS's own message
 * move task (StartMessageMoveTask), followed to the end with ListMessageMoveTasks.
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { flag, positiveInteger, stringValue, type CommandSpec } from "../args";
import type { Context } from "../context";
import { CliError, EXIT, UsageError, type ExitCode } from "../errors";
import { confirmProduction, describeTarget, stackServer, YES_OPTION } from "../confirm";
import { CWD_OPTION, JSON_OPTION, STACK_OPTION } from "../options";
import type { StackQueues } from "../sqs";

/** How often a running move task is looked at. */
export const MOVE_TASK_POLL_MS = 1_000;

export interface RedriveInput {
  readonly stack: string;
  readonly cwd?: string;
  readonly maxPerSecond?: number;
  readonly clientSide: boolean;
  readonly json: boolean;
  /** Move at most this many (one by one). */
  readonly max?: number;
  readonly dryRun: boolean;
  readonly yes: boolean;
}

/** `dlq redrive --json`. */
export interface RedriveJson {
  readonly version: 1;
  /** `move-task`: SQS moved them; `one-by-one`: this CLI did (receive, send, delete). */
  readonly method: "move-task" | "one-by-one" | "none";
  /** `DRY_RUN`: --dry-run, nothing moved. */
  readonly status: "COMPLETED" | "FAILED" | "CANCELLED" | "EMPTY" | "DRY_RUN";
  readonly moved: number;
  /** With --dry-run: how many a real run would move (at most --max). */
  readonly wouldMove?: number;
  /** What the DLQ held when the redrive started (approximate, as SQS counts). */
  readonly approximateInDlq: number;
  readonly taskHandle?: string;
  readonly failureReason?: string;
}

export const dlqRedriveCommand: CommandSpec<RedriveInput> = {
  name: "dlq redrive",
  brief: "Move the dead-letter queue's messages back to the queue",
  summary:
    "Move the messages of the stack's dead-letter queue back to its queue (SQS StartMessageMoveTask; one by one with --max), showing progress until the move ends.",
  options: {
    stack: { ...STACK_OPTION, description: "The stack whose DLQ to redrive (required)." },
    "max-per-second": {
      type: "string",
      placeholder: "n",
      description: "Limit the move rate (SQS default: it speeds up on its own, up to 500/s).",
    },
    "client-side": {
      type: "boolean",
      description:
        "Move the messages one by one from here (receive, send, delete) instead: for local SQS servers without move tasks.",
    },
    max: {
      type: "string",
      placeholder: "n",
      description:
        "Move at most n messages (one by one from here: SQS move tasks move everything), e.g. one to try a fix.",
    },
    "dry-run": {
      type: "boolean",
      description: "Say how many messages would move; move nothing.",
    },
    yes: YES_OPTION,
    cwd: CWD_OPTION,
    json: JSON_OPTION,
  },
  details: [
    "A local SQS (a stack with an sqsEndpoint output, e.g. npm run dev) that does not implement move tasks (moto 5.2.1 and fauxqs do not) gets the one-by-one move automatically, and the output says so.",
    "Interrupting the command does not stop a move task: SQS finishes it.",
    "A stack deployed against Polar production (polar:server) needs --yes (at a terminal, you are asked instead; never when CI is set or stdin is not a terminal).",
  ],
  examples: [
    "dlq redrive --stack prod --dry-run",
    "dlq redrive --stack prod --max 1 --yes",
    "dlq redrive --stack local --json",
  ],
  input: (args) => {
    const stack = stringValue(args, "stack");
    if (!stack) {
      throw new UsageError(
        "dlq redrive needs --stack <name>: the queues come from its queueUrl and deadLetterQueueUrl outputs",
        args.command,
      );
    }
    return {
      stack,
      cwd: stringValue(args, "cwd"),
      maxPerSecond: positiveInteger(args, "max-per-second"),
      clientSide: flag(args, "client-side"),
      json: flag(args, "json"),
      max: positiveInteger(args, "max"),
      dryRun: flag(args, "dry-run"),
      yes: flag(args, "yes"),
    };
  },
  run: redrive,
};

export async function redrive(input: RedriveInput, context: Context): Promise<ExitCode> {
  const stack = await context.stack(input.stack, input.cwd);
  // The AWS SDK loads on use (see context.ts).
  const { stackQueues } = await import("../sqs.js");
  const queues = await stackQueues(stack, context.io.env);
  const server = await stackServer(stack, context.io.env);
  try {
    return await redriveQueues(queues, input, context, {
      target: describeTarget(server, stack),
      production: server === "production",
    });
  } finally {
    queues.client.destroy();
  }
}

/** The redrive itself, for queues already resolved from a stack. */
export async function redriveQueues(
  queues: StackQueues,
  input: Omit<RedriveInput, "stack" | "cwd" | "dryRun" | "yes"> &
    Partial<Pick<RedriveInput, "dryRun" | "yes">>,
  context: Context,
  where: { readonly target: string; readonly production: boolean } = {
    target: "the queues",
    production: false,
  },
): Promise<ExitCode> {
  const { moveOneByOne, moveTasks, queueState, startMoveTask } = await import("../sqs.js");
  const [dlq, source] = await Promise.all([
    queueState(queues.client, queues.deadLetterQueueUrl),
    queueState(queues.client, queues.queueUrl),
  ]);
  const waiting = dlq.visible + dlq.inFlight;
  if (waiting === 0) {
    return finish(input, context, {
      method: "none",
      status: "EMPTY",
      moved: 0,
      approximateInDlq: 0,
    });
  }
  const toMove = input.max === undefined ? waiting : Math.min(input.max, waiting);
  if (input.dryRun) {
    return finish(input, context, {
      method: "none",
      status: "DRY_RUN",
      moved: 0,
      approximateInDlq: waiting,
      wouldMove: toMove,
    });
  }
  await confirmProduction(
    {
      command: "dlq redrive",
      action: `move ${toMove === waiting ? "" : `${toMove} of `}about ${waiting} message${waiting === 1 ? "" : "s"} from the dead-letter queue back to the queue`,
      target: where.target,
      production: where.production,
      yes: input.yes === true,
    },
    context,
  );
  let handle: string | undefined;
  if (!input.clientSide && input.max === undefined) {
    try {
      // SQS runs one move task per source queue: follow a running one rather than fail.
      const tasks = await moveTasks(queues.client, dlq.arn);
      handle = tasks.find((task) => task.Status === "RUNNING")?.TaskHandle;
      if (handle)
        context.progress.note("A move task is already running on this DLQ: following it.");
      handle ??= await startMoveTask(queues.client, dlq.arn, source.arn, input.maxPerSecond);
    } catch (error) {
      if (!queues.local) {
        throw new CliError(
          `SQS refused the message move task: ${describe(error)}. The credentials need sqs:StartMessageMoveTask and sqs:ListMessageMoveTasks on the DLQ and sqs:SendMessage on the queue.`,
        );
      }
      context.progress.note(
        `This local SQS has no message move tasks (${describe(error)}): moving the messages one by one instead.`,
      );
    }
  }
  if (handle === undefined) {
    const moved = await moveOneByOne(
      queues.client,
      queues.deadLetterQueueUrl,
      queues.queueUrl,
      toMove,
      (n) => context.progress.update(`redrive: moved ${n} of about ${toMove}`),
    );
    context.progress.clear();
    return finish(input, context, {
      method: "one-by-one",
      status: "COMPLETED",
      moved,
      approximateInDlq: waiting,
    });
  }
  return follow(queues.client, dlq.arn, handle, waiting, input, context);
}

async function follow(
  client: SQSClient,
  dlqArn: string,
  handle: string,
  waiting: number,
  input: Pick<RedriveInput, "json">,
  context: Context,
): Promise<ExitCode> {
  const { moveTasks } = await import("../sqs.js");
  for (;;) {
    const task = (await moveTasks(client, dlqArn)).find((entry) => entry.TaskHandle === handle);
    const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
    const total = task?.ApproximateNumberOfMessagesToMove ?? waiting;
    const status = task?.Status ?? "RUNNING";
    if (status === "COMPLETED" || status === "FAILED" || status === "CANCELLED") {
      context.progress.clear();
      return finish(input, context, {
        method: "move-task",
        status,
        moved,
        approximateInDlq: total,
        taskHandle: handle,
        ...(task?.FailureReason ? { failureReason: task.FailureReason } : {}),
      });
    }
    context.progress.update(`redrive: ${status.toLowerCase()}, moved ${moved} of about ${total}`);
    await context.io.sleep(MOVE_TASK_POLL_MS);
  }
}

function finish(
  input: Pick<RedriveInput, "json">,
  context: Context,
  result: Omit<RedriveJson, "version">,
): ExitCode {
  const ok =
    result.status === "COMPLETED" || result.status === "EMPTY" || result.status === "DRY_RUN";
  if (input.json) {
    const output: RedriveJson = { version: 1, ...result };
    context.io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return ok ? EXIT.OK : EXIT.FAILED;
  }
  const line =
    result.status === "DRY_RUN"
      ? `Dry run: would move ${result.wouldMove ?? 0} of about ${result.approximateInDlq} message${result.approximateInDlq === 1 ? "" : "s"} from the dead-letter queue back to the queue; nothing moved.`
      : result.status === "EMPTY"
        ? "The dead-letter queue is empty: nothing to redrive."
        : result.status === "COMPLETED"
          ? `Moved ${result.moved} message${result.moved === 1 ? "" : "s"} from the dead-letter queue back to the queue${result.method === "one-by-one" ? " (one by one)" : ""}.`
          : `The move task ended ${result.status} after moving ${result.moved}: ${result.failureReason ?? "no reason given"}.`;
  context.io.stdout.write(`${context.paint(ok ? "green" : "red", line)}\n`);
  return ok ? EXIT.OK : EXIT.FAILED;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return `${error.name}${status ? ` ${status}` : ""}: ${error.message.split("\n")[0]}`;
  }
  return String(error);
}
