/**
 * The Automation API follows every `up`, `refresh` and `destroy` with a `pulumi stack history` run (for the
 * summary) and every `up` with two `pulumi stack output` runs, and each CLI start derives the passphrase key again:
 * that is a third of an engine test's CPU, spent on answers the operation already gave. Here the summary comes from
 * the operation's own engine events, and outputs from one `stack export`. What the tests assert is unchanged: the
 * same resource changes, the same output values and secret flags.
 */
import type {
  EngineEvent,
  LocalWorkspace,
  OpMap,
  OutputMap,
  Stack,
  UpdateSummary,
} from "@pulumi/pulumi/automation";
import { reveal, SECRET_SIGNATURE } from "../../cli/state";
import { exportFromDisk, type StateLocation } from "./state-reader";

export { SECRET_SIGNATURE };

type Operation = "up" | "refresh" | "destroy";
type EventOptions = { onEvent?: (event: EngineEvent) => void };

/** An output as `stack output --show-secrets` gives it: the value in clear, and whether the state holds it secret. */
const outputOf = (value: unknown) => ({
  value: reveal(value),
  secret: typeof value === "object" && value !== null && SECRET_SIGNATURE in value,
});

export function withFewerCliRuns(stack: Stack, location: StateLocation): Stack {
  let summary: UpdateSummary | undefined;
  const info = stack.info.bind(stack);
  for (const operation of ["up", "refresh", "destroy"] as const satisfies readonly Operation[]) {
    const original = (stack[operation] as (opts?: EventOptions) => Promise<unknown>).bind(stack);
    (stack as unknown as Record<Operation, (opts?: EventOptions) => Promise<unknown>>)[operation] =
      (opts = {}) => {
        summary = undefined;
        const started = new Date();
        return original({
          ...opts,
          onEvent: (event) => {
            if (event.summaryEvent) {
              summary = {
                kind: operation === "up" ? "update" : operation,
                result: "succeeded",
                startTime: started,
                endTime: new Date(),
                message: "",
                environment: {},
                config: {},
                resourceChanges: event.summaryEvent.resourceChanges as OpMap,
              } as UpdateSummary;
            }
            opts.onEvent?.(event);
          },
        });
      };
  }
  stack.info = async (showSecrets?: boolean) => {
    const captured = summary;
    summary = undefined;
    return captured ?? info(showSecrets);
  };
  const exportStack = stack.exportStack.bind(stack);
  const fromDisk = () =>
    exportFromDisk(location).catch((error: NodeJS.ErrnoException) => {
      // Never deployed: no checkpoint yet; the CLI says what an empty stack exports.
      if (error.code === "ENOENT") return exportStack();
      throw error;
    });
  stack.exportStack = fromDisk as Stack["exportStack"];
  const workspace = stack.workspace as LocalWorkspace;
  workspace.stackOutputs = async (): Promise<OutputMap> => {
    const state = (await fromDisk()) as {
      deployment: { resources?: { type: string; outputs?: Record<string, unknown> }[] };
    };
    const root = (state.deployment.resources ?? []).find((r) => r.type === "pulumi:pulumi:Stack");
    return Object.fromEntries(
      Object.entries(root?.outputs ?? {}).map(([key, value]) => [key, outputOf(value)]),
    );
  };
  return stack;
}
