/**
 * The receiver Lambda: API Gateway HTTP API (payload 2.0) event → verify (both Polar signing
 * schemes, current and previous secret) → SQS SendMessage → 202. Never 2xx unless SQS acknowledged
 * the message.
 *
 * Order of checks (cheapest and least privileged first): method (405) → size (413) → signature
 * headers present (403, before any SSM call so unsigned noise never reaches SSM) → secrets (503) →
 * signature/timestamp (403) → envelope (400) → enqueue (503) → 202.
 *
 * Environment (read on the first invocation): QUEUE_URL (required); WEBHOOK_SECRET_PARAMETER (SSM
 * SecureString name) or, for local use, POLAR_WEBHOOK_SECRET — exactly one of them; AWS_REGION and
 * AWS_ENDPOINT_URL(_SQS/_SSM) as the SDK reads them.
 */
import { SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";
import { SSMClient, type SSMClientConfig } from "@aws-sdk/client-ssm";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import {
  ConfigError,
  MethodNotAllowedError,
  NoMatchingSignatureError,
  OUTCOME,
  outcomeOf,
  PayloadTooLargeError,
  ReceiverError,
  statusOf,
  type Outcome,
} from "./errors";
import { DEFAULT_SQS_CLIENT_CONFIG, SqsEnqueuer } from "./queue";
import {
  DEFAULT_SSM_CLIENT_CONFIG,
  SsmSecretProvider,
  StaticSecretProvider,
  type SecretProvider,
} from "./secrets";
import {
  decodeBody,
  MAX_BODY_BYTES,
  normalizeHeaders,
  parsePolarEvent,
  requireWebhookHeaders,
  verifyDelivery,
  WEBHOOK_HEADERS,
  type VerifiedDelivery,
} from "./verify";

/** What API Gateway (payload 2.0) expects back. */
export interface ReceiverResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export type ReceiverHandler = (event: APIGatewayProxyEventV2) => Promise<ReceiverResult>;

/** Environment variable names (closed set). */
export const ENV = {
  QUEUE_URL: "QUEUE_URL",
  WEBHOOK_SECRET_PARAMETER: "WEBHOOK_SECRET_PARAMETER",
  POLAR_WEBHOOK_SECRET: "POLAR_WEBHOOK_SECRET",
} as const;

export type Environment = Readonly<Record<string, string | undefined>>;

export type SecretSource =
  | { readonly kind: "ssm"; readonly parameterName: string }
  | { readonly kind: "static"; readonly secret: string };

/**
 * Where the secrets come from, per the environment. Exactly one of the two variables: with both set
 * it would be unclear which one a deployed function verifies with. The message names variables,
 * never values.
 */
export function secretSourceFromEnv(env: Environment): SecretSource {
  const parameterName = env[ENV.WEBHOOK_SECRET_PARAMETER];
  const secret = env[ENV.POLAR_WEBHOOK_SECRET];
  if (parameterName && secret) {
    throw new ConfigError(
      `Set only one of ${ENV.WEBHOOK_SECRET_PARAMETER} (SSM parameter name) and ${ENV.POLAR_WEBHOOK_SECRET} (local use)`,
    );
  }
  if (parameterName) {
    return { kind: "ssm", parameterName };
  }
  if (secret) {
    return { kind: "static", secret };
  }
  throw new ConfigError(
    `Set ${ENV.POLAR_WEBHOOK_SECRET} (the endpoint's whsec_… secret) or ${ENV.WEBHOOK_SECRET_PARAMETER} ` +
      `(name of an SSM SecureString holding {"current": "whsec_…", "previous": null})`,
  );
}

/** One JSON line per request. Never holds the secret, a signature or the body. */
export interface RequestLogEntry {
  level: "info" | "warn" | "error";
  msg: "webhook";
  time: string;
  requestId?: string;
  webhookId?: string;
  type?: string;
  outcome: Outcome;
  status: number;
  latencyMs: number;
  bodyBytes?: number;
  /** Which key verified, e.g. "previous/legacy". */
  key?: string;
  /**
   * "forced": a miss re-read the secret parameter; "rate_limited": a miss could not (≤ 1 per
   * interval).
   */
  secretRefresh?: "forced" | "rate_limited";
  messageId?: string;
  /** The error's fixed message (see errors.ts). */
  reason?: string;
  /**
   * Name/code of the wrapped error, e.g. "QueueDoesNotExist" or "ECONNREFUSED" — never its message.
   */
  cause?: string;
}

export type RequestLogger = (entry: RequestLogEntry) => void;

/**
 * stdout directly rather than console.log: the Lambda runtime prefixes console output with a
 * timestamp and request id (text format), which would break one-JSON-object-per-line parsing in
 * CloudWatch Logs Insights.
 */
export const writeJsonLine: RequestLogger = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};

