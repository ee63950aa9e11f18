/**
 * The built receiver bundle in a clean Node 22 process, reading the SSM value the program writes
 * after a rotation from moto's SSM (SecureString), before and after `previousExpiresAt`.
 */
import { randomBytes } from "node:crypto";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReceiverBundle } from "../../infra/bundle";
import { startMoto, type Moto } from "../consumer/support";
import { writeBundle, type BundleDirectory } from "./bundle-process";
import {
  attributesOf,
  createQueue,
  DUMMY_AWS,
  legacySecret,
  receiveAll,
  SCHEME,
  standardSecret,
  TestDelivery,
} from "./support";

let directory: BundleDirectory;
let moto: Moto;
let ssm: SSMClient;

beforeAll(async () => {
  [directory, moto] = await Promise.all([buildReceiverBundle().then(writeBundle), startMoto()]);
  ssm = new SSMClient({ ...DUMMY_AWS, endpoint: moto.endpoint });
}, 60_000);

afterAll(async () => {
  directory?.dispose();
  await moto?.stop();
});

/** A rotation from a legacy secret to a standard one, its value in SSM: `{current, previous, previousExpiresAt}`. */
async function rotatedParameter(previousExpiresAt: string) {
  const current = standardSecret();
  const previous = legacySecret();
  const name = `/polar-webhooks-test/webhook-secrets-${randomBytes(4).toString("hex")}`;
  await ssm.send(
    new PutParameterCommand({
      Name: name,
      Type: "SecureString",
      Value: JSON.stringify({ current, previous, previousExpiresAt }),
    }),
  );
  const queueUrl = await createQueue(moto.sqs);
  const env = {
    QUEUE_URL: queueUrl,
    AWS_ENDPOINT_URL: moto.endpoint,
    WEBHOOK_SECRET_PARAMETER: name,
  };
  return { current, previous, queueUrl, env };
}

describe("Artifact: receiver bundle during a rotation (moto SQS and SSM)", () => {
  it("accepts the previous secret before previousExpiresAt and says so in the log", async () => {
    // Prepare
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const { current, previous, queueUrl, env } = await rotatedParameter(expiresAt);
    const old = new TestDelivery({ secret: previous, scheme: SCHEME.LEGACY });
    const fresh = new TestDelivery({ secret: current });
    // Act
    const run = await directory.run([old.event(), fresh.event()], env);
    // Assess
    expect(run.results.map((result) => result.statusCode)).toEqual([202, 202]);
    expect(run.logs.map((entry) => [entry.key, entry.previousExpiresAt])).toEqual([
      ["previous/legacy", expiresAt],
      ["current/standard", undefined],
    ]);
    const messages = await receiveAll(moto.sqs, queueUrl);
    expect(messages.map((m) => attributesOf(m)["webhook-id"]).sort()).toEqual(
      [old.webhookId, fresh.webhookId].sort(),
    );
    expect(JSON.stringify(run.logs)).not.toContain(previous);
  });

  it("refuses the previous secret after previousExpiresAt (403) and still accepts the current one", async () => {
    // Prepare
    const expiredAt = new Date(Date.now() - 60_000).toISOString();
    const { current, previous, queueUrl, env } = await rotatedParameter(expiredAt);
    const old = new TestDelivery({ secret: previous, scheme: SCHEME.LEGACY });
    const fresh = new TestDelivery({ secret: current });
    // Act
    const run = await directory.run([old.event(), fresh.event()], env);
    // Assess
    expect(run.results.map((result) => result.statusCode)).toEqual([403, 202]);
    expect(run.logs[0]).toMatchObject({
      outcome: "invalid_signature",
      reason: "Signed with the previous secret, which has expired",
      expiredKey: "previous/legacy",
      previousExpiresAt: expiredAt,
    });
    // An expired key is no miss: the container does not read SSM again for it.
    expect(run.logs[0]).not.toHaveProperty("secretRefresh");
    const messages = await receiveAll(moto.sqs, queueUrl);
    expect(messages.map((m) => attributesOf(m)["webhook-id"])).toEqual([fresh.webhookId]);
    expect(JSON.stringify(run.logs)).not.toContain(previous);
  });

  it("answers 503 for a malformed previousExpiresAt, without logging it", async () => {
    const { current, env } = await rotatedParameter("next Tuesday");
    const run = await directory.run([new TestDelivery({ secret: current }).event()], env);
    expect(run.results.map((result) => result.statusCode)).toEqual([503]);
    expect(run.logs[0]).toMatchObject({
      outcome: "secret_unavailable",
      reason:
        "Secret parameter's previousExpiresAt is not an ISO 8601 instant (e.g. 2026-11-25T09:30:00.000Z)",
    });
    expect(JSON.stringify(run.logs)).not.toContain("Tuesday");
  });
});
