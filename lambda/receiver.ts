/**
 * API Gateway HTTP API event → verify → SQS → 202, never 2xx before SQS acknowledged. Cheapest
 * checks first: method (405), size (413), signature headers (403, before SSM, so unsigned noise
 * never reaches it), secrets (503), signature (403), envelope (400), enqueue (503). The AWS calls
 * share one deadline (503). Importing this module constructs nothing and imports no AWS library:
 * the AWS calls are given (aws-lite in handler.ts, SDK v3 clients through create-handler.ts).
 */
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { Deadline } from "./deadline";
import {
  ConfigError,
  ExpiredSecretError,
  MethodNotAllowedError,
  NoMatchingSignatureError,
  OUTCOME,
  outcomeOf,
  PayloadTooLargeError,
  statusOf,
  type Outcome,
} from "./errors";
import { describeFailure, writeJsonLine, type RequestLogEntry, type RequestLogger } from "./log";
import { SqsEnqueuer, type SendMessage } from "./queue";
import {
  ParameterSecretProvider,
  StaticSecretProvider,
  type GetParameter,
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
  type CandidateKey,
  type VerifiedDelivery,
} from "./verify";

export interface ReceiverResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export type LambdaContext = Pick<Context, "getRemainingTimeInMillis">;

export type ReceiverHandler = (
  event: APIGatewayProxyEventV2,
  context?: LambdaContext,
) => Promise<ReceiverResult>;

export const ENV = {
  QUEUE_URL: "QUEUE_URL",
  WEBHOOK_SECRET_PARAMETER: "WEBHOOK_SECRET_PARAMETER",
  POLAR_WEBHOOK_SECRET: "POLAR_WEBHOOK_SECRET",
} as const;

export type Environment = Readonly<Record<string, string | undefined>>;

/** Under Polar's 10 s request timeout and the component's default 10 s function timeout. */
export const DEFAULT_REQUEST_BUDGET_MS = 8_000;
/** Kept free of the Lambda's remaining time, to answer and log after a deadline. */
export const LAMBDA_TIME_MARGIN_MS = 500;

export type SecretSource =
  | { readonly kind: "ssm"; readonly parameterName: string }
  | { readonly kind: "static"; readonly secret: string };

/** Exactly one of the two variables: with both, which one verifies would be unclear. */
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
      `(name of an SSM SecureString holding {"current": "whsec_…", "previous": null, "previousExpiresAt": null})`,
  );
}

/** The receiver's AWS calls, each stopped when its signal aborts. */
export interface ReceiverAws {
  readonly sendMessage: SendMessage;
  readonly getParameter: GetParameter;
}

export interface ReceiverBaseOptions {
  /** Read on the first invocation. */
  env?: Environment;
  /** Overrides QUEUE_URL. */
  queueUrl?: string;
  /** Overrides WEBHOOK_SECRET_PARAMETER / POLAR_WEBHOOK_SECRET. */
  secretProvider?: SecretProvider;
  log?: RequestLogger;
  maxBodyBytes?: number;
  /** Default 8 s, AWS retries included; under Lambda, capped by the remaining time − 500 ms. */
  requestBudgetMs?: number;
  /** Epoch-milliseconds clock the previous secret's expiry is checked against (tests). */
  now?: () => number;
}

export interface ReceiverCoreOptions extends ReceiverBaseOptions {
  /** Makes the AWS calls, on the first request that needs them (a ConfigError is not cached then). */
  aws: () => ReceiverAws;
}

interface Dependencies {
  readonly enqueuer: SqsEnqueuer;
  readonly secrets: SecretProvider;
}

type RequestFacts = Partial<
  Pick<
    RequestLogEntry,
    | "requestId"
    | "webhookId"
    | "type"
    | "bodyBytes"
    | "key"
    | "expiredKey"
    | "previousExpiresAt"
    | "secretRefresh"
    | "messageId"
  >
>;

const MAX_LOGGED_ID_LENGTH = 128;

/**
 * The receiver making its AWS calls through `options.aws`. Clients and cache live as long as the
 * returned function (a container).
 */
