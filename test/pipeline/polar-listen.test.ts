// `polar listen http://localhost:3000/` with `POLAR_WEBHOOK_SECRET=<organization id without dashes>
// npm run receiver`: Polar's CLI forwards every event of the organization, signed the legacy way
// with the organization id (dashes removed) as the secret, a fresh random webhook-id per event,
// and the body re-serialized (`JSON.stringify` of the parsed payload). This signs exactly that way
// and posts to the receiver as `npm run receiver` runs it (the embedded queue included).
import { randomUUID } from "node:crypto";
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalReceiver, type LocalReceiver } from "../../local/adapters";
import { type RequestLogEntry } from "../../lambda";
import { localSqsClientConfig } from "../../local/dev";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { startReceiver, type Receiver } from "../emulators/polar/receiver";
import { Signer } from "./signing";

let polar: PolarEmulator;
let sink: Receiver;
let receiver: LocalReceiver;
let sqs: SQSClient;
const log: RequestLogEntry[] = [];
const organizationSecret = () => polar.organizationId.replaceAll("-", "");

beforeAll(async () => {
  // The emulator stands in for Polar's server: the source of realistic events of the organization.
  polar = await startPolarEmulator();
  sink = await startReceiver();
  polar.insertEndpoint({ url: sink.url, events: ["order.paid", "subscription.updated"] });
  receiver = await startLocalReceiver({
    port: 0,
    host: "127.0.0.1",
    env: { POLAR_WEBHOOK_SECRET: organizationSecret() },
    log: (entry) => log.push(entry),
    print: () => undefined,
  });
  sqs = new SQSClient(localSqsClientConfig(receiver.embeddedSqsEndpoint!));
});

afterAll(async () => {
  sqs?.destroy();
  await receiver?.close();
  await sink?.close();
  await polar?.close();
});

/** What `polar listen` forwards for one event: headers it got from Polar, its own body. */
async function forwardLikePolarListen(type: "order.paid" | "subscription.updated", secret: string) {
  const { id } = await polar.emit(type);
  await polar.settled();
  const payload = JSON.parse(polar.getEvent(id!)!.payload!) as Record<string, unknown>;
  const body = JSON.stringify(payload);
  const webhookId = randomUUID();
  const response = await fetch(receiver.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...new Signer(secret, "legacy").headers(webhookId, body),
    },
    body,
  });
  return { status: response.status, webhookId, body };
}

async function receiveAll(): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: receiver.queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) return messages;
    for (const message of Messages) {
      messages.push(message);
      await sqs.send(
        new DeleteMessageCommand({
          QueueUrl: receiver.queueUrl,
          ReceiptHandle: message.ReceiptHandle,
        }),
      );
    }
  }
}

describe("polar listen → npm run receiver", () => {
  it("accepts events signed with the organization id without dashes (legacy scheme) and enqueues them", async () => {
    // Act
    const first = await forwardLikePolarListen("order.paid", organizationSecret());
    const second = await forwardLikePolarListen("subscription.updated", organizationSecret());
    // Assess
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.webhookId).not.toBe(second.webhookId);
    const byId = new Map(
      log.filter((e) => e.status === 202).map((e) => [e.webhookId, e.key] as const),
    );
    expect(byId.get(first.webhookId)).toBe("current/legacy");
    expect(byId.get(second.webhookId)).toBe("current/legacy");
    const messages = await receiveAll();
    expect(
      messages.map((m) => [
        m.MessageAttributes?.["webhook-id"]?.StringValue,
        m.MessageAttributes?.["event-type"]?.StringValue,
        m.Body,
      ]),
    ).toEqual([
      [first.webhookId, "order.paid", first.body],
      [second.webhookId, "subscription.updated", second.body],
    ]);
  });

  it("refuses the organization id with its dashes, and another organization's id", async () => {
    // Act
    const dashed = await forwardLikePolarListen("order.paid", polar.organizationId);
    const other = await forwardLikePolarListen(
      "order.paid",
      polar.otherOrganizationId.replaceAll("-", ""),
    );
    // Assess
    expect([dashed.status, other.status]).toEqual([403, 403]);
    expect(await receiveAll()).toEqual([]);
  });
});
