/**
 * Faults on real sockets for the pipeline tests: a TCP gate that can refuse connections (a dead
 * queue server) and an HTTP front that holds requests back and lets them go later (deliveries
 * signed before a rotation that arrive after it).
 */
import * as http from "node:http";
import * as net from "node:net";

/**
 * Forwards TCP from a local port to `target`; closed, it resets every connection (the queue is down). It keeps
 * listening while closed: a port given up and taken again could go to a parallel test file in between.
 */
export class TcpGate {
  readonly #target: { host: string; port: number };
  #server: net.Server | undefined;
  #open = false;
  readonly #sockets = new Set<net.Socket>();

  constructor(targetUrl: string) {
    const url = new URL(targetUrl);
    this.#target = { host: url.hostname, port: Number(url.port) };
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server?.address() as net.AddressInfo | null)?.port ?? 0}`;
  }

  async open(): Promise<void> {
    this.#open = true;
    if (this.#server) return;
    const server = net.createServer((client) => {
      if (!this.#open) {
        client.resetAndDestroy();
        return;
      }
      const upstream = net.connect(this.#target);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on("close", () => this.#sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.#server = server;
  }

  /** Cuts every connection, and resets new ones until `open()`. */
  async close(): Promise<void> {
    this.#open = false;
    for (const socket of this.#sockets) socket.destroy();
  }

  /** Stops listening (the end of the test). */
  async dispose(): Promise<void> {
    await this.close();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface HeldRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly respond: (status: number, headers: http.OutgoingHttpHeaders, body: Buffer) => void;
}

/** An HTTP front for the receiver: passes requests through, or holds them until `release()`. */
export class HoldingFront {
  readonly #target: string;
  readonly #held: HeldRequest[] = [];
  readonly #server: http.Server;
  #holding = false;
  #port = 0;
  /** Every request that came through, with its headers and exact body. */
  readonly seen: { headers: http.IncomingHttpHeaders; body: Buffer }[] = [];

  constructor(targetUrl: string) {
    this.#target = targetUrl.replace(/\/$/, "");
    this.#server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const held: HeldRequest = {
          method: request.method ?? "POST",
          path: request.url ?? "/",
          headers: request.headers,
          body: Buffer.concat(chunks),
          respond: (status, headers, body) => {
            response.writeHead(status, headers);
            response.end(body);
          },
        };
        this.seen.push({ headers: held.headers, body: held.body });
        if (this.#holding) this.#held.push(held);
        else void this.#forward(held);
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get heldCount(): number {
    return this.#held.length;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", () => resolve()));
    this.#port = (this.#server.address() as net.AddressInfo).port;
  }

  hold(): void {
    this.#holding = true;
  }

  /** Forwards what was held, in order, and passes later requests through. */
  async release(): Promise<void> {
    this.#holding = false;
    await Promise.all(this.#held.splice(0).map((held) => this.#forward(held)));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #forward(held: HeldRequest): Promise<void> {
    const {
      host: _host,
      connection: _connection,
      "content-length": _length,
      "transfer-encoding": _encoding,
      ...headers
    } = held.headers;
    try {
      const answer = await fetch(`${this.#target}${held.path}`, {
        method: held.method,
        headers: headers as Record<string, string>,
        body: held.body,
      });
      held.respond(
        answer.status,
        { "content-type": answer.headers.get("content-type") ?? "text/plain" },
        Buffer.from(await answer.arrayBuffer()),
      );
    } catch {
      held.respond(502, {}, Buffer.from("front: receiver unreachable"));
    }
  }
}
