/**
 * A webhook receiver for tests: a real HTTP server on 127.0.0.1 that records every request the
 * emulator delivers and answers as the test tells it to.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  /** Lower-case names; the form `validateEvent` takes. */
  readonly headers: Record<string, string>;
  /** The raw body, exactly as received. */
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** What to answer to the n-th request (0-based), now or later; `hang` never answers. */
export type Responder = (
  request: ReceivedRequest,
  index: number,
) => Reply | Promise<Reply> | "hang";

export interface Receiver {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Every request so far, oldest first. */
  readonly received: readonly ReceivedRequest[];
  respondWith(responder: Responder): void;
  close(): Promise<void>;
}

export const ACCEPT: Responder = () => ({ status: 202, body: '{"received":true}' });

export async function startReceiver(responder: Responder = ACCEPT): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  let respond = responder;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const recorded: ReceivedRequest = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(", ") : (value ?? ""),
          ]),
        ),
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(recorded);
      const reply = respond(recorded, received.length - 1);
      if (reply === "hang") {
        return;
      }
      void Promise.resolve(reply).then((answer) => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get received() {
      return [...received];
    },
    respondWith: (next) => {
      respond = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Answers `statuses` in turn, then `then` for every later request. */
export function sequence(statuses: readonly Reply[], then: Reply = { status: 200 }): Responder {
  return (_request, index) => statuses[index] ?? then;
}
