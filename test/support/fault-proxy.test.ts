// The fault proxy the fault-injection tests rely on: its seeded decisions and, over real sockets,
// what each kind of fault does to the client and to the server behind it.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decide, startFaultProxy, type FaultProxy, type FaultRule } from "./fault-proxy";

const RULES: FaultRule[] = [
  { name: "a", weight: 3, action: { kind: "reset" } },
  { name: "b", weight: 1, action: { kind: "reset" } },
  { name: "never", weight: 0, action: { kind: "reset" } },
];

describe("decide", () => {
  it("gives a request the same fate for the same seed, key and occurrence", () => {
    const options = { seed: "s", rate: 0.5, faults: RULES };
    const fates = (seed: string) =>
      Array.from({ length: 200 }, (_, i) => decide({ ...options, seed }, `k${i % 7}`, i)?.name);
    expect(fates("s")).toEqual(fates("s"));
    expect(fates("t")).not.toEqual(fates("s"));
  });

  it("fails the given share of requests, split by weight", () => {
    const names = Array.from(
      { length: 20_000 },
      (_, i) => decide({ seed: 1, rate: 0.2, faults: RULES }, `key${i}`, 1)?.name,
    );
    const count = (name: string) => names.filter((n) => n === name).length;
    expect((count("a") + count("b")) / names.length).toBeCloseTo(0.2, 1);
    expect(count("a") / (count("a") + count("b"))).toBeCloseTo(0.75, 1);
    expect(count("never")).toBe(0);
    expect(decide({ seed: 1, rate: 0, faults: RULES }, "k", 1)).toBeUndefined();
    expect(decide({ seed: 1, rate: 1, faults: RULES }, "k", 1)).toBeDefined();
  });
});

describe("startFaultProxy over real sockets", () => {
  let upstream: http.Server;
  let upstreamUrl: string;
  let hits: { method: string; url: string; host: string; body: string }[];
  let proxy: FaultProxy | undefined;

  beforeEach(async () => {
    hits = [];
    upstream = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        hits.push({
          method: request.method ?? "",
          url: request.url ?? "",
          host: request.headers.host ?? "",
          body,
        });
        response.writeHead(201, { "content-type": "text/plain", "x-upstream": "yes" });
        response.end(`made ${body}`);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", () => resolve()));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  const only = (action: FaultRule["action"]) => [{ name: action.kind, weight: 1, action }];
  const post = (body: string) =>
    fetch(`${proxy!.url}/things?x=1`, { method: "POST", body, headers: { "x-test": "1" } });

  it("passes requests through unchanged, the Host header included", async () => {
    proxy = await startFaultProxy({ target: upstreamUrl, seed: 1, rate: 0, faults: [] });
    const response = await post("one");
    expect([response.status, await response.text()]).toEqual([201, "made one"]);
    expect(response.headers.get("x-upstream")).toBe("yes");
    expect(hits).toEqual([
      { method: "POST", url: "/things?x=1", host: new URL(proxy.url).host, body: "one" },
    ]);
    expect(proxy.log).toEqual([{ key: "POST /things", occurrence: 1, upstreamStatus: 201 }]);
    expect(proxy.stats()).toEqual({ requests: 1, forwarded: 1, injected: {} });
  });

  it("answers a respond fault itself; the server sees nothing", async () => {
    const action = {
      kind: "respond",
      status: 429,
      headers: { "retry-after": "1" },
      body: "",
    } as const;
    proxy = await startFaultProxy({ target: upstreamUrl, seed: 1, rate: 1, faults: only(action) });
    const response = await post("two");
    expect([response.status, response.headers.get("retry-after"), await response.text()]).toEqual([
      429,
      "1",
      "",
    ]);
    expect(hits).toEqual([]);
    expect(proxy.stats()).toEqual({ requests: 1, forwarded: 0, injected: { respond: 1 } });
  });

  it("resets the connection before forwarding; the server sees nothing", async () => {
    proxy = await startFaultProxy({
      target: upstreamUrl,
      seed: 1,
      rate: 1,
      faults: only({ kind: "reset" }),
    });
    const error = await post("three").catch((e: unknown) => e);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("ECONNRESET");
    expect(hits).toEqual([]);
  });

  it("commits then drops: the server made the change, the client gets a reset", async () => {
    proxy = await startFaultProxy({
      target: upstreamUrl,
      seed: 1,
      rate: 1,
      faults: only({ kind: "commitThenDrop" }),
      keyOf: (request) => `custom ${request.body.toString()}`,
    });
    const error = await post("four").catch((e: unknown) => e);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("ECONNRESET");
    expect(hits.map((h) => h.body)).toEqual(["four"]);
    expect(proxy.log).toEqual([
      { key: "custom four", occurrence: 1, fault: "commitThenDrop", upstreamStatus: 201 },
    ]);
  });

  it("refuses a rate outside [0, 1] and faults without weight", async () => {
    await expect(
      startFaultProxy({ target: upstreamUrl, seed: 1, rate: 1.5, faults: RULES }),
    ).rejects.toThrow("rate must be within [0, 1], got 1.5");
    await expect(
      startFaultProxy({ target: upstreamUrl, seed: 1, rate: 0.1, faults: [] }),
    ).rejects.toThrow("faults must hold at least one rule with a positive weight");
  });
});
