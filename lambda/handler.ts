// The Lambda entry point. Clients are built once per container, configured by AWS_REGION and
// AWS_ENDPOINT_URL(_SQS/_SSM) as the SDK reads them.
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DEFAULT_SQS_CLIENT_CONFIG } from "./queue";
import { createHandler, type ReceiverHandler } from "./receiver";
import { DEFAULT_SSM_CLIENT_CONFIG } from "./secrets";

export { createHandler, type ReceiverHandler, type ReceiverResult } from "./receiver";

const sqsClient = new SQSClient(DEFAULT_SQS_CLIENT_CONFIG);
const ssmClient = new SSMClient(DEFAULT_SSM_CLIENT_CONFIG);

export const handler: ReceiverHandler = createHandler({ sqsClient, ssmClient });
