/**
 * A receiver Lambda bundle (BENCH_BUNDLE: ours as it ships, or the same-work peer) `require`d like
 * the Lambda runtime does, behind the HTTP-to-API-Gateway adapter of `npm run receiver`. Its
 * configuration is the bundle's own environment (QUEUE_URL, AWS_ENDPOINT_URL_SQS,
 * POLAR_WEBHOOK_SECRET).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { toApiGatewayEvent, type ReceiverResult } from "../../lambda/index";
import { likeProduction } from "../lib/production";
import { announce } from "./ipc";

type Handler = (event: APIGatewayProxyEventV2) => Promise<ReceiverResult>;

function main(): void {
  likeProduction();
  const bundle = process.env["BENCH_BUNDLE"];
  if (!bundle) throw new Error("BENCH_BUNDLE (the receiver bundle's path) is not set");
  const { handler } = require(bundle) as { handler: Handler };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const event = toApiGatewayEvent({
        method: request.method ?? "GET",
        url: request.url ?? "/",
        httpVersion: request.httpVersion,
        headers: request.headers,
        body: Buffer.concat(chunks),
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
      });
      handler(event).then(
        (result) => {
          response.writeHead(result.statusCode, result.headers ?? {});
          response.end(result.body ?? "");
        },
        () => {
          response.writeHead(500);
          response.end();
        },
      );
    });
  });
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    announce({ url: `http://127.0.0.1:${port}/polar/webhooks` }, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  });
}

main();
