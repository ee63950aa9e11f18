// Input checking: what `pulumi preview` rejects, with the field, the value and what is allowed.
import { isWebhookEventType, suggestEventType, WEBHOOK_EVENT_TYPES } from "./events";
import {
  detectWebhookFormat,
  normalizeWebhookUrl,
  WEBHOOK_FORMATS,
  webhookUrlProblem,
  type WebhookFormat,
  type WebhookUrlPolicy,
} from "./url";
import { processMemo } from "./memo";
import {
  isUnknown,
  POLAR_API_VERSIONS,
  PROVIDER_SET_INPUTS,
  UNKNOWN,
  type TokenKind,
  type WebhookEndpointInputs,
} from "./model";
import { ownSecretProblem } from "./own-secret";
import { isOwner } from "./owner";

export interface CheckFailure {
  property: string;
  reason: string;
}

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

/**
 * Validates raw resource inputs the way Polar would, before anything is sent. `token` is undefined
 * when no token is configured (then token-dependent rules are skipped; the caller reports it).
 * `urlPolicy.allowLoopback` only for a local emulator (see `loopbackWebhookUrlsAllowed`).
 * Every rule lives in one zod schema; each failure names the field, the value and what is allowed.
 */
export function checkWebhookEndpointInputs(
  raw: Record<string, unknown>,
  token: TokenKind | undefined,
  urlPolicy: WebhookUrlPolicy = {},
): { inputs: WebhookEndpointInputs; failures: CheckFailure[] } {
  const loopback = urlPolicy.allowLoopback === true;
  const schema = processMemo(
    `input-schema:${token ?? "none"}:${loopback ? "loopback" : "polar"}`,
    () => inputSchema(token, { allowLoopback: loopback }),
  );
  const result = schema.safeParse(raw);
  if (result.success) return { inputs: result.data, failures: [] };
  const failures = result.error.issues.map((issue) => {
    const property = issue.path.reduce<string>(
      (acc, part) =>
        typeof part === "number"
          ? `${acc}[${part}]`
          : acc
            ? `${acc}.${String(part)}`
            : String(part),
      "",
    );
    // Item-level messages ("… is not a Polar event type") are prefixed with their position.
    const reason = property.includes("[") ? `${property} ${issue.message}` : issue.message;
    return { property, reason };
  });
  // The engine keeps the previous inputs when check fails; echo what we got, minimally typed.
  return { inputs: raw as unknown as WebhookEndpointInputs, failures };
}

// zod is required where it is used, and the schema memoized per process (memo.ts): this module runs
// inside the serialized provider (see client.ts).
type Zod = typeof import("zod");

