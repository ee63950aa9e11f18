// One piece of the consumer's INIT, loaded alone: Powertools batch and idempotency with its DynamoDB
// persistence layer (which brings the AWS SDK v3 DynamoDB client).
import { BatchProcessor, processPartialResponse } from "@aws-lambda-powertools/batch";
import { makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";

export const handler = () => [
  BatchProcessor,
  processPartialResponse,
  makeIdempotent,
  DynamoDBPersistenceLayer,
];
