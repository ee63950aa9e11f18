// secretRotatedAt: the provider called directly (as the provider host would) against the Polar
// emulator. When it is set, where its instant comes from, and that it survives later updates and
// refreshes until the next rotation.
import { describe, expect, it } from "vitest";
import { PolarClient, webhookEndpointProvider } from "../../providers/polar";
import { endpointInputs as inputs, useToken as useTokenOf, usePolarEmulator } from "./support";

const polar = usePolarEmulator();

const useToken = () => useTokenOf(polar);

/** Polar's `modified_at` (microseconds) as the provider records it (milliseconds, UTC). */
const instant = (polarTimestamp: string | null | undefined) =>
  new Date(Date.parse(polarTimestamp ?? "")).toISOString();

describe("webhookEndpointProvider: secretRotatedAt", () => {
  it("is absent after create and set to Polar's modified_at of the reset by a new marker", async () => {
    // Prepare
    useToken();
    const created = await webhookEndpointProvider.create(inputs({ secretRotation: "2026-10" }));
    expect(created.outs).not.toHaveProperty("secretRotatedAt");
    expect(created.outs).not.toHaveProperty("previousSecret");
    // Act
    const rotated = await webhookEndpointProvider.update(
      created.id,
      created.outs!,
      inputs({ secretRotation: "2026-11" }),
    );
    // Assess
    const endpoint = polar.getEndpoint(created.id);
    expect(endpoint?.modified_at).not.toBeNull();
    expect(rotated.outs).toMatchObject({
      secret: endpoint?.secret,
      previousSecret: created.outs!.secret,
      secretRotatedAt: instant(endpoint?.modified_at),
      modifiedAt: endpoint?.modified_at,
    });
  });

  it("keeps it through later updates and refreshes, and replaces it on the next rotation", async () => {
    // Prepare
    useToken();
    const created = await webhookEndpointProvider.create(inputs());
    const first = await webhookEndpointProvider.update(
      created.id,
      created.outs!,
      inputs({ secretRotation: "1" }),
    );
    const rotatedAt = first.outs!.secretRotatedAt;
    // Act: an update that PATCHes (so modified_at moves on), a refresh, an update without a call.
    const renamed = await webhookEndpointProvider.update(
      created.id,
      first.outs!,
      inputs({ secretRotation: "1", name: "renamed" }),
    );
    const refreshed = await webhookEndpointProvider.read(created.id, renamed.outs);
    const unchanged = await webhookEndpointProvider.update(
      created.id,
      refreshed.props!,
      inputs({ secretRotation: "1", name: "renamed" }),
    );
    // Assess
    expect(renamed.outs!.modifiedAt).not.toBe(first.outs!.modifiedAt);
    for (const outs of [renamed.outs, refreshed.props, unchanged.outs]) {
      expect(outs).toMatchObject({
        secretRotatedAt: rotatedAt,
        previousSecret: created.outs!.secret,
      });
    }
    // Act: the next rotation.
    const second = await webhookEndpointProvider.update(
      created.id,
      unchanged.outs!,
      inputs({ secretRotation: "2", name: "renamed" }),
    );
    // Assess
    expect(second.outs).toMatchObject({
      previousSecret: first.outs!.secret,
      secretRotatedAt: instant(polar.getEndpoint(created.id)?.modified_at),
    });
    expect(Date.parse(second.outs!.secretRotatedAt!)).toBeGreaterThan(Date.parse(rotatedAt!));
  });

  it("treats a reset in the dashboard, found by refresh, as a rotation with its instant", async () => {
    // Prepare
    useToken();
    const created = await webhookEndpointProvider.create(inputs());
    const reset = await fetch(`${polar.url}/v1/webhooks/endpoints/${created.id}/secret`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${polar.organizationToken}` },
    }).then((r) => r.json() as Promise<{ secret: string; modified_at: string }>);
    // Act
    const read = await webhookEndpointProvider.read(created.id, created.outs);
    const again = await webhookEndpointProvider.read(created.id, read.props);
    // Assess
    expect(read.props).toMatchObject({
      secret: reset.secret,
      previousSecret: created.outs!.secret,
      secretRotatedAt: instant(reset.modified_at),
    });
    expect(again.props).toMatchObject({ secretRotatedAt: instant(reset.modified_at) });
  });

  it("declares it stable in a diff without a rotation, and not with one", async () => {
    useToken();
    const created = await webhookEndpointProvider.create(inputs({ secretRotation: "1" }));
    const rename = await webhookEndpointProvider.diff(
      created.id,
      created.outs!,
      inputs({ secretRotation: "1", name: "x" }),
    );
    const rotate = await webhookEndpointProvider.diff(
      created.id,
      created.outs!,
      inputs({ secretRotation: "2" }),
    );
    expect(rename.stables).toEqual(expect.arrayContaining(["previousSecret", "secretRotatedAt"]));
    expect(rotate.changes).toBe(true);
    expect(rotate.stables).not.toContain("secretRotatedAt");
    expect(rotate.stables).not.toContain("previousSecret");
  });

  it("takes a reset that already happened (an `up` killed after Polar reset the secret) instead of resetting again", async () => {
    useToken();
    const created = await webhookEndpointProvider.create(inputs());
    const client = new PolarClient({ accessToken: polar.organizationToken, baseUrl: polar.url });
    const reset = await client.resetWebhookEndpointSecret(created.id);
    await client.close();
    polar.resetRequests();

    const rotated = await webhookEndpointProvider.update(
      created.id,
      created.outs!,
      inputs({ secretRotation: "2026-12" }),
    );

    expect(polar.requests.map((r) => `${r.method} ${r.route}`)).toEqual([
      "GET /v1/webhooks/endpoints/{id}",
    ]);
    expect(rotated.outs).toMatchObject({
      secret: reset.secret,
      previousSecret: created.outs!.secret,
      secretRotatedAt: instant(reset.modified_at),
    });
  });
});
