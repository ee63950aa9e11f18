// Drift, the engine part: a preview-only refresh through the Automation API (it writes no state
// and takes no lock), its events handed to findings.ts. Used by `npm run stack -- drift` and the
// engine tests alike.
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import {
  cannotCheck,
  driftFromEvents,
  engineErrorLines,
  isExpectedChangesError,
  neverDeployed,
  type DriftReport,
} from "./findings";

export async function checkDrift(stack: Stack): Promise<DriftReport> {
  const name = stack.name;
  let deployed: boolean;
  try {
    // `stack ls` knows the resource count without decrypting anything (an export would).
    const summary = (await stack.workspace.listStacks()).find((s) => s.name === name);
    deployed = (summary?.resourceCount ?? 0) > 0;
  } catch (error) {
    return cannotCheck(name, firstLines(error));
  }
  if (!deployed) return neverDeployed(name);

  const events: EngineEvent[] = [];
  let failure: string | undefined;
  try {
    await stack.refresh({
      previewOnly: true,
      expectNoChanges: true,
      // The current program registers its resources: the provider is configured from the current
      // stack config (e.g. a rotated token), not from the config of the last deployment.
      runProgram: true,
      onEvent: (event) => events.push(event),
    });
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  const { findings, notes } = driftFromEvents(events, name);
  if (failure !== undefined && !(isExpectedChangesError(failure) && findings.length > 0)) {
    return cannotCheck(name, firstLines(failure));
  }
  return { stack: name, drifted: findings.length > 0, findings, notes };
}

function firstLines(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = engineErrorLines(text);
  return lines.length > 0 ? lines.join(" / ") : text.split("\n").slice(0, 3).join(" ").trim();
}
