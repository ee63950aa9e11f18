/**
 * One real stack for the CLI's stack-bound commands, shaped like `npm run dev`'s: project
 * polar-webhooks, stack `local`, a WebhookEndpoint in the Polar emulator (created by the real
 * provider under the real engine), and the dev stack's outputs (webhookUrl, endpointId, secret,
 * polarApiUrl, queueUrl, deadLetterQueueUrl, sqsEndpoint) pointing at a local receiver and moto.
 * Its state and passphrase are laid out where the dev contract says (`<cache>/dev/...`).
 */
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { WebhookEndpoint } from "../../providers/polar";
import { startMoto, type Moto } from "../consumer/support";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { createEngineStack, type EngineStack } from "../engine/harness";
import { freePort } from "../lambda/support";
import { allowInClear } from "../support/secret-scan";

export interface StackFixture {
  readonly polar: PolarEmulator;
  readonly moto: Moto;
  readonly engine: EngineStack;
  readonly endpointId: string;
  readonly secret: string;
  /** The port the stack's webhookUrl points at (nothing listens until a test starts a receiver). */
  readonly port: number;
  readonly webhookUrl: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  /** POLAR_WEBHOOKS_CACHE for the dev-contract path (`--stack local`). */
  readonly cache: string;
  /** The project directory for `--cwd` (config readable there). */
  readonly workDir: string;
  dispose(): Promise<void>;
}

export async function createStackFixture(): Promise<StackFixture> {
  const polar = await startPolarEmulator({ allowLoopbackUrls: true });
  const moto = await startMoto();
  const deadLetterQueueUrl = await createQueue(moto, "polar-webhooks-local-dlq");
  const dlqArn = await queueArn(moto, deadLetterQueueUrl);
  const queueUrl = await createQueue(moto, "polar-webhooks-local", {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }),
  });
  const port = await freePort();
  const webhookUrl = `http://127.0.0.1:${port}/polar/webhooks`;
  const engine = await createEngineStack({
    projectName: "polar-webhooks",
    stackName: "local",
    config: {
      "polar:accessToken": { value: polar.organizationToken, secret: true },
      "polar:apiUrl": { value: polar.url },
    },
    program: async () => {
      // Polar (and the provider) refuse loopback URLs: the endpoint has a public one, while the
      // webhookUrl output is where this stack's receiver listens, as with a tunnel.
      const endpoint = new WebhookEndpoint("webhook-endpoint", {
        url: "https://example.com/polar/webhooks",
        events: ["order.paid", "order.created", "subscription.canceled"],
        apiVersion: "2026-10",
      });
      return {
        webhookUrl,
        endpointId: endpoint.id,
        secret: endpoint.secret,
        polarApiUrl: polar.url,
        queueUrl,
        deadLetterQueueUrl,
        sqsEndpoint: moto.endpoint,
      };
    },
  });
  await engine.stack.up();
  const outputs = await engine.stack.outputs();
  const endpointId = outputs.endpointId?.value as string;
  const cache = await mkdtemp(join(tmpdir(), "polar-webhooks-cache-"));
  await symlink(engine.directory, join(cache, "dev"));
  const passphraseFile = join(engine.directory, "passphrase");
  await writeFile(passphraseFile, `${engine.passphrase}\n`);
  allowInClear(engine.passphrase, "npm run dev keeps it in <cache>/dev/passphrase", passphraseFile);
  return {
    polar,
    moto,
    engine,
    endpointId,
    secret: outputs.secret?.value as string,
    port,
    webhookUrl,
    queueUrl,
    deadLetterQueueUrl,
    cache,
    workDir: join(engine.directory, "workspace"),
    async dispose() {
      await engine.stack.destroy().catch(() => undefined);
      await engine.dispose();
      await rm(cache, { recursive: true, force: true });
      await moto.stop();
      await polar.close();
    },
  };
}

async function createQueue(moto: Moto, name: string, attributes: Record<string, string> = {}) {
  const { QueueUrl } = await moto.sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  return QueueUrl as string;
}

async function queueArn(moto: Moto, url: string): Promise<string> {
  const { Attributes } = await moto.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  return Attributes?.QueueArn as string;
}