function inputSchema(token: TokenKind | undefined, urlPolicy: WebhookUrlPolicy) {
  const { z } = require("zod") as Zod;
  const got = (field: string, what: string) => (issue: { input: unknown }) =>
    `${field} must be ${what} (got ${describe(issue.input)}).`;
  // Pulumi passes an absent optional input as undefined, a cleared one as null: both mean "not set".
  const optional = <T extends import("zod").ZodType>(schema: T) =>
    z.preprocess((v) => (v === null ? undefined : v), schema.optional());
  const oneOf = (field: string, allowed: readonly string[], what: string, extra = "") =>
    z
      .string({
        error: (issue) =>
          `${field} ${describe(issue.input)} ${what}; use one of ${allowed.join(", ")}${extra}.`,
      })
      .refine((v) => isUnknown(v) || allowed.includes(v), {
        error: (issue) =>
          `${field} ${describe(issue.input)} ${what}; use one of ${allowed.join(", ")}${extra}.`,
      });
  const id = (field: string, what: string) =>
    z
      .string({ error: (issue) => `${field} ${describe(issue.input)} is not ${what}.` })
      .refine((v) => isUnknown(v) || UUID4.test(v), {
        error: (issue) => `${field} ${describe(issue.input)} is not ${what}.`,
      })
      .transform((v) => v.toLowerCase());

  const url = z
    .string({ error: got("url", "the https URL Polar delivers to") })
    .superRefine((value, ctx) => {
      if (isUnknown(value)) return;
      const problem = webhookUrlProblem(value, urlPolicy);
      if (problem) ctx.addIssue({ code: "custom", message: `url ${describe(value)} ${problem}.` });
    })
    .transform((value) => (isUnknown(value) ? value : normalizeWebhookUrl(value)));

  const events = z
    .unknown()
    .superRefine((value, ctx) => {
      if (isUnknown(value)) return;
      if (!Array.isArray(value)) {
        ctx.addIssue({
          code: "custom",
          message: got(
            "events",
            'a list of Polar event types, e.g. ["order.paid"]',
          )({ input: value }),
        });
        return;
      }
      value.forEach((item: unknown, index: number) => {
        if (isUnknown(item) || (typeof item === "string" && isWebhookEventType(item))) return;
        const suggestion = typeof item === "string" ? suggestEventType(item) : undefined;
        const hint = suggestion
          ? `did you mean "${suggestion}"?`
          : `allowed: ${WEBHOOK_EVENT_TYPES.join(", ")}.`;
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `${describe(item)} is not a Polar event type; ${hint}`,
        });
      });
    })
    // Polar keeps duplicates verbatim; they mean nothing, so they are dropped instead of diffed.
    .transform((value) => (isUnknown(value) ? [UNKNOWN] : [...new Set(value as string[])]));

  return z
    .object({
      url,
      events,
      format: optional(
        oneOf(
          "format",
          WEBHOOK_FORMATS,
          "is not supported",
          " (or omit it to detect Slack/Discord from the url)",
        ),
      ),
      name: optional(z.string({ error: got("name", "a string") })),
      enabled: optional(
        z.union([z.boolean(), z.literal(UNKNOWN)], { error: got("enabled", "true or false") }),
      ),
      apiVersion: optional(oneOf("apiVersion", POLAR_API_VERSIONS, "is not a Polar API version")),
      organizationId: optional(id("organizationId", "a Polar organization id (a UUID)")),
      adoptId: optional(
        id(
          "adoptId",
          "a Polar webhook endpoint id (a UUID, shown in the dashboard and by the API)",
        ),
      ),
      secretRotation: optional(
        z.union([z.string(), z.number()], {
          error: got("secretRotation", 'a string or number marker, e.g. "2026-11"'),
        }),
      ),
      // Custom messages only: zod's own would quote the value.
      secret: optional(
        z.unknown().superRefine((value, ctx) => {
          const problem = ownSecretProblem(value);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
      ),
      owner: optional(
        z.unknown().refine(isOwner, {
          error: (issue) =>
            `owner ${describe(issue.input)} is set by the WebhookEndpoint resource class (which resource manages the endpoint); remove it from the resource's arguments.`,
        }),
      ),
      ...Object.fromEntries(
        PROVIDER_SET_INPUTS.map((field) => [
          field,
          z
            .never({
              error: `${field} is recorded by the provider (${field === "providerVersion" ? "which provider code wrote the state" : "where the endpoint lives, from polar:server, polar:apiUrl and the access token"}) and cannot be set; remove it from the resource's arguments.`,
            })
            .optional(),
        ]),
      ),
    })
    .superRefine((value, ctx) => {
      if (value.organizationId !== undefined && token === "organization") {
        ctx.addIssue({
          code: "custom",
          path: ["organizationId"],
          message:
            "organizationId must be omitted with an organization access token (polar_oat_…): the endpoint always belongs to the token's organization. Remove organizationId, or use a personal access token.",
        });
      } else if (value.organizationId === undefined && token === "user") {
        ctx.addIssue({
          code: "custom",
          path: ["organizationId"],
          message:
            "organizationId is required with a personal/user access token; set it to your Polar organization id, or use an organization access token (polar_oat_…).",
        });
      }
    })
    .transform((value): WebhookEndpointInputs => {
      const inputs: WebhookEndpointInputs = {
        url: value.url,
        events: value.events,
        // The dashboard's rule, applied here because the API requires a format and never infers one.
        format:
          (value.format as WebhookFormat | undefined) ??
          (isUnknown(value.url) ? "raw" : detectWebhookFormat(value.url)),
        enabled: (value.enabled as boolean | undefined) ?? true,
      };
      if (value.name !== undefined) inputs.name = value.name;
      if (value.apiVersion !== undefined) inputs.apiVersion = value.apiVersion;
      if (value.organizationId !== undefined) inputs.organizationId = value.organizationId;
      if (value.adoptId !== undefined) inputs.adoptId = value.adoptId;
      if (value.secretRotation !== undefined) inputs.secretRotation = String(value.secretRotation);
      if (value.secret !== undefined) inputs.secret = value.secret as string;
      if (value.owner !== undefined) inputs.owner = value.owner as string;
      return inputs;
    });
}
