/**
 * The guard in front of every command that can change what production receives (`trigger`,
 * `redeliver`, `recover`, `dlq redrive`): against Polar production, or a stack deployed against
 * it, they need `--yes`. A person at a terminal may answer a question instead; a script never gets
 * one (CI set, or stdin not a terminal), so it is refused, with the flag that allows it.
 */
import type { PolarServer } from "../providers/polar";
import type { Context } from "./context";
import { CliError, EXIT } from "./errors";
import type { Environment } from "./io";
import type { StackHandle } from "./stack";

export const YES_OPTION = {
  type: "boolean",
  description:
    "Go ahead against production (Polar production, or a stack deployed against it) without asking.",
} as const;

export interface Confirmation {
  /** `redeliver`: names the command in the message. */
  readonly command: string;
  /** What is about to happen, e.g. "redeliver 12 events to endpoint 0b0c…". */
  readonly action: string;
  /** Where, e.g. "Polar production" or "stack polar-webhooks/prod (Polar production)". */
  readonly target: string;
  readonly production: boolean;
  /** `--yes` was given. */
  readonly yes: boolean;
}

/** Resolves when the action may go ahead; throws (exit 2, nothing sent) when it may not. */
export async function confirmProduction(
  confirmation: Confirmation,
  context: Context,
): Promise<void> {
  const { command, action, target, production, yes } = confirmation;
  if (!production || yes) return;
  const { io } = context;
  const ci = io.env.CI !== undefined && io.env.CI !== "" && io.env.CI !== "false";
  if (ci || io.stdin?.isTTY !== true || io.ask === undefined) {
    const why = ci ? "CI is set" : "stdin is not a terminal";
    throw new CliError(
      `${command} would ${action} on ${target}, which is production, and ${why}, so nobody can be asked: add --yes to go ahead. Nothing was sent.`,
      EXIT.USAGE,
    );
  }
  context.progress.clear();
  const answer = await io.ask(
    `${command} will ${action} on ${target}, which is production. Type yes to go ahead: `,
  );
  if (answer.trim().toLowerCase() !== "yes") {
    throw new CliError(
      `Not confirmed: nothing was sent. (--yes goes ahead without asking.)`,
      EXIT.USAGE,
    );
  }
}

/**
 * The Polar server a stack is deployed against: its `polar:server`, else POLAR_SERVER, else
 * sandbox (as the provider resolves it).
 */
export async function stackServer(stack: StackHandle, env: Environment): Promise<PolarServer> {
  // `npm run dev`'s stack is the emulator's, whatever POLAR_SERVER says.
  if (stack.isLocalDev) return "sandbox";
  const configured = (await stack.config())["polar:server"]?.trim() || env.POLAR_SERVER?.trim();
  return configured === "production" ? "production" : "sandbox";
}

export function describeTarget(server: PolarServer, stack?: StackHandle): string {
  const polar = `Polar ${server}`;
  return stack ? `stack ${stack.description} (${polar})` : polar;
}