export type ReceiverOptions = {
  /** Environment to read on the first invocation (default `process.env`). */
  env?: Environment;
  /** Overrides QUEUE_URL. */
  queueUrl?: string;
  /** Overrides WEBHOOK_SECRET_PARAMETER / POLAR_WEBHOOK_SECRET. */
  secretProvider?: SecretProvider;
  log?: RequestLogger;
  /** Default MAX_BODY_BYTES (1 MiB − 1 KiB, the SQS limit minus attribute headroom). */
  maxBodyBytes?: number;
} & (
  | { sqsClient?: SQSClient; sqsClientConfig?: never }
  | { sqsClient?: never; sqsClientConfig?: SQSClientConfig }
) &
  (
    | { ssmClient?: SSMClient; ssmClientConfig?: never }
    | { ssmClient?: never; ssmClientConfig?: SSMClientConfig }
  );

interface Dependencies {
  readonly enqueuer: SqsEnqueuer;
  readonly secrets: SecretProvider;
}

/** Per-request facts collected for the log line. */
interface RequestContext {
  requestId?: string;
  webhookId?: string;
  type?: string;
  bodyBytes?: number;
  key?: string;
  secretRefresh?: "forced" | "rate_limited";
  messageId?: string;
}

const MAX_LOGGED_ID_LENGTH = 128;

/**
 * Builds a handler; clients, cache and configuration live as long as the returned function (a
 * container).
 */
