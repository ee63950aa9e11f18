/** `deliveries`: delivery attempts, newest first, every page followed up to `--limit`. */
import type { ListWebhookDeliveriesQuery, WebhookDelivery } from "../../providers/polar";
import { flag, listValue, stringValue, type CommandSpec } from "../args";
import type { Context } from "../context";
import { deliveriesTable, toDeliveryJson, type DeliveriesJson } from "../deliveries-view";
import { EXIT, UsageError } from "../errors";
import { eventType, since, uuid } from "../inputs";
import {
  CWD_OPTION,
  JSON_OPTION,
  POLAR_SETTINGS_DETAILS,
  RATE_OPTION,
  STACK_OPTION,
} from "../options";
import { commandPolarAccess, parseRate } from "../polar-access";
import type { PacedPolar } from "../polar-calls";

export const DEFAULT_DELIVERIES_LIMIT = 100;

export interface DeliveriesInput {
  readonly stack?: string;
  readonly cwd?: string;
  readonly endpointIds: readonly string[];
  readonly failed: boolean;
  readonly types: readonly string[];
  readonly since?: Date;
  readonly eventId?: string;
  /** Rows to show at most; undefined for all. */
  readonly limit: number | undefined;
  readonly json: boolean;
  readonly perMinute?: number;
}

export const deliveriesCommand: CommandSpec<DeliveriesInput> = {
  name: "deliveries",
  brief: "List delivery attempts: status, HTTP code, attempt, age",
  summary:
    "List webhook deliveries (one per HTTP attempt), newest first: status, HTTP code, event type, attempt number per event, age.",
  options: {
    endpoint: {
      type: "string",
      multiple: true,
      placeholder: "id",
      description:
        "Only this endpoint's deliveries (repeatable). Default with --stack: the stack's endpointId.",
    },
    failed: { type: "boolean", description: "Only failed attempts (non-2xx or no answer)." },
    type: {
      type: "string",
      multiple: true,
      placeholder: "event-type",
      description: "Only events of this type, e.g. order.paid (repeatable).",
    },
    since: {
      type: "string",
      placeholder: "duration|time",
      description:
        "Only attempts after this: 30m, 2h, 7d, or an ISO time such as 2026-11-30T12:00Z.",
    },
    event: { type: "string", placeholder: "id", description: "Only the attempts of this event." },
    limit: {
      type: "string",
      placeholder: "n|all",
      description: `Show at most n attempts (default ${DEFAULT_DELIVERIES_LIMIT}); all follows every page.`,
    },
    stack: STACK_OPTION,
    cwd: CWD_OPTION,
    json: JSON_OPTION,
    rate: RATE_OPTION,
  },
  details: [
    "ATTEMPT counts each event's attempts, oldest first, among the deliveries fetched (whole pages of 100, even for a smaller --limit); attempts hidden by --since or --failed, or beyond the pages fetched, are not counted.",
    POLAR_SETTINGS_DETAILS,
  ],
  examples: [
    "deliveries --stack dev --failed --since 2h",
    "deliveries --type order.paid --type order.refunded --limit all --json",
    "deliveries --event 7a1c3f1e-2b1d-4f59-9d2c-0e6b5f4a3d21",
  ],
  input: (args, now) => {
    const command = args.command;
    const limitText = stringValue(args, "limit");
    let limit: number | undefined = DEFAULT_DELIVERIES_LIMIT;
    if (limitText !== undefined) {
      if (limitText.trim().toLowerCase() === "all") limit = undefined;
      else if (/^\d+$/.test(limitText.trim()) && Number(limitText) >= 1) limit = Number(limitText);
      else
        throw new UsageError(
          `--limit ${JSON.stringify(limitText)} is not a whole number ≥ 1 or "all"`,
          command,
        );
    }
    const eventId = stringValue(args, "event");
    return {
      stack: stringValue(args, "stack"),
      cwd: stringValue(args, "cwd"),
      endpointIds: listValue(args, "endpoint").map((id) => uuid(id, "--endpoint", command)),
      failed: flag(args, "failed"),
      types: listValue(args, "type").map((type) => eventType(type, command, "--type")),
      since: since(stringValue(args, "since"), now, command),
      eventId: eventId === undefined ? undefined : uuid(eventId, "--event", command),
      limit,
      json: flag(args, "json"),
      perMinute: parseRate(stringValue(args, "rate"), command),
    };
  },
  run: deliveries,
};

export async function deliveries(
  input: DeliveriesInput,
  context: Context,
): Promise<typeof EXIT.OK> {
  const { polar, stackEndpointId } = await commandPolarAccess(input, context);
  const endpointIds =
    input.endpointIds.length > 0 ? input.endpointIds : stackEndpointId ? [stackEndpointId] : [];
  const query: Omit<ListWebhookDeliveriesQuery, "page"> = {
    ...(endpointIds.length > 0 ? { endpointId: [...endpointIds] } : {}),
    ...(input.failed ? { succeeded: false } : {}),
    ...(input.types.length > 0 ? { eventType: [...input.types] } : {}),
    ...(input.since ? { startTimestamp: input.since } : {}),
    ...(input.eventId ? { query: input.eventId } : {}),
  };
  try {
    const { items, total } = await fetchDeliveries(polar, query, input.limit, context);
    // `query` also matches delivery ids and HTTP codes: keep the event's own attempts only.
    // Attempts are numbered over every fetched page (a full page even for a small --limit).
    const rows = toDeliveryJson(
      input.eventId ? items.filter((d) => d.webhook_event.id === input.eventId) : items,
    ).slice(0, input.limit);
    if (input.json) {
      const output: DeliveriesJson = { version: 1, total, deliveries: rows };
      context.io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      return EXIT.OK;
    }
    if (rows.length === 0) {
      context.io.stdout.write("No deliveries match.\n");
      return EXIT.OK;
    }
    context.io.stdout.write(deliveriesTable(rows, context.io.now(), context.paint));
    if (rows.length < total) {
      context.io.stdout.write(
        context.paint(
          "dim",
          `${rows.length} of ${total} matching deliveries shown; --limit all shows every one.\n`,
        ),
      );
    }
    return EXIT.OK;
  } finally {
    await polar.close();
  }
}

/**
 * Follows pages until at least `limit` deliveries (or all) are fetched, reporting each page on
 * stderr. Returns whole pages: the caller cuts to `limit`.
 */
export async function fetchDeliveries(
  polar: PacedPolar,
  query: Omit<ListWebhookDeliveriesQuery, "page">,
  limit: number | undefined,
  context: Context,
): Promise<{ items: WebhookDelivery[]; total: number }> {
  const items: WebhookDelivery[] = [];
  let total = 0;
  for await (const page of polar.deliveryPages(query)) {
    total = page.pagination.total_count;
    items.push(...page.items);
    const wanted = limit === undefined ? total : Math.min(limit, total);
    context.progress.update(
      `deliveries: page ${page.page} of ${Math.max(page.pagination.max_page, 1)} (${Math.min(items.length, wanted)} of ${wanted})`,
    );
    if (limit !== undefined && items.length >= limit) break;
  }
  context.progress.clear();
  return { items, total };
}
