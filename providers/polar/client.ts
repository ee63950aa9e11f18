// Polar's webhook API over undici, every answer parsed with zod. Used both by the program (rarely)
// and inside the dynamic provider, which is serialized into state and run in another process: so
// npm packages are `require`d where they are used (module-level import bindings do not survive
// serialization under every loader), and no credential is ever stored anywhere but the instance.
import type { Dispatcher } from "undici";
import { PolarApiError, PolarConnectionError, PolarResponseError, validationField } from "./errors";
import { processMemo } from "./memo";
import {
  DEFAULT_RETRY_POLICY,
  RETRYABLE_ERROR_CODES,
  RETRYABLE_STATUSES,
  retryDelayMs,
  type RetryPolicy,
} from "./retry";

export type PolarServer = "sandbox" | "production";

export const POLAR_SERVER_URLS: Record<PolarServer, string> = {
  sandbox: "https://sandbox-api.polar.sh",
  production: "https://api.polar.sh",
};

/** The API version this client speaks; the webhook routes are identical in 2026-04 and 2026-10. */
export const POLAR_API_VERSION = "2026-10";

export interface PolarClientOptions {
  readonly accessToken: string;
  /** Default "sandbox": a mistake there costs nothing. */
  readonly server?: PolarServer;
  /** Overrides the server's base URL (emulators, proxies). Without the `/v1` suffix. */
  readonly baseUrl?: string;
  readonly retry?: Partial<RetryPolicy>;
  /** Per attempt: connect + headers + body. */
  readonly timeoutMs?: number;
  readonly userAgent?: string;
}

export interface WebhookEndpoint {
  id: string;
  created_at: string;
  modified_at: string | null;
  url: string;
  name: string | null;
  format: "raw" | "slack" | "discord";
  secret: string;
  organization_id: string;
  events: string[];
  enabled: boolean;
  api_version: string | null;
  uses_standard_webhook_signature: boolean;
}

export interface WebhookEndpointCreate {
  url: string;
  format: "raw" | "slack" | "discord";
  events: string[];
  name?: string | null;
  organization_id?: string;
  api_version?: string;
}

export type WebhookEndpointUpdate = Partial<{
  url: string;
  name: string;
  format: "raw" | "slack" | "discord";
  events: string[];
  enabled: boolean;
  api_version: string;
}>;

export interface ListResource<T> {
  items: T[];
  pagination: { total_count: number; max_page: number };
}

export interface WebhookDelivery {
  id: string;
  created_at: string;
  modified_at: string | null;
  succeeded: boolean;
  http_code: number | null;
  response: string | null;
  webhook_event: {
    id: string;
    created_at: string;
    modified_at: string | null;
    last_http_code: number | null;
    succeeded: boolean | null;
    skipped: boolean;
    payload: string | null;
    type: string;
    is_archived: boolean;
  };
}

export interface ListWebhookEndpointsQuery {
  organizationId?: string | string[];
  page?: number;
  limit?: number;
}

export interface ListWebhookDeliveriesQuery {
  endpointId?: string | string[];
  succeeded?: boolean;
  eventType?: string | string[];
  page?: number;
  limit?: number;
}

/** Polar's maximum page size; larger limits are silently clamped to it. */
export const MAX_PAGE_SIZE = 100;

export class PolarClient {
  private readonly baseUrl: string;
  private readonly accessToken: string;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private dispatcher: Dispatcher | undefined;

  constructor(options: PolarClientOptions) {
    if (typeof options.accessToken !== "string" || options.accessToken.trim() === "") {
      throw new Error(
        "Polar access token is missing: set it with `pulumi config set --secret polar:accessToken <token>` or the POLAR_ACCESS_TOKEN environment variable.",
      );
    }
    const server = options.server ?? "sandbox";
    if (!(server in POLAR_SERVER_URLS)) {
      throw new Error(
        `Polar server ${JSON.stringify(server)} is unknown; use "sandbox" or "production".`,
      );
    }
    this.accessToken = options.accessToken.trim();
    this.baseUrl = (options.baseUrl ?? POLAR_SERVER_URLS[server])
      .replace(/\/+$/, "")
      .replace(/\/v1$/, "");
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? "polar-webhooks-as-code";
  }

  async listWebhookEndpoints(
    query: ListWebhookEndpointsQuery = {},
  ): Promise<ListResource<WebhookEndpoint>> {
    const search = new URLSearchParams();
    for (const id of toArray(query.organizationId)) search.append("organization_id", id);
    if (query.page !== undefined) search.set("page", String(query.page));
    if (query.limit !== undefined) search.set("limit", String(query.limit));
    return this.call("GET", "/v1/webhooks/endpoints", {
      query: search,
      parse: (s) => s.endpointList,
    });
  }

