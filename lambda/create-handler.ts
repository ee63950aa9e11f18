/**
 * `createHandler`: the receiver (lambda/receiver.ts) with its AWS calls taken from the options:
 * AWS SDK v3 clients or client configs a caller brings (the local server and `npm run dev` with
 * their local queues, tests with stubbed clients), else aws-lite as in the Lambda. The Lambda's
 * entry point (handler.ts) does not import this module, so the SDK stays out of its bundle.
 */
import type { SQSClient, SQSClientConfig } from "@aws-sdk/client-sqs";
import type { SSMClient, SSMClientConfig } from "@aws-sdk/client-ssm";
import { awsLiteCalls } from "./aws-lite";
import { sdkGetParameter, sdkSendMessage, sqsClientFrom, ssmClientFrom } from "./aws-sdk";
import { createReceiver, type ReceiverBaseOptions, type ReceiverHandler } from "./receiver";

export type ReceiverOptions = ReceiverBaseOptions &
  (
    | { sqsClient?: SQSClient; sqsClientConfig?: never }
    | { sqsClient?: never; sqsClientConfig?: SQSClientConfig }
  ) &
  (
    | { ssmClient?: SSMClient; ssmClientConfig?: never }
    | { ssmClient?: never; ssmClientConfig?: SSMClientConfig }
  );

export function createHandler(options: ReceiverOptions = {}): ReceiverHandler {
  const { sqsClient, sqsClientConfig, ssmClient, ssmClientConfig, ...base } = options;
  const sdk = { sqsClient, sqsClientConfig, ssmClient, ssmClientConfig };
  const sdkSqs = sqsClient !== undefined || sqsClientConfig !== undefined;
  const sdkSsm = ssmClient !== undefined || ssmClientConfig !== undefined;
  return createReceiver({
    ...base,
    aws: () => {
      const lite = awsLiteCalls();
      return {
        sendMessage: sdkSqs ? sdkSendMessage(sqsClientFrom(sdk)) : lite.sendMessage,
        getParameter: sdkSsm ? sdkGetParameter(ssmClientFrom(sdk)) : lite.getParameter,
      };
    },
  });
}
