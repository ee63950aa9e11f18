/**
 * The interactive prompt of `npm run dev`: type an event type (Tab completes it) and the emulator
 * emits it. An unknown type gets a did-you-mean and nothing is sent.
 */
import * as readline from "node:readline";
import {
  suggestEventType,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from "../../providers/polar";

/** node:readline's completer: the types starting with what was typed (all of them for ""). */
export function completeEventType(line: string): [string[], string] {
  const typed = line.trim();
  const hits = WEBHOOK_EVENT_TYPES.filter((type) => type.startsWith(typed));
  return [(hits.length > 0 ? [...hits] : [...WEBHOOK_EVENT_TYPES]).sort(), typed];
}

export type PromptCommand =
  | { readonly kind: "emit"; readonly type: WebhookEventType }
  | { readonly kind: "unknown"; readonly message: string }
  | { readonly kind: "help" }
  | { readonly kind: "quit" }
  | { readonly kind: "nothing" };

export function parsePromptLine(line: string): PromptCommand {
  const typed = line.trim();
  if (typed === "") return { kind: "nothing" };
  if (typed === "help" || typed === "?") return { kind: "help" };
  if (typed === "quit" || typed === "exit") return { kind: "quit" };
  if ((WEBHOOK_EVENT_TYPES as readonly string[]).includes(typed)) {
    return { kind: "emit", type: typed as WebhookEventType };
  }
  const suggestion = suggestEventType(typed);
  return {
    kind: "unknown",
    message:
      `unknown event type ${JSON.stringify(typed)}` +
      (suggestion ? `; did you mean "${suggestion}"?` : "; type help for the list") +
      " (nothing sent)",
  };
}

export const PROMPT_HELP = [
  "Type an event type and press Enter to make Polar (the emulator) emit it; Tab completes.",
  `Types: ${WEBHOOK_EVENT_TYPES.join(", ")}`,
  "From another terminal: npm run polar -- trigger <type> --stack local",
  "quit (or Ctrl-C) stops everything and destroys the local stack.",
].join("\n");

export interface Prompt {
  /** Prints a line above the prompt (at a terminal, the prompt and what was typed are redrawn). */
  write(line: string): void;
  close(): void;
}

export interface PromptHandlers {
  readonly emit: (type: WebhookEventType) => void;
  readonly print: (line: string) => void;
  readonly quit: () => void;
  /** Ctrl-C while the prompt owns the terminal (raw mode: no signal reaches the process). */
  readonly interrupt: () => void;
}

export function startPrompt(
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  output: NodeJS.WritableStream,
  handlers: PromptHandlers,
): Prompt {
  const terminal = input.isTTY === true;
  const rl = readline.createInterface({
    input,
    output,
    terminal,
    completer: completeEventType,
    historySize: 100,
  });
  rl.setPrompt("event type> ");
  let closed = false;
  rl.on("line", (line) => {
    const command = parsePromptLine(line);
    switch (command.kind) {
      case "emit":
        handlers.emit(command.type);
        break;
      case "unknown":
        handlers.print(command.message);
        break;
      case "help":
        handlers.print(PROMPT_HELP);
        break;
      case "quit":
        handlers.quit();
        return;
      case "nothing":
        break;
    }
    if (terminal) rl.prompt();
  });
  rl.on("SIGINT", () => handlers.interrupt());
  rl.on("close", () => {
    // Ctrl-D at a terminal means "done"; a closed pipe only means no more typing.
    if (!closed && terminal) handlers.quit();
    closed = true;
  });
  if (terminal) rl.prompt();
  return {
    write: (line) => {
      if (!terminal || closed) {
        output.write(`${line}\n`);
        return;
      }
      readline.clearLine(output, 0);
      readline.cursorTo(output, 0);
      output.write(`${line}\n`);
      rl.prompt(true);
    },
    close: () => {
      closed = true;
      rl.close();
    },
  };
}
