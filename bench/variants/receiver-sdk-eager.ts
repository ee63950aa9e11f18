// Alternative: our receiver with AWS SDK v3 clients built at INIT, as lambda/handler.ts did before
// aws-lite (the clients at module scope, as AWS recommends).
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import {
  DEFAULT_SQS_CLIENT_CONFIG,
  DEFAULT_SSM_CLIENT_CONFIG,
  sdkGetParameter,
  sdkSendMessage,
} from "../../lambda/aws-sdk";
import { createReceiver } from "../../lambda/receiver";

const sqs = new SQSClient(DEFAULT_SQS_CLIENT_CONFIG);
const ssm = new SSMClient(DEFAULT_SSM_CLIENT_CONFIG);

export const handler = createReceiver({
  aws: () => ({ sendMessage: sdkSendMessage(sqs), getParameter: sdkGetParameter(ssm) }),
});
