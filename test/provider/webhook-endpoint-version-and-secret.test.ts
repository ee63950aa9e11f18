// The provider object called directly against the Polar emulator: what `providerVersion` and the
// `secret` input do in check, create, read and update (the engine tests cover the full runs).
import { describe, expect, it } from "vitest";
import { webhookEndpointProvider, type WebhookEndpointInputs } from "../../providers/polar";
import { callsTo, endpointInputs as inputs, useToken, usePolarEmulator } from "./support";

const polar = usePolarEmulator();
const OWN = "whsec_" + "n".repeat(40);
const useEmulator = () => useToken(polar);
const calls = () => callsTo(polar);

describe("providerVersion", () => {
  it("check records a hash of the serialized provider it is given", async () => {
    useEmulator();
    const raw = { url: "https://example.com/hook", events: ["order.paid"] };
    const v1 = await webhookEndpointProvider.check(
      {} as WebhookEndpointInputs,
      {
        ...raw,
        __provider: "exports.handler = __f0; /* v1 */",
      } as unknown as WebhookEndpointInputs,
    );
    const v2 = await webhookEndpointProvider.check(
      {} as WebhookEndpointInputs,
      {
        ...raw,
        __provider: "exports.handler = __f0; /* v2 */",
      } as unknown as WebhookEndpointInputs,
    );
    expect(v1.failures).toEqual([]);
    expect(v1.inputs?.providerVersion).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(v2.inputs?.providerVersion).not.toBe(v1.inputs?.providerVersion);
    expect(polar.requests).toEqual([]);
  });

  it("an update for new provider code alone calls Polar zero times and keeps everything else", async () => {
    useEmulator();
    const created = await webhookEndpointProvider.create(
      inputs({ providerVersion: "sha256:0000000000000001" }),
    );
    const olds = created.outs!;
    expect(olds.providerVersion).toBe("sha256:0000000000000001");
    const news = inputs({
      providerVersion: "sha256:0000000000000002",
      polarApiUrl: olds.polarApiUrl,
      tokenFingerprint: olds.tokenFingerprint,
    });
    polar.resetRequests();

    const diff = await webhookEndpointProvider.diff(created.id, olds, news);
    const updated = await webhookEndpointProvider.update(created.id, olds, news);

    expect(diff).toMatchObject({ changes: true, replaces: [] });
    expect(diff.stables).toContain("secret");
    expect(calls()).toEqual([]);
    expect(updated.outs).toEqual({ ...olds, providerVersion: "sha256:0000000000000002" });
  });

  it("read keeps the recorded version (a refresh does not change which code wrote the state)", async () => {
    useEmulator();
    const created = await webhookEndpointProvider.create(
      inputs({ providerVersion: "sha256:0000000000000001" }),
    );
    const read = await webhookEndpointProvider.read(created.id, created.outs);
    expect(read.props?.providerVersion).toBe("sha256:0000000000000001");
  });
});

describe("the secret input", () => {
  it("is sent on create; Polar taking it gives ownSecretAccepted true and that secret", async () => {
    useEmulator();
    const created = await webhookEndpointProvider.create(inputs({ secret: OWN }));
    const post = polar.requests.find((r) => r.method === "POST");
    expect((post?.body as { secret?: string }).secret).toBe(OWN);
    expect(created.outs).toMatchObject({
      secret: OWN,
      ownSecretAccepted: true,
      usesStandardWebhookSignature: false,
    });
    const read = await webhookEndpointProvider.read(created.id, created.outs);
    expect(read.props?.ownSecretAccepted).toBe(true);
  });

  it("a Polar that ignores it: Polar's secret is kept and ownSecretAccepted is false", async () => {
    useEmulator();
    polar.settings.acceptClientSecret = false;
    const created = await webhookEndpointProvider.create(inputs({ secret: OWN }));
    const endpoint = polar.getEndpoint(created.id);
    expect(endpoint?.secret).not.toBe(OWN);
    expect(created.outs).toMatchObject({ secret: endpoint?.secret, ownSecretAccepted: false });
  });

  it("without it, no ownSecretAccepted output", async () => {
    useEmulator();
    const created = await webhookEndpointProvider.create(inputs());
    expect(created.outs).not.toHaveProperty("ownSecretAccepted");
  });

  it("check refuses a changed secret on an existing endpoint, naming secretRotation", async () => {
    useEmulator();
    const olds = (
      await webhookEndpointProvider.check({} as WebhookEndpointInputs, inputs({ secret: OWN }))
    ).inputs!;
    const result = await webhookEndpointProvider.check(olds, inputs({ secret: OWN + "-new" }));
    expect(result.failures).toHaveLength(1);
    // No property named: the engine would print the input's value next to it, secret or not.
    expect(result.failures?.[0]).toMatchObject({ property: "" });
    expect(result.failures?.[0].reason).toContain("set secretRotation");
    expect(JSON.stringify(result.failures)).not.toContain(OWN);
  });
});
