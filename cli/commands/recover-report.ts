/** What `recover` prints: one summary (text or `--json`) and the exit status it implies. */
import type { PolarWebhookEndpoint } from "../../providers/polar";
import { parseName } from "../../providers/polar";
import type { Context } from "../context";
import { EXIT, type ExitCode } from "../errors";
import { RECOVER_REASONS, type RecoveryPlan, type RedeliveryOutcome } from "../recover-plan";

export type RecoverOutcome = RedeliveryOutcome | { readonly kind: "unscheduled"; message: string };

export interface RecoverResult {
  readonly endpoint: PolarWebhookEndpoint;
  readonly plan: RecoveryPlan;
  readonly since: Date;
  readonly dryRun: boolean;
  /** recover turned the endpoint back on. */
  readonly reEnabled: boolean;
  /** By event id, for every event redelivered (or that could not be). */
  readonly outcomes: ReadonlyMap<string, RecoverOutcome>;
}

/** One event of `recover --json`. */
export interface RecoveredEventJson {
  readonly id: string;
  readonly type: string;
  /** Why it was (or would be) redelivered; absent for lost events. */
  readonly was?: "failed" | "skipped" | "retrying";
  readonly outcome:
    "recovered" | "still-failing" | "pending" | "unscheduled" | "would-redeliver" | "lost";
  /** For `still-failing`: the status of the latest attempt (null: no answer). */
  readonly lastStatus?: number | null;
  /** For `unscheduled`: what Polar answered to the redelivery. */
  readonly error?: string;
}

export interface RecoverJson {
  readonly version: 1;
  readonly dryRun: boolean;
  readonly since: string;
  readonly endpoint: {
    readonly id: string;
    readonly name: string | null;
    /** Disabled when recover started (by Polar after failures, or by hand). */
    readonly wasDisabled: boolean;
    /** When it was disabled, about (Polar's modified_at of the endpoint). */
    readonly disabledSince: string | null;
    readonly reEnabled: boolean;
  };
  /** Events of the window already delivered: left alone. */
  readonly alreadyDelivered: number;
  readonly events: readonly RecoveredEventJson[];
  readonly summary: {
    readonly recovered: number;
    readonly stillFailing: number;
    readonly pending: number;
    readonly lost: number;
  };
}

export function recoverJson(result: RecoverResult): RecoverJson {
  const { endpoint, plan } = result;
  const events: RecoveredEventJson[] = plan.redeliver.map((event) => {
    const base = { id: event.id, type: event.type, was: event.reason };
    if (result.dryRun) return { ...base, outcome: "would-redeliver" };
    const outcome = result.outcomes.get(event.id) ?? { kind: "pending" };
    switch (outcome.kind) {
      case "still-failing":
        return { ...base, outcome: "still-failing", lastStatus: outcome.lastStatus };
      case "unscheduled":
        return { ...base, outcome: "unscheduled", error: outcome.message };
      default:
        return { ...base, outcome: outcome.kind };
    }
  });
  events.push(...plan.lost.map((event) => ({ ...event, outcome: "lost" as const })));
  const count = (outcome: RecoveredEventJson["outcome"]) =>
    events.filter((event) => event.outcome === outcome).length;
  return {
    version: 1,
    dryRun: result.dryRun,
    since: result.since.toISOString(),
    endpoint: {
      id: endpoint.id,
      name: parseName(endpoint.name).declared,
      wasDisabled: !endpoint.enabled,
      disabledSince: endpoint.enabled ? null : endpoint.modified_at,
      reEnabled: result.reEnabled,
    },
    alreadyDelivered: plan.delivered,
    events,
    summary: {
      recovered: count("recovered"),
      stillFailing: count("still-failing") + count("unscheduled"),
      pending: count("pending"),
      lost: count("lost"),
    },
  };
}

export function recoverReport(
  input: { readonly json: boolean },
  result: RecoverResult,
  context: Context,
): ExitCode {
  const json = recoverJson(result);
  const { summary } = json;
  const ok = result.dryRun || summary.stillFailing + summary.pending + summary.lost === 0;
  if (input.json) {
    context.io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return ok ? EXIT.OK : EXIT.FAILED;
  }
  const out = (line: string) => context.io.stdout.write(`${line}\n`);
  const { endpoint } = json;
  const disabled = endpoint.disabledSince ? ` since about ${endpoint.disabledSince}` : "";
  const redeliver = json.events.filter((event) => event.outcome !== "lost");
  if (result.dryRun) {
    if (endpoint.wasDisabled) out(`Would re-enable endpoint ${endpoint.id} (disabled${disabled}).`);
    out(`Would redeliver ${plural(redeliver.length, "event")}${redeliver.length ? ":" : "."}`);
    for (const event of redeliver) {
      out(`  ${event.id}  ${event.type}  ${RECOVER_REASONS[event.was ?? "failed"]}`);
    }
  } else if (redeliver.length === 0 && !endpoint.reEnabled) {
    out(
      `Nothing to recover: the ${plural(json.alreadyDelivered, "event")} of the window ${json.alreadyDelivered === 1 ? "was" : "were"} delivered.`,
    );
  } else {
    out(
      context.paint(
        ok ? "green" : "red",
        `Recovered ${summary.recovered} of ${redeliver.length} event${redeliver.length === 1 ? "" : "s"}; still failing ${summary.stillFailing}; no outcome yet ${summary.pending}; lost ${summary.lost}.`,
      ),
    );
    for (const event of redeliver.filter((e) => e.outcome !== "recovered")) {
      const detail =
        event.outcome === "still-failing"
          ? `still failing, last status ${event.lastStatus ?? "none (no answer)"}`
          : event.outcome === "unscheduled"
            ? `not scheduled: ${event.error}`
            : "no outcome yet (see `deliveries --event <id>`)";
      out(`  ${event.id}  ${event.type}  ${detail}`);
    }
  }
  if (summary.lost > 0) {
    out(`Lost (archived after 90 days; Polar would accept a redelivery and send nothing):`);
    for (const event of json.events.filter((e) => e.outcome === "lost")) {
      out(`  ${event.id}  ${event.type}`);
    }
  }
  if (result.dryRun) out(`Dry run, nothing changed; ${json.alreadyDelivered} already delivered.`);
  if (endpoint.wasDisabled) {
    const since = endpoint.disabledSince ?? "it was disabled";
    out(
      endpoint.reEnabled
        ? `From about ${since} until now, while the endpoint was disabled, Polar created no events for it: what happened then never reaches it, and no redelivery brings it back. Reconcile that period from Polar's API (docs/runbooks.md: "Recover after an outage").`
        : `While the endpoint is disabled (since about ${since}), Polar creates no events for it: what happens meanwhile never reaches it, and no redelivery brings it back.`,
    );
  }
  return ok ? EXIT.OK : EXIT.FAILED;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
