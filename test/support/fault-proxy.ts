/**
 * A seeded HTTP fault proxy for tests: put it between a client and a real server (the local SQS,
 * the Polar emulator) and it fails a share of the requests the way networks and services fail.
 *
 * - `respond`: answers itself (429 + Retry-After, 5xx, a throttling error); nothing reaches the
 *   server.
 * - `reset`: aborts the connection (TCP RST) before forwarding; nothing reaches the server.
 * - `commitThenDrop`: forwards, lets the server answer (the change sticks), then aborts the
 *   connection instead of passing the answer on: the client cannot tell whether it worked.
 *
 * Deterministic by seed: the fate of a request depends only on the seed, its key (`keyOf`: what
 * the request is, e.g. "SendMessage of event #17") and how many requests with that key came
 * before. So concurrent requests arriving in another order get the same faults.
 *
 * Hand-written rather than a proxy library because commit-then-drop needs the upstream answer in
 * full before deciding to discard it, and the decision must be keyed on the request's content.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type FaultAction =
  | {
      readonly kind: "respond";
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
    }
  | { readonly kind: "reset" }
  | { readonly kind: "commitThenDrop" };

export interface FaultRule {
  /** Counted under this name in `stats().injected`. */
  readonly name: string;
  /** Relative share among the faults (any positive number). */
  readonly weight: number;
  readonly action: FaultAction;
}

export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface FaultProxyOptions {
  /** Base URL of the real server, e.g. `http://127.0.0.1:4566`. */
  readonly target: string;
  readonly seed: string | number;
  /** Share of requests that fail, in [0, 1]. */
  readonly rate: number;
  readonly faults: readonly FaultRule[];
  /** What a request is, for the seeded decision. Default: method and path. */
  readonly keyOf?: (request: ProxiedRequest) => string;
  /**
   * Replaces the seeded decision with a scripted one, for a test that needs one exact sequence:
   * the rule for the `occurrence`-th request with `key`, or undefined to pass it through.
   */
  readonly script?: (key: string, occurrence: number) => FaultRule | undefined;
}

export interface ProxyLogEntry {
  readonly key: string;
  /** 1 for the first request with this key. */
  readonly occurrence: number;
  /** The fault injected, by rule name; absent when the request passed through. */
  readonly fault?: string;
  /** What the server answered, when the request reached it. */
  readonly upstreamStatus?: number;
}

export interface FaultProxyStats {
  readonly requests: number;
  /** Requests that reached the server (passed through or committed then dropped). */
  readonly forwarded: number;
  /** Faults injected, by rule name (every rule is listed, 0 when unused). */
  readonly injected: Readonly<Record<string, number>>;
}

export interface FaultProxy {
  readonly url: string;
  /** Every request, in arrival order. */
  readonly log: readonly ProxyLogEntry[];
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  validate(options);
  const target = new URL(options.target);
  const keyOf = options.keyOf ?? ((r: ProxiedRequest) => `${r.method} ${r.url.split("?")[0]}`);
  const seen = new Map<string, number>();
  const log: ProxyLogEntry[] = [];
  const agent = new http.Agent({ keepAlive: true });

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const proxied: ProxiedRequest = {
        method: request.method ?? "GET",
        url: request.url ?? "/",
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      const key = keyOf(proxied);
      const occurrence = (seen.get(key) ?? 0) + 1;
      seen.set(key, occurrence);
      const rule = options.script
        ? options.script(key, occurrence)
        : decide(options, key, occurrence);
      const entry = { key, occurrence, ...(rule ? { fault: rule.name } : {}) };
      const action = rule?.action;
      if (action?.kind === "respond") {
        log.push(entry);
        response.writeHead(action.status, action.headers ?? {});
        response.end(action.body ?? "");
        return;
      }
      if (action?.kind === "reset") {
        log.push(entry);
        request.socket.resetAndDestroy();
        return;
      }
      forward(agent, target, proxied).then(
        (answer) => {
          log.push({ ...entry, upstreamStatus: answer.status });
          if (action?.kind === "commitThenDrop") {
            request.socket.resetAndDestroy();
            return;
          }
          response.writeHead(answer.status, answer.headers);
          response.end(answer.body);
        },
        () => {
          log.push(entry);
          // The server itself is unreachable: pass that on as a dropped connection.
          request.socket.resetAndDestroy();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    log,
    stats: () => {
      const injected = Object.fromEntries(options.faults.map((rule) => [rule.name, 0]));
      for (const entry of log) {
        if (entry.fault !== undefined) injected[entry.fault] = (injected[entry.fault] ?? 0) + 1;
      }
      return {
        requests: log.length,
        forwarded: log.filter((entry) => entry.upstreamStatus !== undefined).length,
        injected,
      };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** The fault for the `occurrence`-th request with `key`, or undefined to pass it through. */
export function decide(
  options: Pick<FaultProxyOptions, "seed" | "rate" | "faults">,
  key: string,
  occurrence: number,
): FaultRule | undefined {
  const digest = createHash("sha256")
    .update(`${options.seed}\u0000${key}\u0000${occurrence}`)
    .digest();
  const unit = (offset: number) => digest.readUInt32BE(offset) / 2 ** 32;
  if (unit(0) >= options.rate) return undefined;
  const total = options.faults.reduce((sum, rule) => sum + rule.weight, 0);
  let pick = unit(4) * total;
  for (const rule of options.faults) {
    pick -= rule.weight;
    if (pick < 0) return rule;
  }
  return options.faults.at(-1);
}

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Sends the request on unchanged (the Host header too: SigV4 signed it) and reads the answer. */
function forward(agent: http.Agent, target: URL, request: ProxiedRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const { connection: _connection, "keep-alive": _keepAlive, ...headers } = answer.headers;
          resolve({ status: answer.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
        });
        answer.on("error", reject);
      },
    );
    upstream.on("error", reject);
    upstream.end(request.body);
  });
}

function validate(options: FaultProxyOptions): void {
  if (!(options.rate >= 0 && options.rate <= 1)) {
    throw new Error(`fault proxy: rate must be within [0, 1], got ${options.rate}`);
  }
  if (options.rate > 0 && !options.faults.some((rule) => rule.weight > 0)) {
    throw new Error("fault proxy: faults must hold at least one rule with a positive weight");
  }
  for (const rule of options.faults) {
    if (!(rule.weight >= 0)) {
      throw new Error(`fault proxy: faults.${rule.name}.weight must be >= 0, got ${rule.weight}`);
    }
  }
}
