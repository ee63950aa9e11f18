/**
 * `recover`: the way back after an outage of one endpoint. It finds the window's events that never
 * reached it (failed, skipped when Polar disabled the endpoint, or still being retried), turns the
 * endpoint back on if Polar disabled it, redelivers them oldest first at a pace Polar's rate limit
 * allows, waits for each outcome and sums up. A second run finds nothing left to send.
 */
import {
  PolarApiError,
  PolarConnectionError,
  type PolarWebhookEndpoint,
  type WebhookDelivery,
} from "../../providers/polar";
import { flag, listValue, stringValue, type CommandSpec } from "../args";
import { confirmProduction, describeTarget, YES_OPTION } from "../confirm";
import type { Context } from "../context";
import { formatAge, parseDuration } from "../duration";
import { CliError, EXIT, UsageError, type ExitCode } from "../errors";
import { eventType, since, uuid } from "../inputs";
import {
  CWD_OPTION,
  JSON_OPTION,
  POLAR_SETTINGS_DETAILS,
  RATE_OPTION,
  STACK_OPTION,
} from "../options";
import { commandPolarAccess, parseRate, type PolarAccess } from "../polar-access";
import {
  planRecovery,
  RECOVER_REASONS,
  redeliveryOutcome,
  type RecoverCandidate,
  type RecoveryPlan,
} from "../recover-plan";
import { fetchDeliveries } from "./deliveries";
import { recoverReport, type RecoverOutcome, type RecoverResult } from "./recover-report";

/** How long `recover` waits for the outcomes of its redeliveries, unless --wait says otherwise. */
export const DEFAULT_OUTCOME_WAIT_MS = 5 * 60_000;
/** Between two looks at the deliveries while waiting (the pacer may space them more). */
export const OUTCOME_POLL_MS = 1_000;

export interface RecoverInput {
  readonly since: Date;
  readonly endpointId?: string;
  readonly stack?: string;
  readonly cwd?: string;
  readonly types: readonly string[];
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly json: boolean;
  readonly perMinute?: number;
  readonly waitMs: number;
}

const TOKEN_NEEDED =
  "an organization access token of the endpoint's organization with webhooks:read and webhooks:write (stack config polar:accessToken, or POLAR_ACCESS_TOKEN)";

export const recoverCommand: CommandSpec<RecoverInput> = {
  name: "recover",
  brief: "After an outage: re-enable an endpoint, redeliver what never arrived, wait, sum up",
  summary:
    "After an outage of one endpoint: find the events of the window that never reached it (failed, skipped when Polar disabled it, still being retried), re-enable it if Polar disabled it, redeliver them oldest first under Polar's rate limit, wait for each outcome and sum up. Archived events are listed as lost.",
  options: {
    since: {
      type: "string",
      placeholder: "duration|time",
      description: "Start of the window (required), e.g. 6h, 2d, 2026-11-30T08:00Z.",
    },
    endpoint: {
      type: "string",
      placeholder: "id",
      description: "The endpoint to recover. Default with --stack: its endpointId output.",
    },
    stack: STACK_OPTION,
    type: {
      type: "string",
      multiple: true,
      placeholder: "event-type",
      description: "Only events of this type (repeatable).",
    },
    "dry-run": {
      type: "boolean",
      description: "Show what would be re-enabled and redelivered; change nothing.",
    },
    yes: YES_OPTION,
    json: JSON_OPTION,
    wait: {
      type: "string",
      placeholder: "duration",
      description: "How long to wait for the redeliveries' outcomes (default 5m).",
    },
    rate: RATE_OPTION,
    cwd: CWD_OPTION,
  },
  details: [
    "One endpoint only: --endpoint or --stack is required. Against Polar production, --yes is required (at a terminal, you are asked instead; never when CI is set or stdin is not a terminal).",
    "Polar creates no event for a disabled endpoint: what happened while it was off never reaches it, and no redelivery can bring it back (the summary says since when). Events Polar never attempted before it disabled the endpoint have no delivery, and Polar lists events only through their deliveries.",
    "Exit status 0 only when every event of the window was delivered; 1 when some still fail, are lost, or have no outcome yet; 2 for bad input (nothing changed).",
    POLAR_SETTINGS_DETAILS,
  ],
  examples: [
    "recover --stack prod --since 6h --dry-run",
    "recover --stack prod --since 2026-11-30T08:00Z --yes",
    "recover --endpoint 0b0c6a4e-5a3f-4c8e-9d43-2f1e6f7b8a90 --since 1d --type order.paid --json",
  ],
  input: (args, now) => {
    const command = args.command;
    const sinceText = stringValue(args, "since");
    if (sinceText === undefined) {
      throw new UsageError("recover needs --since <duration|time>, e.g. --since 6h", command);
    }
    const endpoint = stringValue(args, "endpoint");
    const stack = stringValue(args, "stack");
    if (endpoint === undefined && stack === undefined) {
      throw new UsageError(
        "recover needs --endpoint <id> or --stack <name>: it recovers one endpoint",
        command,
      );
    }
    const waitText = stringValue(args, "wait");
    const waitMs = waitText === undefined ? DEFAULT_OUTCOME_WAIT_MS : parseDuration(waitText);
    if (waitMs === undefined) {
      throw new UsageError(
        `--wait ${JSON.stringify(waitText)} is not a duration; give one such as 30s, 5m or 1h`,
        command,
      );
    }
    return {
      since: since(sinceText, now, command) as Date,
      ...(endpoint !== undefined ? { endpointId: uuid(endpoint, "--endpoint", command) } : {}),
      stack,
      cwd: stringValue(args, "cwd"),
      types: listValue(args, "type").map((type) => eventType(type, command, "--type")),
      dryRun: flag(args, "dry-run"),
      yes: flag(args, "yes"),
      json: flag(args, "json"),
      perMinute: parseRate(stringValue(args, "rate"), command),
      waitMs,
    };
  },
  run: recover,
};