  /** Every endpoint visible to the token, following pagination. */
  async listAllWebhookEndpoints(
    query: Omit<ListWebhookEndpointsQuery, "page" | "limit"> = {},
  ): Promise<WebhookEndpoint[]> {
    const all: WebhookEndpoint[] = [];
    for (let page = 1; ; page++) {
      const result = await this.listWebhookEndpoints({ ...query, page, limit: MAX_PAGE_SIZE });
      all.push(...result.items);
      if (page >= result.pagination.max_page || result.items.length === 0) return all;
    }
  }

  createWebhookEndpoint(body: WebhookEndpointCreate): Promise<WebhookEndpoint> {
    return this.call("POST", "/v1/webhooks/endpoints", {
      body,
      parse: (s) => s.endpoint,
      expect: 201,
    });
  }

  getWebhookEndpoint(id: string): Promise<WebhookEndpoint> {
    return this.call("GET", `/v1/webhooks/endpoints/${encodeURIComponent(id)}`, {
      parse: (s) => s.endpoint,
    });
  }

  updateWebhookEndpoint(id: string, body: WebhookEndpointUpdate): Promise<WebhookEndpoint> {
    return this.call("PATCH", `/v1/webhooks/endpoints/${encodeURIComponent(id)}`, {
      body,
      parse: (s) => s.endpoint,
    });
  }

  async deleteWebhookEndpoint(id: string): Promise<void> {
    await this.call("DELETE", `/v1/webhooks/endpoints/${encodeURIComponent(id)}`, { expect: 204 });
  }

  resetWebhookEndpointSecret(id: string): Promise<WebhookEndpoint> {
    return this.call("PATCH", `/v1/webhooks/endpoints/${encodeURIComponent(id)}/secret`, {
      parse: (s) => s.endpoint,
    });
  }

  listWebhookDeliveries(
    query: ListWebhookDeliveriesQuery = {},
  ): Promise<ListResource<WebhookDelivery>> {
    const search = new URLSearchParams();
    for (const id of toArray(query.endpointId)) search.append("endpoint_id", id);
    for (const type of toArray(query.eventType)) search.append("event_type", type);
    if (query.succeeded !== undefined) search.set("succeeded", String(query.succeeded));
    if (query.page !== undefined) search.set("page", String(query.page));
    if (query.limit !== undefined) search.set("limit", String(query.limit));
    return this.call("GET", "/v1/webhooks/deliveries", {
      query: search,
      parse: (s) => s.deliveryList,
    });
  }

  async redeliverWebhookEvent(id: string): Promise<void> {
    await this.call("POST", `/v1/webhooks/events/${encodeURIComponent(id)}/redeliver`, {
      expect: 202,
    });
  }

  /** Closes pooled connections; the client is unusable afterwards. */
  async close(): Promise<void> {
    const dispatcher = this.dispatcher;
    this.dispatcher = undefined;
    await dispatcher?.close();
  }

  private getDispatcher(): Dispatcher {
    if (!this.dispatcher) {
      const { Agent, interceptors } = require("undici") as typeof import("undici");
      const policy = this.policy;
      const started = new WeakMap<object, number>();
      this.dispatcher = new Agent({
        connectTimeout: this.timeoutMs,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      }).compose(
        interceptors.retry({
          throwOnError: false,
          maxRetries: policy.maxRetries,
          methods: ["GET", "POST", "PATCH", "DELETE"],
          statusCodes: [...RETRYABLE_STATUSES],
          errorCodes: [...RETRYABLE_ERROR_CODES],
          // undici owns the mechanics (re-dispatch, body replay); this callback owns the policy.
          retry(err, { state, opts }, callback) {
            const key = opts as object;
            const first = started.get(key) ?? Date.now();
            started.set(key, first);
            const failure = err as Error & {
              statusCode?: number;
              code?: string;
              headers?: Record<string, string | string[] | undefined>;
            };
            const retryAfterHeader = failure.headers?.["retry-after"];
            const delay = retryDelayMs(
              {
                method: String(opts.method).toUpperCase(),
                retry: state.counter,
                statusCode:
                  failure.code === "UND_ERR_REQ_RETRY" || failure.statusCode
                    ? failure.statusCode
                    : undefined,
                errorCode: failure.code,
                retryAfter: Array.isArray(retryAfterHeader)
                  ? retryAfterHeader[0]
                  : retryAfterHeader,
                elapsedMs: Date.now() - first,
                random: Math.random(),
              },
              policy,
            );
            if (delay === undefined) return callback(err);
            setTimeout(() => callback(null), delay);
          },
        }),
      );
    }
    return this.dispatcher;
  }