export function createReceiver(options: ReceiverCoreOptions): ReceiverHandler {
  const log = options.log ?? writeJsonLine;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const requestBudgetMs = options.requestBudgetMs ?? DEFAULT_REQUEST_BUDGET_MS;
  const now = options.now ?? Date.now;
  if (!(requestBudgetMs > 0)) {
    throw new ConfigError("requestBudgetMs must be a positive number of milliseconds");
  }
  let dependencies: Dependencies | undefined;

  // Lazy, so a ConfigError is not cached: a corrected environment works without a new container.
  const resolveDependencies = (): Dependencies => {
    if (dependencies) {
      return dependencies;
    }
    const env = options.env ?? process.env;
    const queueUrl = options.queueUrl ?? env[ENV.QUEUE_URL];
    if (!queueUrl) {
      throw new ConfigError(`${ENV.QUEUE_URL} is required`);
    }
    const aws = options.aws();
    dependencies = {
      enqueuer: new SqsEnqueuer({ queueUrl, sendMessage: aws.sendMessage }),
      secrets:
        options.secretProvider ?? secretProviderOf(secretSourceFromEnv(env), aws.getParameter),
    };
    return dependencies;
  };

  const receive = async (
    event: APIGatewayProxyEventV2,
    deadline: Deadline,
    facts: RequestFacts,
  ): Promise<ReceiverResult> => {
    const method = event.requestContext?.http?.method ?? "";
    if (method.toUpperCase() !== "POST") {
      throw new MethodNotAllowedError();
    }
    const body = decodeBody(event.body, event.isBase64Encoded === true);
    facts.bodyBytes = body.length;
    if (body.length > maxBodyBytes) {
      throw new PayloadTooLargeError();
    }
    const headers = normalizeHeaders(event.headers);
    facts.webhookId = headers[WEBHOOK_HEADERS.ID]?.slice(0, MAX_LOGGED_ID_LENGTH);
    requireWebhookHeaders(headers);

    const { enqueuer, secrets } = resolveDependencies();
    const verify = (keys: readonly CandidateKey[]): VerifiedDelivery => {
      try {
        return verifyDelivery(body, headers, keys, now());
      } catch (error) {
        if (error instanceof ExpiredSecretError) {
          facts.expiredKey = error.key;
          facts.previousExpiresAt = error.expiredAt;
        }
        throw error;
      }
    };
    let verified: VerifiedDelivery;
    try {
      verified = verify(await secrets.getKeys(deadline));
    } catch (error) {
      if (!(error instanceof NoMatchingSignatureError)) {
        throw error;
      }
      // The secret may have been rotated since it was cached.
      const fresh = await secrets.refreshAfterMiss(deadline);
      facts.secretRefresh = fresh ? "forced" : "rate_limited";
      if (!fresh) {
        throw error;
      }
      verified = verify(fresh);
    }
    facts.key = `${verified.matchedSlot}/${verified.matchedScheme}`;
    if (verified.expiresAt !== undefined) {
      facts.previousExpiresAt = new Date(verified.expiresAt).toISOString();
    }

    const { type } = parsePolarEvent(body);
    facts.type = type;
    const { messageId } = await enqueuer.enqueue(
      {
        body: body.toString("utf8"),
        webhookId: verified.webhookId,
        timestamp: verified.timestamp,
        eventType: type,
      },
      deadline,
    );
    facts.messageId = messageId;
    return jsonResponse(statusOf(OUTCOME.ENQUEUED), {
      status: OUTCOME.ENQUEUED,
      webhookId: verified.webhookId,
      messageId,
    });
  };

  return async (event, context) => {
    const started = performance.now();
    const remainingMs = context
      ? context.getRemainingTimeInMillis() - LAMBDA_TIME_MARGIN_MS
      : Infinity;
    const budgetMs = Math.max(0, Math.floor(Math.min(requestBudgetMs, remainingMs)));
    const facts: RequestFacts = { requestId: event.requestContext?.requestId };
    let result: ReceiverResult;
    let outcome: Outcome;
    let failure: { reason: string; cause?: string } | undefined;
    try {
      result = await receive(event, Deadline.in(budgetMs), facts);
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
      ...facts,
      outcome,
      status,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
      budgetMs,
      ...failure,
    });
    return result;
  };
}

function secretProviderOf(source: SecretSource, getParameter: GetParameter): SecretProvider {
  return source.kind === "static"
    ? new StaticSecretProvider(source.secret)
    : new ParameterSecretProvider({ parameterName: source.parameterName, getParameter });
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
