/**
 * Where a command writes, and the small amount of terminal behaviour it needs: colour only on a
 * TTY and never with NO_COLOR (https://no-color.org), progress lines that overwrite themselves on
 * a TTY and are plain lines otherwise.
 */
import { styleText } from "node:util";

export interface Output {
  write(text: string): void;
  readonly isTTY?: boolean;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Whether a person can answer a question here (see confirm.ts). */
  readonly stdin?: { readonly isTTY?: boolean };
  /** Asks on the terminal and resolves to the line typed; only called when stdin is a TTY. */
  ask?(question: string): Promise<string>;
  readonly env: Environment;
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    ask: async (question) => {
      const { createInterface } = await import("node:readline/promises");
      const terminal = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await terminal.question(question);
      } finally {
        terminal.close();
      }
    },
    env: process.env,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

export type Style = "red" | "green" | "yellow" | "cyan" | "dim" | "bold";
export type Paint = (style: Style | undefined, text: string) => string;

export function colorEnabled(stream: Output, env: Environment): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

export function painter(enabled: boolean): Paint {
  // The decision is ours (colorEnabled): styleText's own stream check would look at process.stdout.
  return (style, text) =>
    enabled && style ? styleText(style, text, { validateStream: false }) : text;
}

/**
 * A status line on stderr. On a TTY it is rewritten in place and cleared when done; elsewhere each
 * update is a line of its own, so logs keep the history.
 */
export class Progress {
  private shown = false;

  constructor(
    private readonly stream: Output,
    private readonly enabled = true,
  ) {}

  update(line: string): void {
    if (!this.enabled) return;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${line}`);
      this.shown = true;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** A line that stays, printed above the status line. */
  note(line: string): void {
    this.clear();
    this.stream.write(`${line}\n`);
  }

  clear(): void {
    if (this.shown) {
      this.stream.write("\r\x1b[2K");
      this.shown = false;
    }
  }
}