export async function recover(input: RecoverInput, context: Context): Promise<ExitCode> {
  const access = await commandPolarAccess(input, context);
  try {
    const endpoint = await findEndpoint(input, access, context);
    await refuseDeclaredDisabled(endpoint, access);
    const { items } = await fetchDeliveries(
      access.polar,
      {
        endpointId: endpoint.id,
        startTimestamp: input.since,
        ...(input.types.length > 0 ? { eventType: [...input.types] } : {}),
      },
      undefined,
      context,
    );
    const plan = planRecovery(items);
    const wasDisabled = !endpoint.enabled;
    const result: RecoverResult = {
      endpoint,
      plan,
      since: input.since,
      dryRun: input.dryRun,
      reEnabled: false,
      outcomes: new Map(),
    };
    if (input.dryRun || (!wasDisabled && plan.redeliver.length === 0)) {
      return recoverReport(input, result, context);
    }
    const what = `redeliver ${plan.redeliver.length} event${plan.redeliver.length === 1 ? "" : "s"}`;
    await confirmProduction(
      {
        command: "recover",
        action: `${wasDisabled ? "re-enable endpoint " + endpoint.id + " and " : ""}${what} to endpoint ${endpoint.id}`,
        target: describeTarget(access.server, access.stack),
        production: access.server === "production",
        yes: input.yes,
      },
      context,
    );
    if (wasDisabled) {
      await writeOrExplain(() => access.polar.enableEndpoint(endpoint.id), endpoint.id);
      context.progress.note(
        `Endpoint ${endpoint.id} was disabled (Polar disables one after 10 failed events in a row): enabled again.`,
      );
    }
    const unscheduled = await redeliverAll(plan, access, context);
    const outcomes = await waitForOutcomes(unscheduled, plan, endpoint.id, input, access, context);
    return recoverReport(input, { ...result, reEnabled: wasDisabled, outcomes }, context);
  } finally {
    await access.polar.close();
  }
}

/** The endpoint by id among those the token sees; otherwise which exist and which token works. */
async function findEndpoint(
  input: RecoverInput,
  access: PolarAccess,
  context: Context,
): Promise<PolarWebhookEndpoint> {
  const id = input.endpointId ?? access.stackEndpointId;
  if (id === undefined) {
    throw new CliError(
      `Stack ${access.stack?.description ?? ""} has no endpointId output: give --endpoint <id>, or deploy the stack first.`,
      EXIT.USAGE,
    );
  }
  context.progress.update("looking up the endpoint");
  const visible = await access.polar.listEndpoints();
  context.progress.clear();
  const endpoint = visible.find((candidate) => candidate.id === id.toLowerCase());
  if (endpoint !== undefined) return endpoint;
  const list = visible.map(
    (e) => `  ${e.id}  ${e.enabled ? "enabled " : "disabled"}  ${e.name ?? ""}`,
  );
  throw new CliError(
    [
      `Endpoint ${id} is not visible to this token on Polar ${access.server}: it does not exist, or belongs to another organization. recover needs ${TOKEN_NEEDED}. Nothing was changed.`,
      visible.length === 0
        ? "This token sees no endpoint."
        : `Endpoints this token sees:\n${list.join("\n")}`,
    ].join("\n"),
    EXIT.USAGE,
  );
}

