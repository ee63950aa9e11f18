/**
 * The same-work peer: the receiver as AWS's quick-starts and Polar's docs would have a team write
 * it. A Lambda handler (AWS SDK v3 clients at module scope, as AWS recommends) that verifies with
 * `validateEvent` from Polar's SDK and enqueues the body with SendMessage, with the same three
 * message attributes as ours. The secret: POLAR_WEBHOOK_SECRET, or like ours in AWS the SSM
 * parameter WEBHOOK_SECRET_PARAMETER (its `current`). What it leaves out is ours alone: the
 * previous secret and its expiry, the time budget, FIFO dedup, size and envelope checks.
 */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { webhooks } from "@polar-sh/sdk/2026-10";
import type { APIGatewayProxyEventV2 } from "aws-lambda";

// The queue URL's host is not always the endpoint locally (fauxqs): AWS_ENDPOINT_URL(_SQS) is.
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const ssm = new SSMClient({});
let secret: Promise<string> | undefined;

async function readSecret(): Promise<string> {
  const parameter = process.env["WEBHOOK_SECRET_PARAMETER"];
  if (!parameter) return process.env["POLAR_WEBHOOK_SECRET"] ?? "";
  const output = await ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
  return (JSON.parse(output.Parameter?.Value ?? "{}") as { current: string }).current;
}

export const handler = async (event: APIGatewayProxyEventV2) => {
  const body = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
  const headers = event.headers as Record<string, string>;
  let payload: webhooks.WebhookPayload;
  try {
    payload = await webhooks.validateEvent(body, headers, await (secret ??= readSecret()));
  } catch (error) {
    if (error instanceof webhooks.PolarWebhookVerificationError) return { statusCode: 403 };
    throw error;
  }
  const output = await sqs.send(
    new SendMessageCommand({
      QueueUrl: process.env["QUEUE_URL"],
      MessageBody: body.toString("utf8"),
      MessageAttributes: {
        "webhook-id": { DataType: "String", StringValue: headers["webhook-id"] },
        "webhook-timestamp": { DataType: "String", StringValue: headers["webhook-timestamp"] },
        "event-type": { DataType: "String", StringValue: payload.type },
      },
    }),
  );
  return { statusCode: 202, body: JSON.stringify({ messageId: output.MessageId }) };
};
