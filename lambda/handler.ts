/**
 * The Lambda entry point (`index.handler` in the bundle). Clients are created once per container
 * and configured by the SDK's standard environment (AWS_REGION, AWS_ENDPOINT_URL(_SQS/_SSM)).
 * Environment: QUEUE_URL, and WEBHOOK_SECRET_PARAMETER or (local use) POLAR_WEBHOOK_SECRET.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DEFAULT_SQS_CLIENT_CONFIG } from "./queue";
import { createHandler, type ReceiverHandler } from "./receiver";
import { DEFAULT_SSM_CLIENT_CONFIG } from "./secrets";

export { createHandler, type ReceiverHandler, type ReceiverResult } from "./receiver";

const sqsClient = new SQSClient(DEFAULT_SQS_CLIENT_CONFIG);
const ssmClient = new SSMClient(DEFAULT_SSM_CLIENT_CONFIG);

export const handler: ReceiverHandler = createHandler({ sqsClient, ssmClient });