  private async call<T>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    options: {
      query?: URLSearchParams;
      body?: unknown;
      parse?: (schemas: Schemas) => ParseSchema<T>;
      expect?: number;
    },
  ): Promise<T> {
    const query = options.query && [...options.query.keys()].length > 0 ? `?${options.query}` : "";
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.accessToken}`,
      accept: "application/json",
      "polar-version": POLAR_API_VERSION,
      "user-agent": this.userAgent,
    };
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }

    let response: Dispatcher.ResponseData;
    try {
      response = await this.getDispatcher().request({
        origin: this.baseUrl,
        path: `${this.basePath()}${path}${query}`,
        method,
        headers,
        body: payload,
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      // The undici error is kept as the cause for debugging; it carries no request headers.
      throw new PolarConnectionError(method, path, code, { cause: error });
    }

    const text = await response.body.text();
    const expected = options.expect ?? 200;
    if (response.statusCode !== expected) {
      throw toApiError(method, path, response.statusCode, text, response.headers["retry-after"]);
    }
    if (!options.parse) return undefined as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PolarResponseError(method, path, "not JSON");
    }
    const result = options.parse(schemas()).safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new PolarResponseError(
        method,
        path,
        `${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
      );
    }
    return result.data;
  }

  /** A base URL may carry a path prefix (a proxy); Polar's own routes start at /v1. */
  private basePath(): string {
    return new URL(this.baseUrl).pathname.replace(/\/+$/, "");
  }
}

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function toApiError(
  method: string,
  path: string,
  status: number,
  text: string,
  retryAfter: string | string[] | undefined,
): PolarApiError {
  let error: string | undefined;
  let detail: unknown;
  try {
    const body = JSON.parse(text) as {
      error?: unknown;
      detail?: unknown;
      error_description?: unknown;
    };
    error = typeof body.error === "string" ? body.error : undefined;
    detail = body.detail ?? body.error_description;
  } catch {
    // 429s and proxies answer with empty or non-JSON bodies.
  }
  const retryAfterValue = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  const retryAfterSeconds =
    retryAfterValue !== undefined && Number.isFinite(Number(retryAfterValue))
      ? Number(retryAfterValue)
      : undefined;
  return new PolarApiError(
    method,
    path,
    status,
    error,
    detail,
    status === 422 ? validationField(detail) : undefined,
    retryAfterSeconds,
  );
}

interface ParseSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

interface Schemas {
  endpoint: ParseSchema<WebhookEndpoint>;
  endpointList: ParseSchema<ListResource<WebhookEndpoint>>;
  deliveryList: ParseSchema<ListResource<WebhookDelivery>>;
}

/** Built once per process on first use (see memo.ts for why not in a module variable). */
function schemas(): Schemas {
  return processMemo("response-schemas", buildSchemas);
}

function buildSchemas(): Schemas {
  const { z } = require("zod") as typeof import("zod");
  const endpoint = z.object({
    id: z.string(),
    created_at: z.string(),
    modified_at: z.string().nullable(),
    url: z.string(),
    name: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
    format: z.enum(["raw", "slack", "discord"]),
    secret: z.string(),
    organization_id: z.string(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    // Older API deployments lack these two; default to what such an endpoint means.
    api_version: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
    uses_standard_webhook_signature: z.boolean().optional().default(false),
  });
  const pagination = z.object({ total_count: z.number().int(), max_page: z.number().int() });
  const event = z.object({
    id: z.string(),
    created_at: z.string(),
    modified_at: z.string().nullable(),
    last_http_code: z.number().int().nullable(),
    succeeded: z.boolean().nullable(),
    skipped: z.boolean(),
    payload: z.string().nullable(),
    type: z.string(),
    is_archived: z.boolean(),
  });
  const delivery = z.object({
    id: z.string(),
    created_at: z.string(),
    modified_at: z.string().nullable(),
    succeeded: z.boolean(),
    http_code: z.number().int().nullable(),
    response: z.string().nullable(),
    webhook_event: event,
  });
  return {
    endpoint,
    endpointList: z.object({ items: z.array(endpoint), pagination }),
    deliveryList: z.object({ items: z.array(delivery), pagination }),
  } as Schemas;
}
