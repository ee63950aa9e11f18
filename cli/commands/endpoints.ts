/** `endpoints`: the organization's webhook endpoints, with their state and signing scheme. */
import { parseName, type PolarWebhookEndpoint } from "../../providers/polar";
import { flag, stringValue, type CommandSpec } from "../args";
import type { Context } from "../context";
import { EXIT } from "../errors";
import {
  CWD_OPTION,
  JSON_OPTION,
  POLAR_SETTINGS_DETAILS,
  RATE_OPTION,
  STACK_OPTION,
} from "../options";
import { commandPolarAccess, parseRate } from "../polar-access";
import { renderTable } from "../table";

export interface EndpointsInput {
  readonly stack?: string;
  readonly cwd?: string;
  readonly json: boolean;
  readonly perMinute?: number;
}

/** `polar-webhooks endpoints --json`; never the secret. */
export interface EndpointJson {
  readonly id: string;
  readonly name: string | null;
  /** Chat (Slack/Discord) URLs are credentials: only their origin is shown; query strings never. */
  readonly url: string;
  readonly urlRedacted: boolean;
  readonly format: "raw" | "slack" | "discord";
  readonly enabled: boolean;
  /** `standard`: Standard Webhooks key (base64 after whsec_); `legacy`: UTF-8 bytes of the secret. */
  readonly signing: "standard" | "legacy";
  readonly events: readonly string[];
  readonly apiVersion: string | null;
  readonly organizationId: string;
  readonly createdAt: string;
  readonly modifiedAt: string | null;
  /** This endpoint is the `endpointId` output of the stack given with --stack. */
  readonly stackEndpoint: boolean;
  /**
   * The resource whose marker the name carries (`<project>/<stack>/<resource>`), null for an
   * endpoint no stack marked; `interrupted`: made by an `up` killed before it could record it.
   */
  readonly managedBy: { readonly resource: string; readonly interrupted: boolean } | null;
}

export interface EndpointsJson {
  readonly version: 1;
  readonly endpoints: readonly EndpointJson[];
}

export const endpointsCommand: CommandSpec<EndpointsInput> = {
  name: "endpoints",
  brief: "List webhook endpoints: enabled or disabled, signing scheme",
  summary:
    "List the webhook endpoints the token can see: enabled or disabled, signing scheme, events. Secrets are never shown.",
  options: { stack: STACK_OPTION, cwd: CWD_OPTION, json: JSON_OPTION, rate: RATE_OPTION },
  details: [POLAR_SETTINGS_DETAILS],
  examples: [
    "endpoints",
    "endpoints --stack dev --json | jq '.endpoints[] | select(.enabled | not)'",
  ],
  input: (args) => ({
    stack: stringValue(args, "stack"),
    cwd: stringValue(args, "cwd"),
    json: flag(args, "json"),
    perMinute: parseRate(stringValue(args, "rate"), args.command),
  }),
  run: endpoints,
};

export async function endpoints(input: EndpointsInput, context: Context): Promise<typeof EXIT.OK> {
  const { polar, stackEndpointId } = await commandPolarAccess(input, context);
  try {
    context.progress.update("fetching endpoints…");
    const listed = await polar.listEndpoints();
    context.progress.clear();
    const rows = listed.map((endpoint) => toEndpointJson(endpoint, stackEndpointId));
    if (input.json) {
      const output: EndpointsJson = { version: 1, endpoints: rows };
      context.io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    } else if (rows.length === 0) {
      context.io.stdout.write("No webhook endpoints.\n");
    } else {
      context.io.stdout.write(endpointsTable(rows, context.paint));
      if (rows.some((row) => row.stackEndpoint)) {
        context.io.stdout.write(`* the endpoint of stack ${input.stack}\n`);
      }
    }
    return EXIT.OK;
  } finally {
    await polar.close();
  }
}

export function toEndpointJson(
  endpoint: PolarWebhookEndpoint,
  stackEndpointId?: string,
): EndpointJson {
  const { url, redacted } = displayUrl(endpoint.url, endpoint.format);
  const { marker } = parseName(endpoint.name);
  return {
    id: endpoint.id,
    name: endpoint.name,
    url,
    urlRedacted: redacted,
    format: endpoint.format,
    enabled: endpoint.enabled,
    signing: endpoint.uses_standard_webhook_signature ? "standard" : "legacy",
    events: endpoint.events,
    apiVersion: endpoint.api_version,
    organizationId: endpoint.organization_id,
    createdAt: endpoint.created_at,
    modifiedAt: endpoint.modified_at,
    stackEndpoint: stackEndpointId !== undefined && endpoint.id === stackEndpointId,
    managedBy: marker ? { resource: marker.label, interrupted: marker.creating } : null,
  };
}

/** Slack and Discord webhook URLs carry their token in the path; any query may carry one too. */
export function displayUrl(raw: string, format: string): { url: string; redacted: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { url: "(unparseable URL)", redacted: true };
  }
  if (format !== "raw") return { url: `${parsed.origin}/…`, redacted: true };
  const redacted = parsed.search !== "" || parsed.username !== "" || parsed.password !== "";
  return {
    url: `${parsed.origin}${parsed.pathname}${parsed.search ? "?…" : ""}`,
    redacted,
  };
}

function endpointsTable(rows: readonly EndpointJson[], paint: Context["paint"]): string {
  return renderTable(
    [
      { header: "ID", value: (r) => `${r.id}${r.stackEndpoint ? " *" : ""}` },
      {
        header: "STATUS",
        value: (r) => (r.enabled ? "enabled" : "disabled"),
        style: (r) => (r.enabled ? "green" : "red"),
      },
      { header: "SIGNING", value: (r) => r.signing },
      { header: "FORMAT", value: (r) => r.format },
      { header: "EVENTS", value: (r) => String(r.events.length), align: "right" },
      { header: "NAME", value: (r) => parseName(r.name).declared ?? "" },
      {
        header: "MANAGED BY",
        value: (r) =>
          r.managedBy === null
            ? ""
            : `${r.managedBy.resource}${r.managedBy.interrupted ? " (interrupted up: no state holds it)" : ""}`,
        style: (r) => (r.managedBy?.interrupted ? "yellow" : undefined),
      },
      { header: "URL", value: (r) => r.url, style: () => "dim" },
    ],
    rows,
    paint,
  );
}
