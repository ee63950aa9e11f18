// Polar's webhook API over undici, every answer parsed with zod. Used both by the program (rarely)
// and inside the dynamic provider, which is serialized into state and run in another process: so
// npm packages are `require`d where they are used (module-level import bindings do not survive
// serialization under every loader), and no credential is ever stored anywhere but the instance.
import type { Dispatcher } from "undici";
import { PolarApiError, PolarConnectionError, PolarResponseError, validationField } from "./errors";
import { schemas, type ParseSchema, type Schemas } from "./schemas";
import type {
  ListResource,
  ListWebhookDeliveriesQuery,
  ListWebhookEndpointsQuery,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointUpdate,
} from "./types";
import {
  DEFAULT_RETRY_POLICY,
  RETRYABLE_ERROR_CODES,
  RETRYABLE_IF_IDEMPOTENT_STATUSES,
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

export type {
  ListResource,
  ListWebhookDeliveriesQuery,
  ListWebhookEndpointsQuery,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointUpdate,
} from "./types";

/** Polar's maximum page size; larger limits are silently clamped to it. */
export const MAX_PAGE_SIZE = 100;

export class PolarClient {
  private readonly baseUrl: string;
  private readonly accessToken: string;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly userAgent: string;
  private dispatchers: { agent: Dispatcher; idempotent: Dispatcher; once: Dispatcher } | undefined;

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
      idempotent: true,
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
    // Polar has no idempotency keys: a repeated POST makes a second endpoint.
    return this.call("POST", "/v1/webhooks/endpoints", {
      body,
      parse: (s) => s.endpoint,
      expect: 201,
      idempotent: false,
    });
  }

  getWebhookEndpoint(id: string): Promise<WebhookEndpoint> {
    return this.call("GET", `/v1/webhooks/endpoints/${encodeURIComponent(id)}`, {
      parse: (s) => s.endpoint,
      idempotent: true,
    });
  }

  updateWebhookEndpoint(id: string, body: WebhookEndpointUpdate): Promise<WebhookEndpoint> {
    // Absolute field values: applying the same body twice leaves the same endpoint.
    return this.call("PATCH", `/v1/webhooks/endpoints/${encodeURIComponent(id)}`, {
      body,
      parse: (s) => s.endpoint,
      idempotent: true,
    });
  }

  async deleteWebhookEndpoint(id: string): Promise<void> {
    // A repeat after a lost answer gets 404, which callers treat as "gone".
    await this.call("DELETE", `/v1/webhooks/endpoints/${encodeURIComponent(id)}`, {
      expect: 204,
      idempotent: true,
    });
  }

  /**
   * One secret reset. Not idempotent (each call mints another secret), so it is never repeated
   * after a lost answer; `rotateWebhookEndpointSecret` finds out what happened instead.
   */
  resetWebhookEndpointSecret(id: string): Promise<WebhookEndpoint> {
    return this.call("PATCH", `/v1/webhooks/endpoints/${encodeURIComponent(id)}/secret`, {
      parse: (s) => s.endpoint,
      idempotent: false,
    });
  }

  /**
   * Resets the secret exactly once, even when an answer is lost: after an ambiguous failure
   * (no answer, 5xx) it reads the endpoint; a secret other than the one before means the reset
   * took effect, the same secret means it did not and the reset is sent again (bounded).
   * `currentSecret`, when the caller just read it, saves the read before the reset.
   */
  async rotateWebhookEndpointSecret(
    id: string,
    options: { currentSecret?: string; maxAttempts?: number } = {},
  ): Promise<{ endpoint: WebhookEndpoint; previousSecret: string }> {
    const previousSecret = options.currentSecret ?? (await this.getWebhookEndpoint(id)).secret;
    const maxAttempts = options.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return { endpoint: await this.resetWebhookEndpointSecret(id), previousSecret };
      } catch (error) {
        if (!isAmbiguousFailure(error)) throw error;
        const now = await this.getWebhookEndpoint(id);
        if (now.secret !== previousSecret) return { endpoint: now, previousSecret };
        if (attempt >= maxAttempts) throw error;
      }
    }
  }

  listWebhookDeliveries(
    query: ListWebhookDeliveriesQuery = {},
  ): Promise<ListResource<WebhookDelivery>> {
    const search = new URLSearchParams();
    for (const id of toArray(query.endpointId)) search.append("endpoint_id", id);
    for (const type of toArray(query.eventType)) search.append("event_type", type);
    if (query.startTimestamp !== undefined) {
      search.set("start_timestamp", instant(query.startTimestamp));
    }
    if (query.endTimestamp !== undefined) search.set("end_timestamp", instant(query.endTimestamp));
    if (query.succeeded !== undefined) search.set("succeeded", String(query.succeeded));
    if (query.query !== undefined) search.set("query", query.query);
    if (query.httpCodeClass !== undefined) search.set("http_code_class", query.httpCodeClass);
    if (query.page !== undefined) search.set("page", String(query.page));
    if (query.limit !== undefined) search.set("limit", String(query.limit));
    return this.call("GET", "/v1/webhooks/deliveries", {
      query: search,
      parse: (s) => s.deliveryList,
      idempotent: true,
    });
  }

  async redeliverWebhookEvent(id: string): Promise<void> {
    // A repeat would deliver the event twice.
    await this.call("POST", `/v1/webhooks/events/${encodeURIComponent(id)}/redeliver`, {
      expect: 202,
      idempotent: false,
    });
  }

  /** Closes pooled connections; the client is unusable afterwards. */
  async close(): Promise<void> {
    const dispatchers = this.dispatchers;
    this.dispatchers = undefined;
    await dispatchers?.agent.close();
  }

  /**
   * One connection pool, seen through two retry interceptors: undici owns the mechanics
   * (re-dispatch, body replay), `retryDelayMs` the policy, given the call's declared idempotency.
   */
  private dispatcherFor(idempotent: boolean): Dispatcher {
    if (!this.dispatchers) {
      const { Agent, interceptors } = require("undici") as typeof import("undici");
      const agent = new Agent({
        connectTimeout: this.timeoutMs,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const policy = this.policy;
      const withRetries = (callIsIdempotent: boolean) => {
        const started = new WeakMap<object, number>();
        return agent.compose(
          interceptors.retry({
            throwOnError: false,
            maxRetries: policy.maxRetries,
            methods: ["GET", "POST", "PATCH", "DELETE"],
            statusCodes: [...RETRYABLE_STATUSES, ...RETRYABLE_IF_IDEMPOTENT_STATUSES],
            errorCodes: [...RETRYABLE_ERROR_CODES],
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
                  idempotent: callIsIdempotent,
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
      };
      this.dispatchers = { agent, idempotent: withRetries(true), once: withRetries(false) };
    }
    return idempotent ? this.dispatchers.idempotent : this.dispatchers.once;
  }

  private async call<T>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    options: {
      query?: URLSearchParams;
      body?: unknown;
      parse?: (schemas: Schemas) => ParseSchema<T>;
      expect?: number;
      /** Whether a repeat cannot change the outcome; decides which failures are retried. */
      idempotent: boolean;
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
      response = await this.dispatcherFor(options.idempotent).request({
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

/** No answer, or a 5xx: the request may or may not have taken effect. */
export function isAmbiguousFailure(error: unknown): boolean {
  return (
    error instanceof PolarConnectionError || (error instanceof PolarApiError && error.status >= 500)
  );
}

function instant(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
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