export function createHandler(options: ReceiverOptions = {}): ReceiverHandler {
  const log = options.log ?? writeJsonLine;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  let dependencies: Dependencies | undefined;

  // Resolved lazily so importing the module (e.g. from the Pulumi program via lambda/index.ts)
  // reads no environment; a ConfigError is not cached, so a corrected environment is picked up
  // without a new container.
  const resolveDependencies = (): Dependencies => {
    if (dependencies) {
      return dependencies;
    }
    const env = options.env ?? process.env;
    const queueUrl = options.queueUrl ?? env[ENV.QUEUE_URL];
    if (!queueUrl) {
      throw new ConfigError(`${ENV.QUEUE_URL} is required`);
    }
    const enqueuer = options.sqsClient
      ? new SqsEnqueuer({ queueUrl, sqsClient: options.sqsClient })
      : new SqsEnqueuer({ queueUrl, clientConfig: options.sqsClientConfig });
    dependencies = {
      enqueuer,
      secrets: options.secretProvider ?? secretProviderFromEnv(env, options),
    };
    return dependencies;
  };

  const receive = async (
    event: APIGatewayProxyEventV2,
    ctx: RequestContext,
  ): Promise<ReceiverResult> => {
    const method = event.requestContext?.http?.method ?? "";
    if (method.toUpperCase() !== "POST") {
      throw new MethodNotAllowedError();
    }
    const body = decodeBody(event.body, event.isBase64Encoded === true);
    ctx.bodyBytes = body.length;
    if (body.length > maxBodyBytes) {
      throw new PayloadTooLargeError();
    }
    const headers = normalizeHeaders(event.headers);
    ctx.webhookId = headers[WEBHOOK_HEADERS.ID]?.slice(0, MAX_LOGGED_ID_LENGTH);
    requireWebhookHeaders(headers);

    const { enqueuer, secrets } = resolveDependencies();
    let verified: VerifiedDelivery;
    try {
      verified = verifyDelivery(body, headers, await secrets.getKeys());
    } catch (error) {
      if (!(error instanceof NoMatchingSignatureError)) {
        throw error;
      }
      // The secret may have been rotated since we cached it; the provider decides whether a re-read
      // is allowed.
      const fresh = await secrets.refreshAfterMiss();
      ctx.secretRefresh = fresh ? "forced" : "rate_limited";
      if (!fresh) {
        throw error;
      }
      verified = verifyDelivery(body, headers, fresh);
    }
    ctx.key = `${verified.matchedSlot}/${verified.matchedScheme}`;

    const { type } = parsePolarEvent(body);
    ctx.type = type;
    const { messageId } = await enqueuer.enqueue({
      body: body.toString("utf8"),
      webhookId: verified.webhookId,
      timestamp: verified.timestamp,
      eventType: type,
    });
    ctx.messageId = messageId;
    return jsonResponse(statusOf(OUTCOME.ENQUEUED), {
      status: OUTCOME.ENQUEUED,
      webhookId: verified.webhookId,
      messageId,
    });
  };

  return async (event) => {
    const started = performance.now();
    const ctx: RequestContext = { requestId: event.requestContext?.requestId };
    let result: ReceiverResult;
    let outcome: Outcome;
    let failure: { reason: string; cause?: string } | undefined;
    try {
      result = await receive(event, ctx);
      outcome = OUTCOME.ENQUEUED;
    } catch (error) {
      outcome = outcomeOf(error);
      failure = describeFailure(error);
      const headers: Record<string, string> =
        outcome === OUTCOME.METHOD_NOT_ALLOWED ? { allow: "POST" } : {};
      result = jsonResponse(statusOf(outcome), { error: outcome }, headers);
    }
    const status = result.statusCode;
    log({
      level: status < 400 ? "info" : status < 500 ? "warn" : "error",
      msg: "webhook",
      time: new Date().toISOString(),
      ...ctx,
      outcome,
      status,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
      ...failure,
    });
    return result;
  };
}

function secretProviderFromEnv(env: Environment, options: ReceiverOptions): SecretProvider {
  const source = secretSourceFromEnv(env);
  if (source.kind === "static") {
    return new StaticSecretProvider(source.secret);
  }
  return options.ssmClient
    ? new SsmSecretProvider({ parameterName: source.parameterName, ssmClient: options.ssmClient })
    : new SsmSecretProvider({
        parameterName: source.parameterName,
        clientConfig: options.ssmClientConfig,
      });
}

function jsonResponse(
  statusCode: number,
  body: Record<string, string>,
  headers: Record<string, string> = {},
): ReceiverResult {
  return {
    statusCode,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Only fixed messages of our own errors and the *name/code* of their causes are logged: messages of
 * foreign errors can quote the body (JSON SyntaxError) or request details.
 */
function describeFailure(error: unknown): { reason: string; cause?: string } {
  if (error instanceof ReceiverError) {
    const cause = causeName(error.cause);
    return cause ? { reason: error.message, cause } : { reason: error.message };
  }
  return { reason: "Unexpected error", cause: causeName(error) ?? "unknown" };
}

function causeName(cause: unknown): string | undefined {
  if (typeof cause !== "object" || cause === null) {
    return undefined;
  }
  const { name, code } = cause as { name?: unknown; code?: unknown };
  if (typeof code === "string" && code !== name) {
    return typeof name === "string" ? `${name}:${code}` : code;
  }
  return typeof name === "string" ? name : undefined;
}

/**
 * Clients are created once per container (module scope) and reused across invocations; credentials,
 * region and endpoints come from the SDK's standard environment settings.
 */
const sqsClient = new SQSClient(DEFAULT_SQS_CLIENT_CONFIG);
const ssmClient = new SSMClient(DEFAULT_SSM_CLIENT_CONFIG);

/** The Lambda entry point (`index.handler` in the bundle). */
export const handler: ReceiverHandler = createHandler({ sqsClient, ssmClient });
