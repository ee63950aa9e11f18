// The `secret` input under the real engine, against a Polar that takes a client-chosen secret and
// one that ignores it (the emulator's acceptClientSecret switch): the state holds it only as
// ciphertext, the `secret` output is what Polar signs with (checked by verifying a real delivery
// with the receiver's code), Polar ignoring it is one warning per run that never shows a secret,
// and bad or changed secrets fail the preview without echoing them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { candidateKeys, verifyDelivery } from "../../lambda/index";
import { WebhookEndpoint, type WebhookEndpointArgs } from "../../providers/polar";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { startReceiver, type Receiver } from "../emulators/polar/receiver";
import { createEngineStack, outputCollector, SECRET_SIGNATURE, type EngineStack } from "./harness";

const ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";
const WARNING = "Polar did not use the secret given for webhook endpoint";

/** A secret of the user's own, as a migrating team has it (random per run, never in source). */
const ownSecret = () =>
  `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(30))).toString("hex")}`;

describe("WebhookEndpoint with your own secret", () => {
  let polar: PolarEmulator;
  let receiver: Receiver;
  let engine: EngineStack;
  const log = outputCollector();
  /** Resource name → args; each step edits it. */
  let declared: Record<string, WebhookEndpointArgs> = {};
  const mine = { migrated: ownSecret(), fresh: ownSecret() };

  beforeAll(async () => {
    [polar, receiver] = await Promise.all([startPolarEmulator(), startReceiver()]);
    engine = await createEngineStack({
      projectName: "polar-own-secret",
      program: async () => {
        const outputs: Record<string, unknown> = {};
        for (const [name, args] of Object.entries(declared)) {
          const endpoint = new WebhookEndpoint(name, { ...args });
          outputs[`${name}Id`] = endpoint.id;
          outputs[`${name}Secret`] = endpoint.secret;
          outputs[`${name}Accepted`] = endpoint.ownSecretAccepted;
        }
        return outputs;
      },
      config: {
        "polar:accessToken": { value: polar.organizationToken, secret: true },
        "polar:apiUrl": { value: polar.url },
      },
    });
  });
  afterAll(async () => {
    await engine?.dispose();
    await Promise.all([polar?.close(), receiver?.close()]);
  });

  const endpointArgs = (name: string, secret?: string): WebhookEndpointArgs => ({
    url: `https://example.com/polar/${name}`,
    events: ["order.paid"],
    // A plain string, as a program might pass it: the resource must still keep it secret.
    ...(secret === undefined ? {} : { secret }),
  });

  /** `up`, with the warnings it shows (diagnostics of severity warning). */
  async function up() {
    const warnings: string[] = [];
    const result = await engine.stack.up({
      onOutput: log.onOutput,
      onEvent: (event) => {
        const diagnostic = event.diagnosticEvent;
        if (diagnostic?.severity === "warning") warnings.push(diagnostic.message);
      },
    });
    return { result, warnings };
  }

  async function previewFailure(): Promise<string> {
    polar.resetRequests();
    const output = outputCollector();
    const failed = await engine.stack.preview({ onOutput: output.onOutput }).then(
      () => undefined,
      (error: Error) => `${output.text()}\n${error.message}`,
    );
    expect(failed).toBeDefined();
    expect(polar.requests).toEqual([]);
    return failed as string;
  }

  /** Polar delivers one event; the receiver's verification accepts it with `secret`. */
  async function receiverVerifies(endpointId: string, secret: string): Promise<void> {
    // Pointed at a local receiver out of band (the provider refuses loopback URLs, as Polar does).
    polar.updateEndpointOutOfBand(endpointId, { url: `${receiver.url}/${endpointId}` });
    await polar.emit("order.paid");
    await polar.settled();
    const delivery = receiver.received.find((r) => r.path === `/${endpointId}`);
    expect(delivery).toBeDefined();
    const keys = candidateKeys({ current: secret, previous: null });
    expect(() =>
      verifyDelivery(Buffer.from(delivery!.body), delivery!.headers, keys),
    ).not.toThrow();
  }

  async function expectNoSecretInClear(secrets: string[]): Promise<void> {
    const files = await engine.allFiles();
    const haystacks = [...files.map((f) => f.text), log.text()];
    for (const secret of secrets) {
      expect(haystacks.some((text) => text.includes(secret))).toBe(false);
    }
  }

  it("a Polar that takes it: sent on create, used for signing, stored only encrypted, no warning", async () => {
    declared = { migrated: endpointArgs("migrated", mine.migrated) };
    const { result, warnings } = await up();

    expect(result.summary.resourceChanges).toEqual({ create: 2 });
    const post = polar.requests.find((r) => r.method === "POST");
    expect((post?.body as { secret?: string }).secret).toBe(mine.migrated);
    const [endpoint] = polar.endpoints();
    expect(endpoint.secret).toBe(mine.migrated);
    expect(result.outputs.migratedSecret).toEqual({ value: mine.migrated, secret: true });
    expect(result.outputs.migratedAccepted.value).toBe(true);
    expect(warnings).toEqual([]);

    const exported = await engine.exportEncrypted();
    const stored = exported.deployment.resources?.find((r) => r.type === ENDPOINT_TYPE);
    expect(stored?.inputs?.secret).toHaveProperty(SECRET_SIGNATURE);
    expect(stored?.outputs?.secret).toHaveProperty(SECRET_SIGNATURE);
    await expectNoSecretInClear([mine.migrated, polar.organizationToken]);
    await receiverVerifies(endpoint.id, result.outputs.migratedSecret.value);
  });

  it("a Polar that ignores it: Polar's secret is kept and used, and one warning names the deprecation", async () => {
    polar.settings.acceptClientSecret = false;
    declared = {
      migrated: { ...endpointArgs("migrated", mine.migrated) },
      fresh: endpointArgs("fresh", mine.fresh),
    };
    const { result, warnings } = await up();

    expect(result.summary.resourceChanges).toEqual({ create: 1, same: 2 });
    const fresh = polar.endpoints().find((e) => e.url === "https://example.com/polar/fresh")!;
    expect(fresh.secret).not.toBe(mine.fresh);
    expect(result.outputs.freshSecret).toEqual({ value: fresh.secret, secret: true });
    expect(result.outputs.freshAccepted.value).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${WARNING} "fresh": client-chosen secrets are deprecated`);
    expect(warnings[0]).not.toContain(mine.fresh);
    expect(warnings[0]).not.toContain(fresh.secret);
    await expectNoSecretInClear([mine.migrated, mine.fresh, fresh.secret]);
    await receiverVerifies(fresh.id, result.outputs.freshSecret.value);
  });

  it("the warning stays (once per run) until `secret` is removed; removing it changes nothing", async () => {
    expect((await up()).warnings.filter((w) => w.includes(WARNING))).toHaveLength(1);
    declared = { ...declared, fresh: endpointArgs("fresh") };
    polar.resetRequests();
    const preview = await engine.stack.preview({ onOutput: log.onOutput });
    expect(preview.changeSummary).toEqual({ same: 3 });
    expect(polar.requests).toEqual([]);
    expect((await up()).warnings).toEqual([]);
  });

  it("a secret shorter than 32 characters fails the preview without echoing it", async () => {
    const short = `whsec_${"q".repeat(10)}`;
    declared = { ...declared, extra: endpointArgs("extra", short) };
    const message = await previewFailure();
    expect(message).toContain(
      "secret is 16 characters long; Polar requires at least 32. Use the full signing secret of your existing endpoint, or remove secret to let Polar generate one.",
    );
    expect(message).not.toContain(short);
    delete declared.extra;
  });

  it("a changed secret on an existing endpoint fails the preview, pointing at secretRotation", async () => {
    const changed = ownSecret();
    declared = { ...declared, migrated: endpointArgs("migrated", changed) };
    const message = await previewFailure();
    expect(message).toContain(
      "secret changed on an endpoint that already exists; it is only used when the endpoint is created. To get a new signing secret without downtime, set secretRotation",
    );
    for (const secret of [changed, mine.migrated]) expect(message).not.toContain(secret);
    declared = { ...declared, migrated: endpointArgs("migrated", mine.migrated) };
  });

  it("destroy removes both endpoints", async () => {
    const result = await engine.stack.destroy({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ delete: 3 });
    expect(polar.endpoints()).toEqual([]);
  });
});
