/**
 * The Lambdas off Lambda: the receiver behind a plain HTTP server (API Gateway's payload 2.0 built per request), and
 * a consumer fed by polling an SQS queue (the event Lambda's event source mapping would deliver).
 */
export {
  DEFAULT_PORT,
  startLocalReceiver,
  toApiGatewayEvent,
  type LocalReceiver,
  type LocalReceiverOptions,
  type LocalRequest,
} from "./http-receiver";
export {
  SqsEventSource,
  toSqsRecord,
  type PollResult,
  type SqsBatchHandler,
  type SqsEventSourceOptions,
} from "./sqs-event-source";
