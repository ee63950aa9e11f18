/**
 * A local AWS JSON-protocol endpoint (SSM and SQS speak it) whose answers each test scripts:
 * answer, fail, or accept the request and never answer. It stands in for AWS having a bad day,
 * which neither moto nor fauxqs can be told to have.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** What to do with one HTTP attempt: answer with a status and JSON body, or never answer. */
export type ScriptedAnswer = { status: number; json: unknown } | "hang";

export interface ScriptedRequest {
  /** `X-Amz-Target` without the service prefix, e.g. "GetParameter" or "SendMessage". */
  readonly operation: string;
  /** The SDK's `amz-sdk-invocation-id`: the same for every retry of one `send`. */
  readonly invocationId: string;
  readonly input: Record<string, unknown>;
  /** The request as sent (header names lower-cased), for checking its signature. */
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ScriptedAws {
  readonly endpoint: string;
  /** Every HTTP attempt received, in order. */
  readonly requests: readonly ScriptedRequest[];
  /** Distinct SDK calls (retries of one call count once) for an operation. */
  calls(operation: string): number;
  close(): Promise<void>;
}

export const AWS_ERROR = {
  internal: { status: 500, json: { __type: "InternalServerError", message: "try again" } },
  parameterNotFound: { status: 400, json: { __type: "ParameterNotFound", message: "not found" } },
} as const;

export function parameterAnswer(value: string): ScriptedAnswer {
  return { status: 200, json: { Parameter: { Name: "p", Type: "SecureString", Value: value } } };
}

export async function startScriptedAws(
  answer: (request: ScriptedRequest) => ScriptedAnswer,
): Promise<ScriptedAws> {
  const requests: ScriptedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const body = Buffer.concat(chunks).toString("utf8");
      const request: ScriptedRequest = {
        operation: target.slice(target.indexOf(".") + 1),
        invocationId: String(req.headers["amz-sdk-invocation-id"] ?? ""),
        input: JSON.parse(body || "{}") as Record<string, unknown>,
        method: req.method ?? "",
        path: req.url ?? "",
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
        ),
        body,
      };
      requests.push(request);
      const scripted = answer(request);
      if (scripted === "hang") {
        return;
      }
      res.writeHead(scripted.status, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify(scripted.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    calls: (operation) =>
      new Set(requests.filter((r) => r.operation === operation).map((r) => r.invocationId)).size,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
