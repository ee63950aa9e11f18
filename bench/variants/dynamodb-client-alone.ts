// One piece of the consumer's INIT, loaded alone: the AWS SDK v3 DynamoDB client's modules.
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export const handler = () => DynamoDBClient;
