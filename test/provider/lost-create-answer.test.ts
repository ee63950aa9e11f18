// A create whose answer is lost after Polar committed it, followed by a transient Polar error while
// the provider looks for what it made: the provider must find the endpoint rather than give up and
// leave it behind (a duplicate once the next `pulumi up` creates another). Scripted faults from
// the fault proxy, in front of the emulator, over real sockets.
import { afterEach, describe, expect, it } from "vitest";
import { webhookEndpointProvider, type WebhookEndpointInputs } from "../../providers/polar";
import { endpointInputs, usePolarEmulator } from "./support";
import { startFaultProxy, type FaultProxy, type FaultRule } from "../support/fault-proxy";

const LIST = "GET /v1/webhooks/endpoints";
const CREATE = "POST /v1/webhooks/endpoints";
const commitThenDrop: FaultRule = {
  name: "commit then drop",
  weight: 1,
  action: { kind: "commitThenDrop" },
};
const serverError: FaultRule = {
  name: "500",
  weight: 1,
  action: { kind: "respond", status: 500, body: "Internal Server Error" },
};

const polar = usePolarEmulator();
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function throughProxy(script: (key: string, occurrence: number) => FaultRule | undefined) {
  proxy = await startFaultProxy({ target: polar.url, seed: 0, rate: 0, faults: [], script });
  process.env.POLAR_ACCESS_TOKEN = polar.organizationToken;
  process.env.POLAR_API_URL = proxy.url;
}

const inputs = (overrides: Partial<WebhookEndpointInputs> = {}): WebhookEndpointInputs =>
  endpointInputs({ name: "orders", ...overrides });

describe("create after a lost answer", () => {
  it("finds the committed endpoint although Polar answers 500 to the first look", async () => {
    // The list before the POST passes; the POST commits but its answer is lost; the list that
    // looks for it gets a 500 once.
    await throughProxy((key, n) =>
      key === CREATE && n === 1
        ? commitThenDrop
        : key === LIST && n === 2
          ? serverError
          : undefined,
    );
    const result = await webhookEndpointProvider.create(inputs());
    expect(polar.endpoints().map((e) => e.id)).toEqual([result.id]);
    expect(polar.requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      `${LIST} 200`,
      `${CREATE} 201`,
      `${LIST} 200`,
    ]);
    expect(proxy!.log.map((e) => e.fault ?? "")).toEqual(["", "commit then drop", "500", ""]);
  });

  it("finds the committed endpoint of a resource without a name (Polar lists it with name null)", async () => {
    await throughProxy((key, n) => (key === CREATE && n === 1 ? commitThenDrop : undefined));
    const result = await webhookEndpointProvider.create(inputs({ name: undefined }));
    expect(polar.endpoints().map((e) => [e.id, e.name])).toEqual([[result.id, null]]);
    expect(polar.requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      `${LIST} 200`,
      `${CREATE} 201`,
      `${LIST} 200`,
    ]);
  });

  it("disables a new endpoint although Polar answers 500 to the PATCH once", async () => {
    await throughProxy((key, n) => (key.startsWith("PATCH") && n === 1 ? serverError : undefined));
    const result = await webhookEndpointProvider.create(inputs({ enabled: false }));
    expect(polar.endpoints().map((e) => [e.id, e.enabled])).toEqual([[result.id, false]]);
    expect(proxy!.log.map((e) => `${e.key.split(" ")[0]} ${e.fault ?? ""}`.trim())).toEqual([
      "GET",
      "POST",
      "PATCH 500",
      "PATCH",
    ]);
  });
});

describe("create when whether it committed cannot be told", () => {
  it("says that an endpoint may be left in Polar, where to look and what to do, without the URL's query", async () => {
    // The POST commits but its answer is lost; every look for it afterwards is refused.
    await throughProxy((key, n) =>
      key === CREATE && n === 1
        ? commitThenDrop
        : key === LIST && n >= 2
          ? { name: "422", weight: 1, action: { kind: "respond", status: 422, body: "{}" } }
          : undefined,
    );
    const url = "https://example.com/hook?token=chat-credential";

    const failure = await webhookEndpointProvider.create(inputs({ url })).then(
      () => undefined,
      (error: Error) => error,
    );

    expect(failure?.message).toMatch(
      /^Creating the webhook endpoint for https:\/\/example\.com\/hook: .*; listing the endpoints to check whether it was created failed too \(.*422.*\)\. Polar may hold an endpoint for this URL that no stack manages: look in the Polar dashboard \(Settings → Webhooks\) and delete it, or adopt it with adoptId, then run `pulumi up` again\.$/,
    );
    expect(failure?.message).not.toContain("chat-credential");
    expect(polar.endpoints()).toHaveLength(1);
  });
});
