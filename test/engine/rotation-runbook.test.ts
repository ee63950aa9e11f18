// The rotate runbook (docs/runbooks.md), end to end: the rotation through the real engine against the Polar
// emulator (config marker, `up`), the SSM value built from the stack outputs by the program's own
// functions and put into moto's SSM, then the receiver reading it, with deliveries the emulator
// signs: the old secret before expiry (202) and after (403), the new one (202); then the grace
// period ended early with 0 and `up`.
import { randomBytes } from "node:crypto";
import {
  DeleteParameterCommand,
  PutParameterCommand,
  SSMClient,
  type ParameterType,
} from "@aws-sdk/client-ssm";
import type { OutputMap } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStackConfig } from "../../infra/config";
import { secretParameterValue } from "../../infra/ingress";
import { signingSecretsFor } from "../../infra/ingress";
import { createHandler, type RequestLogEntry } from "../../lambda";
import { SsmSecretProvider } from "../../lambda/aws-sdk";
import { toApiGatewayEvent } from "../../local/adapters";
import { WebhookEndpoint } from "../../providers/polar";
import { startMoto, type Moto } from "../consumer/support";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { startReceiver, type Receiver } from "../emulators/polar/receiver";
import { attributesOf, createQueue, DUMMY_AWS, receiveAll } from "../lambda/support";
import { createEngineStack, outputCollector, type EngineStack } from "./harness";

const HOUR_MS = 3_600_000;
const SECURE_STRING: ParameterType = "SecureString";

/** The program's part that matters here: its config and the endpoint, with the outputs the runbook reads. */
async function program() {
  const settings = readStackConfig();
  const endpoint = new WebhookEndpoint("webhook-endpoint", {
    url: "https://hooks.example.com/polar/webhooks",
    events: [...settings.events],
    format: "raw",
    name: "polar-webhooks-runbook",
    ...(settings.secretRotation ? { secretRotation: settings.secretRotation } : {}),
  });
  return {
    endpointId: endpoint.id,
    secret: endpoint.secret,
    previousSecret: endpoint.previousSecret,
    secretRotatedAt: endpoint.secretRotatedAt,
    modifiedAt: endpoint.modifiedAt,
    usesStandardWebhookSignature: endpoint.usesStandardWebhookSignature,
    rotationGraceHours: settings.rotationGraceHours,
  };
}

/** Polar's `modified_at` (microseconds) as the provider records it. */
const instant = (polarTimestamp: string | null | undefined) =>
  new Date(Date.parse(polarTimestamp ?? "")).toISOString();

