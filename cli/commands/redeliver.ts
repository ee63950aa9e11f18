/**
 * `redeliver`: events by id, or every failed event of a time window, at a pace Polar's rate limit
 * allows. Archived events are skipped and reported: Polar accepts their redelivery and sends
 * nothing.
 */
import { PolarApiError, PolarConnectionError, type WebhookDelivery } from "../../providers/polar";
import { flag, listValue, stringValue, type CommandSpec } from "../args";
import type { Context } from "../context";
import { EXIT, UsageError, type ExitCode } from "../errors";
import { eventType, since, uuid } from "../inputs";
import {
  CWD_OPTION,
  JSON_OPTION,
  POLAR_SETTINGS_DETAILS,
  RATE_OPTION,
  STACK_OPTION,
} from "../options";
import { confirmProduction, describeTarget, YES_OPTION } from "../confirm";
import {
  commandPolarAccess,
  parseRate,
  scopedEndpointIds,
  type PolarAccess,
} from "../polar-access";
import {
  dedupeIds,
  planExplicit,
  planFailed,
  SKIP_REASONS,
  type PlannedEvent,
  type RedeliveryPlan,
  type SkipReason,
} from "../redeliver-plan";
import { fetchDeliveries } from "./deliveries";

export interface RedeliverInput {
  readonly ids: readonly string[];
  readonly failed: boolean;
  readonly since?: Date;
  readonly types: readonly string[];
  readonly endpointIds: readonly string[];
  readonly dryRun: boolean;
  readonly stack?: string;
  readonly cwd?: string;
  readonly json: boolean;
  readonly perMinute?: number;
  readonly yes: boolean;
}

/** One event of `redeliver --json`. */
export interface RedeliveredEventJson {
  readonly id: string;
  readonly type: string | null;
  readonly outcome: "redelivered" | "would-redeliver" | "skipped" | "failed";
  /** For `skipped`. */
  readonly reason?: SkipReason;
  /** For `failed`: what Polar answered. */
  readonly error?: string;
}

export interface RedeliverJson {
  readonly version: 1;
  readonly dryRun: boolean;
  /** Ids given more than once, ignored after the first. */
  readonly duplicates: number;
  readonly events: readonly RedeliveredEventJson[];
}

export const redeliverCommand: CommandSpec<RedeliverInput> = {
  name: "redeliver",
  brief: "Send events again, by id or every failed one since a time",
  summary:
    "Ask Polar to send events again (same webhook-id, fresh signature) to one endpoint (--endpoint, or --stack's): the events named, or with --failed every failed event since a time. Paced under Polar's rate limit; archived events are skipped.",
  positionals: {
    name: "event-id",
    multiple: true,
    description: "Event ids (the webhook-id header).",
  },
  options: {
    failed: {
      type: "boolean",
      description:
        "Every event with a failed attempt in the window (needs --since) that has not succeeded since.",
    },
    since: {
      type: "string",
      placeholder: "duration|time",
      description: "With --failed: the window, e.g. 2h, 1d, 2026-11-30T08:00Z.",
    },
    type: {
      type: "string",
      multiple: true,
      placeholder: "event-type",
      description: "With --failed: only events of this type (repeatable).",
    },
    endpoint: {
      type: "string",
      multiple: true,
      placeholder: "id",
      description:
        "Only this endpoint's events (repeatable). Required unless --stack gives it (its endpointId).",
    },
    "dry-run": { type: "boolean", description: "Show what would be redelivered; send nothing." },
    yes: YES_OPTION,
    stack: STACK_OPTION,
    cwd: CWD_OPTION,
    json: JSON_OPTION,
    rate: RATE_OPTION,
  },
  details: [
    "A scope is required (--endpoint or --stack): without one, Polar would redeliver to every endpoint of the organization (other stacks, Slack, Discord). Event ids given must be events of that endpoint; others are not sent.",
    "Against Polar production, --yes is required (at a terminal, you are asked instead; never when CI is set or stdin is not a terminal).",
    "Skipped: archived events (older than 90 days), and with --failed events Polar still retries or that succeeded later. Duplicate ids are sent once.",
    "Exit status 1 when any redelivery failed. A redelivery is never repeated after a 5xx or a lost answer, since Polar may have scheduled it.",
    POLAR_SETTINGS_DETAILS,
  ],
  examples: [
    "redeliver 7a1c3f1e-2b1d-4f59-9d2c-0e6b5f4a3d21 --endpoint 0b0c6a4e-5a3f-4c8e-9d43-2f1e6f7b8a90",
    "redeliver --stack prod --failed --since 2h --type order.paid --dry-run",
  ],
  input: (args, now) => {
    const command = args.command;
    const failed = flag(args, "failed");
    const sinceText = stringValue(args, "since");
    const types = listValue(args, "type");
    const endpoints = listValue(args, "endpoint");
    if (failed && args.positionals.length > 0) {
      throw new UsageError("give event ids or --failed, not both", command);
    }
    if (!failed && args.positionals.length === 0) {
      throw new UsageError(
        "give event ids, or --failed --since <duration> for a bulk redelivery",
        command,
      );
    }
    if (failed && sinceText === undefined) {
      throw new UsageError(
        "--failed needs --since (e.g. --since 2h), so a bulk redelivery is always bounded",
        command,
      );
    }
    if (!failed && (sinceText !== undefined || types.length > 0)) {
      throw new UsageError(
        "--since and --type select events for --failed; with event ids, leave them out",
        command,
      );
    }
    const stack = stringValue(args, "stack");
    if (endpoints.length === 0 && stack === undefined) {
      throw new UsageError(
        "redeliver needs --endpoint <id> or --stack <name>: without one, Polar would redeliver to every endpoint of the organization (other stacks, Slack, Discord)",
        command,
      );
    }
    return {
      ids: args.positionals.map((id) => uuid(id, "event id", command)),
      failed,
      since: since(sinceText, now, command),
      types: types.map((type) => eventType(type, command, "--type")),
      endpointIds: endpoints.map((id) => uuid(id, "--endpoint", command)),
      dryRun: flag(args, "dry-run"),
      stack,
      cwd: stringValue(args, "cwd"),
      json: flag(args, "json"),
      perMinute: parseRate(stringValue(args, "rate"), command),
      yes: flag(args, "yes"),
    };
  },
  run: redeliver,
};