/** A stack that declares the endpoint disabled is not re-enabled behind its back. */
async function refuseDeclaredDisabled(
  endpoint: PolarWebhookEndpoint,
  access: PolarAccess,
): Promise<void> {
  if (access.stack === undefined || endpoint.enabled) return;
  const resources = await access.stack.resources();
  const declared = resources.find((resource) => resource.id === endpoint.id) as
    { inputs?: { enabled?: unknown } } | undefined;
  if (declared?.inputs?.enabled === false) {
    throw new CliError(
      `Stack ${access.stack.description} declares endpoint ${endpoint.id} disabled (enabled: false), so recover will not turn it on. Set enabled to true in the program and run \`npm run up -- ${access.stack.name}\`, then recover. Nothing was changed.`,
      EXIT.USAGE,
    );
  }
}

/** A write refused for want of scope or organization: say which token is needed. */
async function writeOrExplain<T>(write: () => Promise<T>, endpointId: string): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof PolarApiError && (error.status === 401 || error.status === 403)) {
      throw new CliError(
        `Polar refused the change to endpoint ${endpointId} (${error.status}${error.error ? ` ${error.error}` : ""}): recover needs ${TOKEN_NEEDED}; this token may only read. Nothing was changed.`,
        EXIT.USAGE,
      );
    }
    throw error;
  }
}

async function redeliverAll(
  plan: RecoveryPlan,
  access: PolarAccess,
  context: Context,
): Promise<Map<string, string>> {
  /** id → why it could not be scheduled; every other candidate was. */
  const unscheduled = new Map<string, string>();
  for (const [index, event] of plan.redeliver.entries()) {
    const position = `[${index + 1}/${plan.redeliver.length}]`;
    try {
      await writeOrExplain(() => access.polar.redeliver(event.id), event.id);
      context.progress.note(
        `${position} redelivered ${event.id} (${event.type}: ${RECOVER_REASONS[event.reason]})`,
      );
    } catch (error) {
      if (error instanceof CliError) throw error;
      const message =
        error instanceof PolarConnectionError ||
        (error instanceof PolarApiError && error.status >= 500)
          ? `${error.message}; Polar may have scheduled it anyway`
          : error instanceof Error
            ? error.message
            : String(error);
      unscheduled.set(event.id, message);
      context.progress.note(context.paintErr("red", `${position} failed ${event.id}: ${message}`));
    }
  }
  return unscheduled;
}

/** Looks at the endpoint's newer deliveries until every redelivered event has an outcome. */
async function waitForOutcomes(
  unscheduled: ReadonlyMap<string, string>,
  plan: RecoveryPlan,
  endpointId: string,
  input: RecoverInput,
  access: PolarAccess,
  context: Context,
): Promise<Map<string, RecoverOutcome>> {
  const outcomes = new Map<string, RecoverOutcome>();
  const waiting = new Map<string, RecoverCandidate>(
    plan.redeliver.filter((event) => !unscheduled.has(event.id)).map((e) => [e.id, e]),
  );
  for (const [id, message] of unscheduled) outcomes.set(id, { kind: "unscheduled", message });
  const started = context.io.now();
  while (waiting.size > 0 && plan.redeliver.length > 0) {
    const known = plan.redeliver.length - waiting.size - unscheduled.size;
    context.progress.update(
      `waiting for the outcomes: ${known} of ${plan.redeliver.length - unscheduled.size} known (${formatAge(context.io.now() - started)})`,
    );
    const since: WebhookDelivery[] = [];
    for await (const page of access.polar.deliveryPages({
      endpointId,
      ...(plan.newestDeliveryAt ? { startTimestamp: plan.newestDeliveryAt } : {}),
    })) {
      since.push(...page.items);
    }
    for (const [id, candidate] of waiting) {
      const outcome = redeliveryOutcome(candidate, since);
      if (outcome.kind !== "pending") {
        outcomes.set(id, outcome);
        waiting.delete(id);
      }
    }
    if (waiting.size === 0 || context.io.now() - started >= input.waitMs) break;
    await context.io.sleep(OUTCOME_POLL_MS);
  }
  context.progress.clear();
  for (const id of waiting.keys()) outcomes.set(id, { kind: "pending" });
  return outcomes;
}
