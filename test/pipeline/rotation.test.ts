// A secret rotation in the middle of traffic. The receiver holds {current, previous}, as the
// stack's SSM parameter does after `secretRotation` changes. Polar signs each attempt with the
// secret current at that attempt, so deliveries signed just before the reset still arrive after
// it (held here by a front that lets them go late), and retries switch to the new secret.
import { afterEach, describe, expect, it } from "vitest";
import { startPipeline, type Pipeline } from "./harness";

let pipeline: Pipeline | undefined;

afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

describe("pipeline during a secret rotation", () => {
  it("accepts deliveries signed with the old secret that arrive after the rotation", async () => {
    // Prepare
    pipeline = await startPipeline({ front: true });
    const p = pipeline;
    const front = p.front!;
    const oldSecret = p.endpoint.secret;
    front.hold();
    const before = [await p.emit("order.paid"), await p.emit("subscription.updated")];
    await p.until("both deliveries in flight", () => front.heldCount === 2);
    // Act: the stack rotates (Polar resets the secret, SSM gets {current, previous}) ...
    const rotated = await p.client.rotateWebhookEndpointSecret(p.endpoint.id);
    expect(rotated.previousSecret).toBe(oldSecret);
    expect(rotated.endpoint.secret).not.toBe(oldSecret);
    p.secrets.set({ current: rotated.endpoint.secret, previous: oldSecret });
    const after = await p.emit("order.refunded");
    await p.until("the new delivery in flight", () => front.heldCount === 3);
    // ... and only then do the deliveries reach the receiver.
    await front.release();
    await p.until("every event handled", () => p.handled.length === 3);
    await p.polar.settled();
    // Assess
    const keyOf = (id: string) => p.requests.find((r) => r.webhookId === id)?.key;
    expect(before.map(keyOf)).toEqual(["previous/standard", "previous/standard"]);
    expect(keyOf(after)).toBe("current/standard");
    expect(p.handled.map((r) => r.webhookId).sort()).toEqual([...before, after].sort());
    for (const id of [...before, after]) {
      expect(p.deliveriesOf(id).map((d) => d.http_code)).toEqual([202]);
    }

    // Once the previous secret is dropped, a copy of an old-signed delivery is refused.
    p.secrets.set({ current: rotated.endpoint.secret, previous: null });
    const replay = front.seen[0]!;
    const { host: _host, "content-length": _length, ...headers } = replay.headers;
    const answer = await fetch(`${p.receiverUrl()}polar/webhooks`, {
      method: "POST",
      headers: headers as Record<string, string>,
      body: replay.body,
    });
    expect(answer.status).toBe(403);
    expect(p.received).toHaveLength(3);
  });

  it("retries after the reset are signed with the new secret and delivered once the receiver has it", async () => {
    // Prepare
    pipeline = await startPipeline();
    const p = pipeline;
    const oldSecret = p.endpoint.secret;
    await p.queueGate.close();
    const id = await p.emit("order.paid");
    await p.until("two attempts with the old secret", () => p.deliveriesOf(id).length >= 2);
    // Act: Polar resets the secret; the receiver does not know the new one yet.
    const rotated = await p.client.rotateWebhookEndpointSecret(p.endpoint.id);
    await p.until("an attempt signed with the new secret refused", () =>
      p.requests.some((r) => r.webhookId === id && r.status === 403),
    );
    p.secrets.set({ current: rotated.endpoint.secret, previous: oldSecret });
    await p.queueGate.open();
    await p.until("the event handled", () => p.handled.length === 1);
    await p.polar.settled();
    // Assess
    const answers = p.requests.filter((r) => r.webhookId === id);
    const first403 = answers.findIndex((r) => r.status === 403);
    expect(answers.slice(0, first403).every((r) => r.status === 503)).toBe(true);
    expect(answers.slice(0, first403).every((r) => r.key === "current/standard")).toBe(true);
    expect(answers[first403]?.outcome).toBe("invalid_signature");
    expect(answers.at(-1)).toMatchObject({ status: 202, key: "current/standard" });
    expect(p.deliveriesOf(id).at(-1)?.http_code).toBe(202);
    expect(p.handled.map((r) => r.webhookId)).toEqual([id]);
  });
});