describe("Runbook: rotate the signing secret, then let the old one expire", () => {
  let polar: PolarEmulator;
  let signer: Receiver;
  let moto: Moto;
  let ssm: SSMClient;
  let engine: EngineStack;
  const log = outputCollector();
  let oldSecret: string;
  let oldStandard: boolean;
  let parameterName: string;

  beforeAll(async () => {
    [polar, signer, moto] = await Promise.all([startPolarEmulator(), startReceiver(), startMoto()]);
    ssm = new SSMClient({ ...DUMMY_AWS, endpoint: moto.endpoint });
    engine = await createEngineStack({
      projectName: "polar-webhooks",
      program,
      config: {
        "polar:accessToken": { value: polar.organizationToken, secret: true },
        "polar:apiUrl": { value: polar.url },
        "polar-webhooks:events": { value: '["order.paid"]' },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await engine?.dispose();
    await polar?.close();
    await signer?.close();
    await moto?.stop();
  });

  /** What the program writes to SSM, from the stack outputs (the program's own functions). */
  function ssmValueOf(outputs: OutputMap): string {
    return secretParameterValue(
      signingSecretsFor(
        {
          secret: outputs.secret.value,
          previousSecret: outputs.previousSecret?.value,
          secretRotatedAt: outputs.secretRotatedAt?.value,
          modifiedAt: outputs.modifiedAt?.value,
        },
        outputs.rotationGraceHours.value,
      ),
    );
  }

  async function putParameter(value: string): Promise<void> {
    await ssm.send(
      new PutParameterCommand({
        Name: parameterName,
        Type: SECURE_STRING,
        Value: value,
        Overwrite: true,
      }),
    );
  }

  /**
   * A delivery as Polar sends it, signed by the emulator with `secret`: an endpoint of the other
   * organization holding that secret delivers one `order.paid` to `signer`, then is removed.
   */
  async function signedDelivery(secret: string, usesStandardWebhookSignature: boolean) {
    const endpoint = polar.insertEndpoint({
      url: `${signer.url}/polar/webhooks`,
      events: ["order.paid"],
      organizationId: polar.otherOrganizationId,
      secret,
      usesStandardWebhookSignature,
    });
    const { id } = await polar.emit("order.paid", { organizationId: polar.otherOrganizationId });
    await polar.settled();
    polar.deleteEndpointOutOfBand(endpoint.id);
    const request = signer.received.find((r) => r.headers["webhook-id"] === id);
    if (!request) throw new Error(`the emulator delivered no event ${id}`);
    return {
      webhookId: id as string,
      event: toApiGatewayEvent({
        method: request.method,
        url: request.path,
        headers: request.headers,
        body: Buffer.from(request.body, "utf8"),
      }),
    };
  }

  /** The receiver as one Lambda container: SSM read through moto, the expiry checked against `clock`. */
  async function receiver(clock: () => number) {
    const logs: RequestLogEntry[] = [];
    const queueUrl = await createQueue(moto.sqs);
    const handler = createHandler({
      queueUrl,
      sqsClient: moto.sqs,
      secretProvider: new SsmSecretProvider({ parameterName, ssmClient: ssm }),
      log: (entry) => logs.push(entry),
      now: clock,
    });
    const enqueued = async () =>
      (await receiveAll(moto.sqs, queueUrl)).map((m) => attributesOf(m)["webhook-id"]).sort();
    return { handler, logs, enqueued };
  }

  it("deploys the endpoint: one secret, no rotation yet", async () => {
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ create: 2 });
    expect(result.outputs.secretRotatedAt?.value).toBeUndefined();
    oldSecret = result.outputs.secret.value;
    oldStandard = result.outputs.usesStandardWebhookSignature.value;
    expect(JSON.parse(ssmValueOf(result.outputs))).toEqual({
      current: oldSecret,
      previous: null,
      previousExpiresAt: null,
    });
  });

  it("fails the preview on a grace period outside 0-168, naming the key, and calls Polar not at all", async () => {
    await engine.stack.setConfig("polar-webhooks:rotationGraceHours", { value: "169" });
    polar.resetRequests();
    const error = await engine.stack.preview({ onOutput: log.onOutput }).catch((e: Error) => e);
    expect(String(error)).toContain(
      "polar-webhooks:rotationGraceHours: 169 is invalid; use a whole number of hours from 0 to 168",
    );
    expect(polar.requests).toEqual([]);
    // Back to the default (24 hours).
    await engine.stack.removeConfig("polar-webhooks:rotationGraceHours");
  });

  it("rotates on a new secretRotation marker and records when (secretRotatedAt)", async () => {
    // Act: `pulumi config set polar-webhooks:secretRotation 2026-11 -s prod && npm run up -- prod`
    await engine.stack.setConfig("polar-webhooks:secretRotation", { value: "2026-11" });
    const started = Date.now();
    const result = await engine.stack.up({ onOutput: log.onOutput });
    // Assess
    expect(result.summary.resourceChanges).toEqual({ update: 1, same: 1 });
    const endpoint = polar.getEndpoint(result.outputs.endpointId.value);
    expect(result.outputs.secret).toEqual({ value: endpoint?.secret, secret: true });
    expect(result.outputs.previousSecret).toEqual({ value: oldSecret, secret: true });
    expect(result.outputs.secretRotatedAt).toEqual({
      value: instant(endpoint?.modified_at),
      secret: false,
    });
    expect(Date.parse(result.outputs.secretRotatedAt.value)).toBeGreaterThanOrEqual(started - 1000);
    expect(result.outputs.rotationGraceHours.value).toBe(24);
    // State holds both secrets as ciphertext only.
    const files = await engine.allFiles();
    for (const secret of [oldSecret, endpoint?.secret as string]) {
      expect(files.filter((f) => f.text.includes(secret)).map((f) => f.path)).toEqual([]);
    }
  });

  it("accepts the old secret until secretRotatedAt + 24 h and refuses it from then on, without re-reading SSM", async () => {
    // Prepare: the SSM value as the program writes it, in moto's SSM.
    const outputs = await engine.stack.outputs();
    const value = ssmValueOf(outputs);
    const expiresAt = new Date(Date.parse(outputs.secretRotatedAt.value) + 24 * HOUR_MS);
    expect(JSON.parse(value)).toEqual({
      current: outputs.secret.value,
      previous: oldSecret,
      previousExpiresAt: expiresAt.toISOString(),
    });
    parameterName = `/polar-webhooks-runbook/${randomBytes(4).toString("hex")}/webhook-secrets`;
    await putParameter(value);
    let now = Date.now();
    const { handler, logs, enqueued } = await receiver(() => now);
    const standard = outputs.usesStandardWebhookSignature.value as boolean;

    // Act + Assess: before expiry, both secrets verify (the first request reads SSM).
    const oldBefore = await signedDelivery(oldSecret, oldStandard);
    const newBefore = await signedDelivery(outputs.secret.value, standard);
    expect((await handler(oldBefore.event)).statusCode).toBe(202);
    expect((await handler(newBefore.event)).statusCode).toBe(202);
    expect(logs.map((l) => [l.key, l.previousExpiresAt])).toEqual([
      ["previous/standard", expiresAt.toISOString()],
      ["current/standard", undefined],
    ]);

    // Act: the parameter is gone, so a re-read would answer 503; the clock reaches the expiry.
    await ssm.send(new DeleteParameterCommand({ Name: parameterName }));
    now = expiresAt.getTime();
    const oldAfter = await signedDelivery(oldSecret, oldStandard);
    const newAfter = await signedDelivery(outputs.secret.value, standard);
    const refused = await handler(oldAfter.event);
    const accepted = await handler(newAfter.event);
    // Assess
    expect([refused.statusCode, accepted.statusCode]).toEqual([403, 202]);
    expect(logs[2]).toMatchObject({
      outcome: "invalid_signature",
      reason: "Signed with the previous secret, which has expired",
      expiredKey: "previous/standard",
      previousExpiresAt: expiresAt.toISOString(),
    });
    expect(logs[2]).not.toHaveProperty("secretRefresh");
    expect(await enqueued()).toEqual(
      [oldBefore.webhookId, newBefore.webhookId, newAfter.webhookId].sort(),
    );
    const logText = JSON.stringify(logs);
    expect(logText).not.toContain(oldSecret.slice(6));
    expect(logText).not.toContain(outputs.secret.value.slice(6));
  });

  it("keeps secretRotatedAt through a refresh and a later up", async () => {
    const before = (await engine.stack.outputs()).secretRotatedAt.value;
    await engine.stack.refresh({ onOutput: log.onOutput });
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.resourceChanges).toEqual({ same: 2 });
    expect(result.outputs.secretRotatedAt.value).toBe(before);
    expect(result.outputs.previousSecret.value).toBe(oldSecret);
  });

  it("ends the grace period early with rotationGraceHours 0 and up: the old secret is refused at once", async () => {
    // Act: `pulumi config set polar-webhooks:rotationGraceHours 0 -s prod && npm run up -- prod`
    await engine.stack.setConfig("polar-webhooks:rotationGraceHours", { value: "0" });
    const { outputs, summary } = await engine.stack.up({ onOutput: log.onOutput });
    expect(summary.resourceChanges).toEqual({ same: 2 });
    const value = ssmValueOf(outputs);
    expect(JSON.parse(value)).toEqual({
      current: outputs.secret.value,
      previous: null,
      previousExpiresAt: null,
    });
    await putParameter(value);
    // A container started after the change (one started before picks it up within its 5-minute cache).
    const { handler, logs } = await receiver(Date.now);
    const old = await signedDelivery(oldSecret, oldStandard);
    const fresh = await signedDelivery(
      outputs.secret.value,
      outputs.usesStandardWebhookSignature.value,
    );
    // Assess
    expect((await handler(old.event)).statusCode).toBe(403);
    expect((await handler(fresh.event)).statusCode).toBe(202);
    expect(logs[0]).toMatchObject({
      outcome: "invalid_signature",
      reason: "No matching signature found",
    });
    expect(logs[0]).not.toHaveProperty("expiredKey");
  });
});