export async function redeliver(input: RedeliverInput, context: Context): Promise<ExitCode> {
  const access = await commandPolarAccess(input, context);
  try {
    const { unique, duplicates } = dedupeIds(input.ids);
    if (duplicates > 0) {
      context.progress.note(
        `ignoring ${duplicates} repeated event id${duplicates === 1 ? "" : "s"}`,
      );
    }
    const endpointIds = scopedEndpointIds(input, access);
    const plan = input.failed
      ? planFailed(await failedDeliveries(input, endpointIds, access, context))
      : planExplicit(unique, await lookUpEvents(unique, endpointIds, access, context));
    for (const event of plan.skipped) {
      context.progress.note(
        `skipped ${event.id} (${event.type ?? "?"}): ${SKIP_REASONS[event.reason]}`,
      );
    }
    if (!input.dryRun && plan.send.length > 0) {
      await confirmProduction(
        {
          command: "redeliver",
          action: `redeliver ${plural(plan.send.length, "event")} to endpoint ${endpointIds.join(", ")}`,
          target: describeTarget(access.server, access.stack),
          production: access.server === "production",
          yes: input.yes,
        },
        context,
      );
    }
    const notSent = plan.unknown.map((id): RedeliveredEventJson => ({
      id,
      type: null,
      outcome: "failed",
      error: `Polar lists no delivery of it to endpoint ${endpointIds.join(" or ")}: not that endpoint's event (or never attempted), so not sent`,
    }));
    for (const event of notSent) {
      context.progress.note(context.paintErr("red", `not sent ${event.id}: ${event.error}`));
    }
    const results = [
      ...(input.dryRun
        ? plan.send.map((event): RedeliveredEventJson => ({ ...event, outcome: "would-redeliver" }))
        : await send(plan.send, access, context)),
      ...notSent,
    ];
    return report(input, plan, results, duplicates, context);
  } finally {
    await access.polar.close();
  }
}

async function failedDeliveries(
  input: RedeliverInput,
  endpointIds: readonly string[],
  access: PolarAccess,
  context: Context,
): Promise<WebhookDelivery[]> {
  const { items } = await fetchDeliveries(
    access.polar,
    {
      succeeded: false,
      ...(input.since ? { startTimestamp: input.since } : {}),
      ...(input.types.length > 0 ? { eventType: [...input.types] } : {}),
      endpointId: [...endpointIds],
    },
    undefined,
    context,
  );
  return items;
}

