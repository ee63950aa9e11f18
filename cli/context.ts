/** What a command runs with: its streams, colour, progress, and the stacks it opened. */
import { type CliIo, colorEnabled, painter, type Paint, Progress } from "./io";
import type { StackHandle } from "./stack";

export interface Context {
  readonly io: CliIo;
  /** Colour for stdout, if stdout is a terminal and NO_COLOR is not set. */
  readonly paint: Paint;
  /** Colour for stderr. */
  readonly paintErr: Paint;
  /** Status lines on stderr. */
  readonly progress: Progress;
  /** Opens a stack once per run; closed by `close`. */
  stack(name: string, cwd: string | undefined): Promise<StackHandle>;
  close(): Promise<void>;
}

export function createContext(io: CliIo): Context {
  const opened = new Map<string, Promise<StackHandle>>();
  return {
    io,
    paint: painter(colorEnabled(io.stdout, io.env)),
    paintErr: painter(colorEnabled(io.stderr, io.env)),
    progress: new Progress(io.stderr),
    stack: (name, cwd) => {
      const key = `${cwd ?? ""}\0${name}`;
      let handle = opened.get(key);
      if (!handle) {
        // The Automation API loads in seconds: only commands given a stack pay for it.
        handle = import("./stack.js").then(({ openStack }) =>
          openStack(name, { cwd, env: io.env }),
        );
        opened.set(key, handle);
      }
      return handle;
    },
    close: async () => {
      const handles = await Promise.allSettled(opened.values());
      for (const handle of handles) {
        if (handle.status === "fulfilled") await handle.value.close();
      }
    },
  };
}
