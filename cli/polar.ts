/**
 * The operations CLI: `npm run polar -- <command>` or `polar-webhooks <command>` (package.json
 * bin, cli/launcher.cjs). Each command is one file in commands/; this file finds it, runs it and
 * turns failures into a message and an exit status (0 done, 1 failed, 2 bad input).
 */
import {
  closestMatch,
  PolarApiError,
  PolarConnectionError,
  PolarResponseError,
} from "../providers/polar";
import { helpText, parseCommandArgs, type CommandSpec } from "./args";
import { deliveriesCommand } from "./commands/deliveries";
import { endpointsCommand } from "./commands/endpoints";
import { dlqPeekCommand, queuePeekCommand } from "./commands/queue";
import { recoverCommand } from "./commands/recover";
import { redeliverCommand } from "./commands/redeliver";
import { dlqRedriveCommand } from "./commands/redrive";
import { triggerCommand } from "./commands/trigger";
import { createContext } from "./context";
import { CliError, EXIT, UsageError, type ExitCode } from "./errors";
import { type CliIo, processIo } from "./io";

export const PROGRAM = "polar-webhooks";

// Typed per command; the registry only needs the shared shape.
export const COMMANDS = [
  endpointsCommand,
  deliveriesCommand,
  redeliverCommand,
  recoverCommand,
  triggerCommand,
  queuePeekCommand,
  dlqPeekCommand,
  dlqRedriveCommand,
] as unknown as readonly CommandSpec<unknown>[];

export function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]     (in this repository: npm run polar -- <command>)`,
    "",
    "Day-two operations on Polar webhooks: what Polar sent, sending it again, test events, the queues.",
    "",
    "Commands:",
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.brief}`),
    "",
    `Run '${PROGRAM} <command> --help' for a command's options. Exit status: 0 done, 1 failed, 2 bad input.`,
    "",
  ].join("\n");
}

/** Finds the command `argv` names (one or two words) and the arguments after it. */
export function findCommand(argv: readonly string[]): {
  spec: CommandSpec<unknown>;
  rest: string[];
} {
  const [first = "", second = ""] = argv;
  const two = COMMANDS.find((command) => command.name === `${first} ${second}`);
  if (two) return { spec: two, rest: argv.slice(2) };
  const one = COMMANDS.find((command) => command.name === first);
  if (one) return { spec: one, rest: argv.slice(1) };
  const groups = [
    ...new Set(
      COMMANDS.map((c) => c.name.split(" "))
        .filter((p) => p.length === 2)
        .map((p) => p[0]),
    ),
  ];
  if (groups.includes(first)) {
    const subcommands = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name);
    throw new UsageError(
      second === "" || second.startsWith("-")
        ? `${first} needs a subcommand: ${subcommands.join(", ")}`
        : `unknown command "${first} ${second}"; ${first} has: ${subcommands.join(", ")}`,
    );
  }
  const names = [...COMMANDS.map((c) => c.name.split(" ")[0] ?? ""), ...groups];
  const suggestion = closestMatch(first, [...new Set(names)]);
  throw new UsageError(
    `unknown command ${JSON.stringify(first)}${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
  );
}

export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  if (argv.length === 0 || ["--help", "-h", "help"].includes(argv[0] ?? "")) {
    if (argv[0] === "help" && argv.length > 1) return runCli([...argv.slice(1), "--help"], io);
    io.stdout.write(overview());
    return argv.length === 0 ? EXIT.USAGE : EXIT.OK;
  }
  const context = createContext(io);
  let command: string | undefined;
  try {
    const { spec, rest } = findCommand(argv);
    command = spec.name;
    const args = parseCommandArgs(spec, rest);
    if (args.values.help) {
      io.stdout.write(helpText(spec, PROGRAM));
      return EXIT.OK;
    }
    const input = spec.input(args, io.now());
    return await spec.run(input, context);
  } catch (error) {
    context.progress.clear();
    io.stderr.write(`${context.paintErr("red", "error:")} ${errorMessage(error)}\n`);
    if (error instanceof UsageError) {
      const target = error.command ?? command;
      io.stderr.write(`Run '${PROGRAM} ${target ? `${target} ` : ""}--help' for usage.\n`);
      return EXIT.USAGE;
    }
    return error instanceof CliError ? error.exitCode : EXIT.FAILED;
  } finally {
    await context.close();
  }
}

/** Messages of our own errors are written for users and never carry the token. */
function errorMessage(error: unknown): string {
  if (
    error instanceof CliError ||
    error instanceof PolarApiError ||
    error instanceof PolarConnectionError ||
    error instanceof PolarResponseError
  ) {
    return error.message;
  }
  if (error instanceof Error) return `${error.name}: ${error.message.split("\n")[0]}`;
  return String(error);
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