/**
 * Polar has no route that reads one event: its deliveries to the scoped endpoints (found by
 * `query`) carry it. An id with none there is not sent (planExplicit).
 */
async function lookUpEvents(
  ids: readonly string[],
  endpointIds: readonly string[],
  access: PolarAccess,
  context: Context,
): Promise<Map<string, WebhookDelivery["webhook_event"]>> {
  const found = new Map<string, WebhookDelivery["webhook_event"]>();
  for (const [index, id] of ids.entries()) {
    context.progress.update(`checking events: ${index + 1} of ${ids.length}`);
    for await (const page of access.polar.deliveryPages({
      query: id,
      endpointId: [...endpointIds],
    })) {
      const match = page.items.find((delivery) => delivery.webhook_event.id === id);
      if (match) found.set(id, match.webhook_event);
      break;
    }
  }
  context.progress.clear();
  return found;
}

async function send(
  events: readonly PlannedEvent[],
  access: PolarAccess,
  context: Context,
): Promise<RedeliveredEventJson[]> {
  const results: RedeliveredEventJson[] = [];
  for (const [index, event] of events.entries()) {
    const position = `[${index + 1}/${events.length}]`;
    try {
      await access.polar.redeliver(event.id);
      results.push({ ...event, outcome: "redelivered" });
      context.progress.note(`${position} redelivered ${event.id} (${event.type ?? "?"})`);
    } catch (error) {
      if (error instanceof PolarApiError && (error.status === 401 || error.status === 403)) {
        throw error;
      }
      const message = failureMessage(error, event.id);
      results.push({ ...event, outcome: "failed", error: message });
      context.progress.note(context.paintErr("red", `${position} failed ${event.id}: ${message}`));
    }
  }
  return results;
}

function failureMessage(error: unknown, id: string): string {
  if (error instanceof PolarApiError && error.status === 404) {
    return "not found: no such event in the token's organization";
  }
  if (
    error instanceof PolarConnectionError ||
    (error instanceof PolarApiError && error.status >= 500)
  ) {
    return `${error.message}; Polar may have scheduled it anyway: check \`deliveries --event ${id}\` before trying again`;
  }
  return error instanceof Error ? error.message : String(error);
}

function report(
  input: RedeliverInput,
  plan: RedeliveryPlan,
  results: readonly RedeliveredEventJson[],
  duplicates: number,
  context: Context,
): ExitCode {
  const skipped = plan.skipped.map(({ id, type, reason }): RedeliveredEventJson => ({
    id,
    type,
    outcome: "skipped",
    reason,
  }));
  const failed = results.filter((result) => result.outcome === "failed").length;
  if (input.json) {
    const output: RedeliverJson = {
      version: 1,
      dryRun: input.dryRun,
      duplicates,
      events: [...results, ...skipped],
    };
    context.io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return failed > 0 ? EXIT.FAILED : EXIT.OK;
  }
  const out = (line: string) => context.io.stdout.write(`${line}\n`);
  if (input.dryRun) {
    const would = results.filter((result) => result.outcome === "would-redeliver");
    out(`Would redeliver ${plural(would.length, "event")}${would.length ? ":" : "."}`);
    for (const event of would) out(`  ${event.id}  ${event.type ?? "?"}`);
  }
  const counts = new Map<SkipReason, number>();
  for (const event of plan.skipped) counts.set(event.reason, (counts.get(event.reason) ?? 0) + 1);
  const skippedText =
    plan.skipped.length === 0
      ? "skipped none"
      : `skipped ${plan.skipped.length} (${[...counts].map(([reason, n]) => `${n} ${reason}`).join(", ")})`;
  const sent = results.filter((result) => result.outcome === "redelivered").length;
  const lead = input.dryRun ? "Dry run, nothing sent" : `Redelivered ${plural(sent, "event")}`;
  out(context.paint(failed > 0 ? "red" : "green", `${lead}; ${skippedText}; ${failed} failed.`));
  if (input.failed && plan.send.length === 0 && plan.skipped.length === 0) {
    out("No failed deliveries in that window: nothing to redeliver.");
  }
  return failed > 0 ? EXIT.FAILED : EXIT.OK;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
