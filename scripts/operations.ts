// What each `npm run up|preview|stack -- <operation>` does to a stack, given as an Automation API
// Stack: scripts/stack.ts opens the real one (the program in infra/), the engine tests an inline
// program of WebhookEndpoints, so both run exactly these options.
import type { Stack } from "@pulumi/pulumi/automation";
import { readOnlyRefusal, readOnlyRun } from "../providers/polar";
import { cannotCheck, checkDrift, driftExitCode, formatDriftReport } from "./drift";

export const OPERATIONS = ["up", "preview", "refresh", "destroy", "drift", "outputs"] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface OperationIo {
  /** The engine's progress output, as it streams. */
  readonly onOutput: (text: string) => void;
  /** A result line (drift findings, outputs). */
  readonly print: (line: string) => void;
  /** drift only: one JSON document instead of lines. */
  readonly json?: boolean;
  /**
   * up and preview: refresh first (default true). Off only to get past stored provider code that
   * can no longer read (docs/runbooks.md, "Upgrade the provider").
   */
  readonly refresh?: boolean;
  /** The environment the run reads POLAR_READ_ONLY from (default: this process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Runs one operation; resolves to the exit code (engine failures reject, except for drift). */
export async function runOperation(
  stack: Stack,
  operation: Operation,
  io: OperationIo,
): Promise<number> {
  const { onOutput } = io;
  const refresh = io.refresh ?? true;
  if (operation === "preview" || operation === "drift") {
    const refusal = await readOnlyConfigRefusal(stack, io.env ?? process.env);
    if (refusal !== undefined) {
      const report = cannotCheck(stack.name, refusal);
      if (operation === "drift") {
        io.print(io.json ? JSON.stringify(report, null, 2) : formatDriftReport(report));
      } else {
        io.print(`[preview] ${stack.name}: refused: ${refusal}`);
      }
      return 2;
    }
  }
  switch (operation) {
    // `up` and `preview` refresh first (like `pulumi up --refresh`): what changed in Polar or AWS
    // since the last deployment is read before the diff, so `up` puts back what the code declares
    // (re-enables a disabled endpoint, recreates a deleted one, hands a reset secret to SSM) and the
    // preview shows it.
    case "up":
      await stack.up({ onOutput, color: "auto", refresh });
      return 0;
    case "preview":
      await stack.preview({ onOutput, color: "auto", diff: true, refresh });
      return 0;
    // With the current program, the provider is configured from the current stack config (a
    // rotated token), not from the last deployment's. Resources still run their stored provider
    // code for reads and deletes until an `up` stores the new code (see providers/polar/version.ts).
    case "refresh":
      await stack.refresh({ onOutput, color: "auto", runProgram: true });
      return 0;
    case "destroy":
      await stack.destroy({ onOutput, color: "auto", runProgram: true });
      return 0;
    case "drift": {
      const report = await checkDrift(stack);
      io.print(io.json ? JSON.stringify(report, null, 2) : formatDriftReport(report));
      return driftExitCode(report);
    }
    case "outputs": {
      const outputs = await stack.outputs();
      for (const [key, { value, secret }] of Object.entries(outputs)) {
        io.print(`${key}: ${secret ? "[secret]" : JSON.stringify(value)}`);
      }
      return 0;
    }
  }
}

/**
 * In a read-only run (the workflows' preview and drift jobs), a Polar token in the stack's config
 * stops the run before the engine starts: nothing reads it, nothing calls Polar. The provider
 * refuses it too (providers/polar/settings.ts), for a `pulumi preview` run by hand.
 */
async function readOnlyConfigRefusal(
  stack: Stack,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  if (!readOnlyRun(env)) return undefined;
  const config = await stack.getAllConfig();
  return readOnlyRefusal(
    {
      accessToken: config["polar:accessToken"]?.value,
      previousAccessToken: config["polar:previousAccessToken"]?.value,
    },
    env,
  );
}
