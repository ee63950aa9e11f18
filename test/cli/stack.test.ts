// The stack-bound commands against one real stack (see stack-fixture.ts): trigger into a local
// receiver that enqueues to moto, queue/dlq peek, dlq redrive, and Polar access from stack config.
import { randomUUID } from "node:crypto";
import { GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EndpointsJson } from "../../cli/commands/endpoints";
import type { RedriveJson } from "../../cli/commands/redrive";
import type { TriggerJson } from "../../cli/commands/trigger";
import type { DeliveriesJson } from "../../cli/deliveries-view";
import type { PeekJson } from "../../cli/messages-view";
import { signingMaterial } from "../../cli/signing";
import type { StateResource } from "../../cli/stack";
import { buildSendMessageInput } from "../../lambda/queue";
import { startLocalReceiver, type LocalReceiver } from "../../local/adapters";
import { type RequestLogEntry } from "../../lambda";
import { receiveAll } from "../lambda/support";
import { createStackFixture, type StackFixture } from "./stack-fixture";
import { allOutput, expectNoSecretsIn, json, run, spawnCli } from "./support";

let fixture: StackFixture;
let receiver: LocalReceiver | undefined;
const received: RequestLogEntry[] = [];
/** The dev contract: `--stack local` finds the stack under this cache. */
let local: Record<string, string>;
/** A project directory with the stack's settings: `--cwd <dir> --stack local` reads its config. */
let project: Record<string, string>;

async function startReceiver(secret: string): Promise<void> {
  await receiver?.close();
  receiver = await startLocalReceiver({
    port: fixture.port,
    host: "127.0.0.1",
    env: { POLAR_WEBHOOK_SECRET: secret, QUEUE_URL: fixture.queueUrl },
    log: (entry) => received.push(entry),
    print: () => undefined,
  });
}

beforeAll(async () => {
  fixture = await createStackFixture();
  local = { POLAR_WEBHOOKS_CACHE: fixture.cache };
  project = { PULUMI_CONFIG_PASSPHRASE: fixture.engine.passphrase };
  // The receiver's SQS client takes the SDK's standard settings, as in Lambda.
  vi.stubEnv("AWS_ENDPOINT_URL_SQS", fixture.moto.endpoint);
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  await startReceiver(fixture.secret);
}, 240_000);

afterAll(async () => {
  await receiver?.close();
  vi.unstubAllEnvs();
  if (fixture) {
    expectNoSecretsIn(allOutput, [
      fixture.secret,
      fixture.polar.organizationToken,
      fixture.engine.passphrase,
    ]);
    expect(allOutput.join("")).not.toContain("whsec_");
    await fixture.dispose();
  }
}, 120_000);

