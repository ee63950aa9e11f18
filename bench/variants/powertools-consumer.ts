/**
 * The floor for the consumer: a minimal SQS consumer written the way Powertools' docs show
 * ("Idempotency" with "Batch processing"): BatchProcessor + processPartialResponse, makeIdempotent
 * over a DynamoDBPersistenceLayer (its own DynamoDB client, at module scope) keyed on the
 * webhook-id attribute, the record's JSON parsed. No handler map, no Polar types, no logging.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";

const processor = new BatchProcessor(EventType.SQS);
const persistenceStore = new DynamoDBPersistenceLayer({
  tableName: process.env["IDEMPOTENCY_TABLE"] ?? "",
});
const config = new IdempotencyConfig({
  eventKeyJmesPath: 'messageAttributes."webhook-id".stringValue',
});

const recordHandler = makeIdempotent(
  async (record: SQSRecord) => {
    const event = JSON.parse(record.body) as { type: string };
    return { type: event.type };
  },
  { persistenceStore, config },
);

export const handler = async (event: SQSEvent, context: Context) => {
  config.registerLambdaContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
