// Alternative: our receiver with AWS SDK v3 clients imported and built on the first delivery (the
// bundle still holds the SDK; its modules are evaluated only then).
import type { ReceiverAws } from "../../lambda/receiver";
import { createReceiver } from "../../lambda/receiver";

let clients: Promise<ReceiverAws> | undefined;

async function load(): Promise<ReceiverAws> {
  const [{ SQSClient }, { SSMClient }, sdk] = await Promise.all([
    import("@aws-sdk/client-sqs"),
    import("@aws-sdk/client-ssm"),
    import("../../lambda/aws-sdk.js"),
  ]);
  return {
    sendMessage: sdk.sdkSendMessage(new SQSClient(sdk.DEFAULT_SQS_CLIENT_CONFIG)),
    getParameter: sdk.sdkGetParameter(new SSMClient(sdk.DEFAULT_SSM_CLIENT_CONFIG)),
  };
}

export const handler = createReceiver({
  aws: () => ({
    sendMessage: async (input, signal) => (await (clients ??= load())).sendMessage(input, signal),
    getParameter: async (name, signal) => (await (clients ??= load())).getParameter(name, signal),
  }),
});