describe("trigger", () => {
  it("signs with the stack's secret, POSTs to its webhookUrl and shows status and latency; the event is enqueued", async () => {
    const result = await run(["trigger", "order.paid", "--stack", "local"], local);

    expect(result.code, result.stderr).toBe(0);
    const id = /webhook-id ([0-9a-f-]{36})/.exec(result.stderr)?.[1];
    expect(result.stderr).toBe(
      `POST ${fixture.webhookUrl}  order.paid  webhook-id ${id}  (standard signature, secret from the stack output secret)\n`,
    );
    expect(result.stdout).toMatch(new RegExp(`^202 in \\d+ ms\\n.*"${id}".*\\n$`));
    expect(received.at(-1)).toMatchObject({ webhookId: id, type: "order.paid", status: 202 });
    const peek = json<PeekJson>(await run(["queue", "peek", "--stack", "local", "--json"], local));
    expect(peek.messages.map((m) => [m.webhookId, m.eventType])).toContainEqual([id, "order.paid"]);
    const message = peek.messages.find((m) => m.webhookId === id);
    expect(JSON.parse(message?.body ?? "{}")).toMatchObject({
      type: "order.paid",
      api_version: "2026-10",
    });
  });

  it("runs as the real bin with --json, and exits 1 with a hint when the receiver has another secret", async () => {
    const ok = await spawnCli(
      ["trigger", "subscription.canceled", "--stack", "local", "--json"],
      local,
    );
    const output = json<TriggerJson>(ok);
    expect(output).toEqual({
      version: 1,
      type: "subscription.canceled",
      webhookId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: fixture.webhookUrl,
      status: 202,
      latencyMs: expect.any(Number),
      signing: "standard",
      response: expect.stringContaining(output.webhookId),
    });

    await startReceiver(`whsec_${Buffer.alloc(32, 1).toString("base64")}`);
    try {
      const rejected = await run(["trigger", "order.paid", "--stack", "local"], local);
      expect(rejected.code).toBe(1);
      expect(rejected.stdout).toMatch(
        /^403 in \d+ ms: the receiver rejected the signature \(does it have this stack's current secret\?/,
      );
    } finally {
      await startReceiver(fixture.secret);
    }
  });

  it("to a stack deployed against Polar production: refused without --yes, asked at a terminal, sent with --yes", async () => {
    // The fixture's stack read through --cwd (not the dev contract), with POLAR_SERVER=production.
    const production = { ...project, POLAR_SERVER: "production" };
    const args = ["trigger", "order.paid", "--cwd", fixture.workDir, "--stack", "local"];
    const before = received.length;

    const refused = await run(args, production);
    const ci = await run(args, { ...production, CI: "1" }, { answer: "yes" });
    const questions: string[] = [];
    const declined = await run(args, production, { answer: "no", questions });

    expect([refused.code, ci.code, declined.code]).toEqual([2, 2, 2]);
    expect(refused.stderr).toContain(
      `error: trigger would POST an invented order.paid event, signed with the stack's secret, to ${fixture.webhookUrl} on stack polar-webhooks/local (Polar production), which is production, and stdin is not a terminal, so nobody can be asked: add --yes to go ahead. Nothing was sent.\n`,
    );
    expect(ci.stderr).toContain("and CI is set, so nobody can be asked: add --yes to go ahead.");
    expect(questions).toEqual([
      `trigger will POST an invented order.paid event, signed with the stack's secret, to ${fixture.webhookUrl} on stack polar-webhooks/local (Polar production), which is production. Type yes to go ahead: `,
    ]);
    expect(received.length).toBe(before);

    const sent = await run([...args, "--yes"], production);
    expect(sent.code, sent.stderr).toBe(0);
    expect(received.length).toBe(before + 1);
    // npm run dev's stack is the emulator's, whatever POLAR_SERVER says.
    const dev = await run(["trigger", "order.paid", "--stack", "local"], {
      ...local,
      POLAR_SERVER: "production",
    });
    expect(dev.code, dev.stderr).toBe(0);
  });

  it("sends nothing for an unknown type or bad --data, and names what to fix", async () => {
    const before = received.length;
    const typo = await run(["trigger", "subscription.cancelled", "--stack", "local"], local);
    const data = await run(
      ["trigger", "order.paid", "--stack", "local", "--data", "{not json"],
      local,
    );
    const reason = await run(
      ["trigger", "order.paid", "--stack", "local", "--data", '{"billing_reason":"gift"}'],
      local,
    );
    const stackless = await run(["trigger", "order.paid"], local);

    expect([typo.code, data.code, reason.code, stackless.code]).toEqual([2, 2, 2, 2]);
    expect(typo.stderr).toContain(
      'unknown event type "subscription.cancelled"; did you mean "subscription.canceled"?',
    );
    expect(data.stderr).toContain("--data is not JSON");
    expect(reason.stderr).toContain(
      `data.billing_reason "gift" is not one of Polar's billing reasons`,
    );
    expect(stackless.stderr).toContain("trigger needs --stack <name>");
    expect(received.length).toBe(before);
  });

  it("finds the secret of a deployed stack's endpoint in its state when there is no secret output", async () => {
    const exported = await fixture.engine.stack.exportStack();
    const resources = (exported.deployment as { resources: StateResource[] }).resources;

    const material = signingMaterial(
      { endpointId: fixture.endpointId, webhookUrl: fixture.webhookUrl },
      resources,
    );

    expect(material).toEqual({
      secret: fixture.polar.getEndpoint(fixture.endpointId)?.secret,
      scheme: "standard",
      schemeSource: "endpoint",
      secretSource: "endpoint in the stack's state",
      apiVersion: "2026-10",
      organizationId: fixture.polar.organizationId,
    });
  });
});

describe("stacks", () => {
  it("lists the stacks when the one named does not exist, and says how to start the local one", async () => {
    const unknown = await run(
      ["deliveries", "--cwd", fixture.workDir, "--stack", "staging"],
      project,
    );
    const noDev = await run(["queue", "peek", "--stack", "local"], {
      POLAR_WEBHOOKS_CACHE: "/nonexistent/cache",
    });
    const noPassphrase = await run(["endpoints", "--cwd", fixture.workDir, "--stack", "local"], {});

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      `error: No stack "staging" in project polar-webhooks (backend file://${fixture.engine.directory}/state); its stacks: local.\n`,
    );
    expect(noDev.code).toBe(2);
    expect(noDev.stderr).toContain(
      "There is no local stack yet (no /nonexistent/cache/dev/state): start it with `npm run dev`",
    );
    expect(noPassphrase.code).toBe(2);
    expect(noPassphrase.stderr).toContain(
      "Set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE: stack polar-webhooks/local keeps its secrets",
    );
  });

  it("reads the Polar token and URL from the stack's config and shows the stack's endpoint by default", async () => {
    const event = fixture.polar.insertEvent({
      endpointId: fixture.endpointId,
      type: "order.paid",
      payload: "{}",
    });
    fixture.polar.insertDelivery({ eventId: event.id, succeeded: false, httpCode: 502 });
    const other = fixture.polar.insertEndpoint({
      url: "https://other.example.com/",
      events: ["order.paid"],
    });
    const noise = fixture.polar.insertEvent({
      endpointId: other.id,
      type: "order.paid",
      payload: "{}",
    });
    fixture.polar.insertDelivery({ eventId: noise.id, succeeded: false, httpCode: 500 });

    const deliveries = json<DeliveriesJson>(
      await run(["deliveries", "--cwd", fixture.workDir, "--stack", "local", "--json"], project),
    );
    const endpoints = json<EndpointsJson>(
      await run(["endpoints", "--cwd", fixture.workDir, "--stack", "local", "--json"], project),
    );
    // npm run dev's stack through its contract alone: the token and the emulator's URL come from
    // its config, as for any stack; an explicit POLAR_ACCESS_TOKEN is not needed.
    const dev = json<DeliveriesJson>(
      await run(["deliveries", "--stack", "local", "--json"], local),
    );
    expect(deliveries.deliveries.map((d) => d.event.id)).toEqual([event.id]);
    expect(endpoints.endpoints.filter((e) => e.stackEndpoint).map((e) => e.id)).toEqual([
      fixture.endpointId,
    ]);
    expect(dev.deliveries.map((d) => d.event.id)).toEqual([event.id]);
  });
});

