/**
 * docs/consumer.md's "re-run an event on purpose" recipe, against moto's SQS and DynamoDB: a redelivery of a handled
 * `webhook-id` is acknowledged without running; after deleting the item whose `id` is
 * `polar-webhooks#` + base64(MD5("<webhook-id>" in JSON quotes)) — what
 * `printf '"%s"' "$WEBHOOK_ID" | openssl md5 -binary | base64` prints — the next redelivery runs it again.
 */
import { createHash } from "node:crypto";
import { DeleteItemCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { harness } from "./harness";
import {
  createIdempotencyTable,
  createQueuePair,
  DUMMY_AWS,
  enqueuePolarEvent,
  scanTable,
  useMoto,
} from "./support";

const moto = useMoto();

/** docs/consumer.md's shell pipeline, in Node. */
function recordId(webhookId: string): string {
  return `polar-webhooks#${createHash("md5").update(`"${webhookId}"`).digest("base64")}`;
}

describe("Runbook: re-run one event within the idempotency window", () => {
  it("acknowledges a redelivery without running it, and runs it again once its record is deleted", async () => {
    // Prepare
    const queue = await createQueuePair(moto.sqs);
    const tableName = await createIdempotencyTable(moto.dynamodb);
    const h = harness({
      sqs: moto.sqs,
      queueUrl: queue.queueUrl,
      idempotency: { tableName, clientConfig: { ...DUMMY_AWS, endpoint: moto.endpoint } },
    });
    const first = await enqueuePolarEvent(moto.sqs, queue.queueUrl, { type: "order.paid" });
    await h.settle();
    const redeliver = () =>
      enqueuePolarEvent(moto.sqs, queue.queueUrl, {
        type: "order.paid",
        webhookId: first.webhookId,
      });

    // Act: a redelivery (same webhook-id, new message)
    const second = await redeliver();
    await h.settle();
    // Assess
    expect(h.outcomesOf(second.messageId)).toEqual(["duplicate"]);
    const items = await scanTable(moto.dynamodb, tableName);
    expect(items.map((item) => item.id?.S)).toEqual([recordId(first.webhookId)]);

    // Act: delete the record as docs/consumer.md does, then redeliver again
    await moto.dynamodb.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: { id: { S: recordId(first.webhookId) } },
      }),
    );
    const third = await redeliver();
    await h.settle();
    // Assess
    expect(h.outcomesOf(third.messageId)).toEqual(["handled"]);
    expect(h.calls.map((call) => call.messageId)).toEqual([first.messageId, third.messageId]);
  });
});
