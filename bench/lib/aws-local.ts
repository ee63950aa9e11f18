/** The AWS resources sections create on a local server (moto): queues, the secret, the table. */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { IDEMPOTENCY_TABLE_ATTRIBUTES } from "../../lambda/index";
import { LOCAL_AWS, onCleanup } from "./processes";

function clientConfig(endpoint: string) {
  return {
    endpoint,
    region: LOCAL_AWS.AWS_REGION,
    credentials: {
      accessKeyId: LOCAL_AWS.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_AWS.AWS_SECRET_ACCESS_KEY,
    },
  };
}

export async function createQueue(endpoint: string, name: string): Promise<string> {
  const sqs = new SQSClient({ ...clientConfig(endpoint), useQueueUrlAsEndpoint: false });
  onCleanup(() => sqs.destroy());
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { MaximumMessageSize: "1048576" } }),
  );
  if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  return QueueUrl;
}

/** The SSM SecureString the ingress writes: `{"current", "previous", "previousExpiresAt"}`. */
export async function putSecretParameter(
  endpoint: string,
  name: string,
  current: string,
): Promise<void> {
  const ssm = new SSMClient(clientConfig(endpoint));
  onCleanup(() => ssm.destroy());
  await ssm.send(
    new PutParameterCommand({
      Name: name,
      Type: "SecureString",
      Value: JSON.stringify({ current, previous: null, previousExpiresAt: null }),
    }),
  );
}

/** The idempotency table as the component declares it (partition key `id`, on demand). */
export async function createIdempotencyTable(endpoint: string, name: string): Promise<void> {
  const dynamodb = new DynamoDBClient(clientConfig(endpoint));
  onCleanup(() => dynamodb.destroy());
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: IDEMPOTENCY_TABLE_ATTRIBUTES.PARTITION_KEY, AttributeType: "S" },
      ],
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE_ATTRIBUTES.PARTITION_KEY, KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
}
