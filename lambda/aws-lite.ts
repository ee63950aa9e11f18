/**
 * The receiver's two AWS calls as the Lambda makes them: through aws-lite (`@aws-lite/client`),
 * a client made for Lambda that loads in a few milliseconds where the AWS SDK v3 takes tens
 * (bench/sections/cold-init.ts). aws-lite signs (SigV4, with `aws4`), takes credentials and region
 * from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION in
 * Lambda), encodes, parses AWS's errors and retries what AWS calls transient.
 *
 * Both calls go through the client's own request API in AWS JSON, not through the `@aws-lite/sqs`
 * and `@aws-lite/ssm` plugins: the SQS plugin sends SendMessage in the Query protocol, which drops
 * MessageAttributes (an object) and which fauxqs does not speak, and plugin methods put every input
 * key into the payload, leaving no way to pass the deadline's signal.
 */
import awsLite from "@aws-lite/client";
import type { SendMessageInput } from "./queue";
import type { ReceiverAws } from "./receiver";

type AwsLiteClient = Awaited<ReturnType<typeof awsLite>>;
type AwsLiteRequest = Parameters<AwsLiteClient>[0];

type Environment = Readonly<Record<string, string | undefined>>;

/** Retries of a failed request (aws-lite's own policy: connection errors, 5xx, throttling). */
const RETRIES = 2;
/** Attempts of a call whose request never answers: aws-lite itself would wait forever. */
const ATTEMPTS = 3;
/** How long one attempt may stay silent, per operation (as the SDK clients' requestTimeout). */
const ATTEMPT_TIMEOUT_MS = { SendMessage: 2_500, GetParameter: 2_000 } as const;

type Operation = keyof typeof ATTEMPT_TIMEOUT_MS;

/** The AWS JSON protocol of each operation: which service, which target, which version. */
const OPERATIONS = {
  SendMessage: { service: "sqs", target: "AmazonSQS.SendMessage", json: "1.0", endpoint: "SQS" },
  GetParameter: { service: "ssm", target: "AmazonSSM.GetParameter", json: "1.1", endpoint: "SSM" },
} as const satisfies Record<
  Operation,
  { service: string; target: string; json: string; endpoint: "SQS" | "SSM" }
>;

/**
 * `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, as the AWS SDKs read them (local servers:
 * moto, fauxqs, LocalStack). aws-lite reads only `AWS_ENDPOINT_URL` (its
 * src/config/get-endpoint.js), so the per-service variables of the receiver's contract are mapped
 * here. Unset (in AWS): aws-lite's default, https://<service>.<region>.amazonaws.com.
 */
export function endpointFor(service: "SQS" | "SSM", env: Environment): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] || env["AWS_ENDPOINT_URL"] || undefined;
}

/**
 * Builds nothing now: each service's client is made on its first call (a failure, e.g. no
 * credentials, is not kept, so the next request tries again). `env` gives the endpoints only;
 * credentials and region are aws-lite's reading of `process.env`.
 */
export function awsLiteCalls(env: Environment = process.env): ReceiverAws {
  const clients = new Map<"SQS" | "SSM", Promise<AwsLiteClient>>();
  const clientFor = (service: "SQS" | "SSM"): Promise<AwsLiteClient> => {
    let client = clients.get(service);
    if (!client) {
      const endpoint = endpointFor(service, env);
      client = awsLite({ retries: RETRIES, ...(endpoint ? { endpoint } : {}) });
      client.catch(() => clients.delete(service));
      clients.set(service, client);
    }
    return client;
  };

  const call = async (
    operation: Operation,
    payload: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> => {
    const { service, target, json, endpoint } = OPERATIONS[operation];
    const client = await clientFor(endpoint);
    for (let attempt = 1; ; attempt += 1) {
      const attemptTimeout = AbortSignal.timeout(ATTEMPT_TIMEOUT_MS[operation]);
      const request: AwsLiteRequest & { signal: AbortSignal } = {
        service,
        headers: { "X-Amz-Target": target, "content-type": `application/x-amz-json-${json}` },
        // Plain JSON: `true` would encode the input as DynamoDB attribute values.
        awsjson: false,
        payload,
        // aws-lite hands the request's options on to node:http's request(), which stops on
        // `signal`; its types do not list the option.
        signal: AbortSignal.any([signal, attemptTimeout]),
      };
      try {
        const response = await client(request);
        return typeof response.payload === "object" && response.payload !== null
          ? response.payload
          : {};
      } catch (error) {
        const silent = attemptTimeout.aborted && !signal.aborted;
        if (silent && attempt < ATTEMPTS) {
          continue;
        }
        throw new AwsCallError(operation, error, silent);
      }
    }
  };

  return {
    sendMessage: async (input: SendMessageInput, signal: AbortSignal) => {
      const output = await call("SendMessage", { ...input }, signal);
      return {
        MessageId: typeof output["MessageId"] === "string" ? output["MessageId"] : undefined,
      };
    },
    getParameter: async (name: string, signal: AbortSignal) => {
      const output = await call("GetParameter", { Name: name, WithDecryption: true }, signal);
      const parameter = output["Parameter"] as { Value?: unknown } | undefined;
      return typeof parameter?.Value === "string" ? parameter.Value : undefined;
    },
  };
}

/**
 * A failed call, named for the log (whose `cause` is the name): AWS's error code without its
 * namespace (`com.amazonaws.sqs#QueueDoesNotExist` → QueueDoesNotExist), else the connection's
 * error code (aws-lite keeps only its message), else TimeoutError for a silent last attempt.
 */
export class AwsCallError extends Error {
  readonly code: string | undefined;
  constructor(operation: Operation, error: unknown, timedOut: boolean) {
    super(`${operation} failed`, { cause: error });
    const found = timedOut ? "TimeoutError" : codeOf(error);
    this.name = found ?? "AwsCallError";
    this.code = found;
  }
}

function codeOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) {
    return undefined;
  }
  const { code } = error as Error & { code?: unknown };
  if (typeof code === "string" && code !== "") {
    return code.slice(code.lastIndexOf("#") + 1).split(":")[0];
  }
  return /\b(E[A-Z]{3,})\b/.exec(error.message)?.[1];
}