describe("queue peek, dlq peek and dlq redrive", () => {
  const sendToDlq = async (count: number) => {
    const ids = Array.from({ length: count }, () => randomUUID());
    for (const [i, id] of ids.entries()) {
      const input = buildSendMessageInput(fixture.deadLetterQueueUrl, {
        body: JSON.stringify({ type: "order.paid", data: { id: `order-${i}` } }),
        webhookId: id,
        timestamp: String(Math.floor(Date.now() / 1000)),
        eventType: "order.paid",
      });
      await fixture.moto.sqs.send(new SendMessageCommand(input));
    }
    return ids;
  };
  const depth = async (url: string) => {
    const { Attributes } = await fixture.moto.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
    );
  };

  it("peeks at the DLQ without consuming anything, as a table and as JSON", async () => {
    const ids = await sendToDlq(3);

    const table = await run(["dlq", "peek", "--stack", "local"], local);
    const peek = json<PeekJson>(
      await run(["dlq", "peek", "--stack", "local", "--json", "--limit", "2"], local),
    );

    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toBe(
      `Dead-letter queue ${fixture.deadLetterQueueUrl}: about 3 waiting, 0 in flight.`,
    );
    expect(table.stdout.split("\n")[1]).toMatch(
      /^AGE\s+EVENT TYPE\s+WEBHOOK-ID\s+RECEIVES\s+MESSAGE ID$/,
    );
    for (const id of ids) expect(table.stdout).toMatch(new RegExp(`order.paid\\s+${id}\\s+1\\s`));
    expect(peek).toMatchObject({
      version: 1,
      queue: "dlq",
      queueUrl: fixture.deadLetterQueueUrl,
      approximateVisible: 3,
      approximateInFlight: 0,
    });
    expect(peek.messages).toHaveLength(2);
    expect(peek.messages[0]).toEqual({
      messageId: expect.any(String),
      eventType: "order.paid",
      webhookId: expect.any(String),
      receiveCount: 2,
      sentAt: expect.stringMatching(/Z$/),
      body: expect.stringContaining('"type":"order.paid"'),
    });
    expect(await depth(fixture.deadLetterQueueUrl)).toBe(3);
  });

  it("redrives the DLQ back to the queue one by one on moto (no move tasks there), attributes intact", async () => {
    const inDlq = await depth(fixture.deadLetterQueueUrl);
    const before = await receiveAll(fixture.moto.sqs, fixture.queueUrl);

    const result = await run(["dlq", "redrive", "--stack", "local"], local);
    const again = json<RedriveJson>(
      await run(["dlq", "redrive", "--stack", "local", "--json"], local),
    );

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^This local SQS has no message move tasks \(\w+ 500: .*\): moving the messages one by one instead\.\n/,
    );
    expect(result.stdout).toBe(
      `Moved ${inDlq} messages from the dead-letter queue back to the queue (one by one).\n`,
    );
    expect(await depth(fixture.deadLetterQueueUrl)).toBe(0);
    const moved = (await receiveAll(fixture.moto.sqs, fixture.queueUrl)).filter(
      (m) => !before.some((b) => b.MessageId === m.MessageId),
    );
    expect(moved).toHaveLength(inDlq);
    for (const message of moved) {
      expect(message.MessageAttributes?.["event-type"]?.StringValue).toBe("order.paid");
      expect(message.MessageAttributes?.["webhook-id"]?.StringValue).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(again).toEqual({
      version: 1,
      method: "none",
      status: "EMPTY",
      moved: 0,
      approximateInDlq: 0,
    });
  });

  it("--dry-run moves nothing, --max moves that many, and a production stack needs --yes", async () => {
    await sendToDlq(3);
    const production = { ...project, POLAR_SERVER: "production" };
    const onProd = ["dlq", "redrive", "--cwd", fixture.workDir, "--stack", "local"];

    const dryRun = await run(
      ["dlq", "redrive", "--stack", "local", "--dry-run", "--max", "2"],
      local,
    );
    const refused = await run([...onProd, "--max", "1"], production);

    expect(dryRun.stdout).toBe(
      "Dry run: would move 2 of about 3 messages from the dead-letter queue back to the queue; nothing moved.\n",
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "error: dlq redrive would move 1 of about 3 messages from the dead-letter queue back to the queue on stack polar-webhooks/local (Polar production), which is production, and stdin is not a terminal, so nobody can be asked: add --yes to go ahead. Nothing was sent.",
    );
    expect(await depth(fixture.deadLetterQueueUrl)).toBe(3);

    const one = await run([...onProd, "--max", "1", "--yes"], production);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toBe(
      "Moved 1 message from the dead-letter queue back to the queue (one by one).\n",
    );
    expect(await depth(fixture.deadLetterQueueUrl)).toBe(2);
    const rest = json<RedriveJson>(
      await run(["dlq", "redrive", "--stack", "local", "--json"], local),
    );
    expect(rest).toMatchObject({ status: "COMPLETED", moved: 2 });
  });
});
