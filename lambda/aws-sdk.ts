/**
 * The receiver's two AWS calls through AWS SDK v3 clients, for callers that bring them (the local
 * server and `npm run dev` with their local queues, tests with stubbed clients). The Lambda itself
 * calls AWS through aws-lite (lambda/aws-lite.ts): the SDK is not in the receiver bundle.
 */
import { SendMessageCommand, SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";
import { GetParameterCommand, SSMClient, type SSMClientConfig } from "@aws-sdk/client-ssm";
import type { SendMessage } from "./queue";
import { ParameterSecretProvider, type GetParameter, type SecretCacheOptions } from "./secrets";

export const DEFAULT_SQS_CLIENT_CONFIG: SQSClientConfig = {
  // The endpoint comes from AWS_REGION/AWS_ENDPOINT_URL(_SQS), not the queue URL's host, which for
  // fauxqs (`sqs.us-east-1.localhost`) does not resolve. So the queue must be in the function's
  // region (the component creates both).
  useQueueUrlAsEndpoint: false,
  maxAttempts: 3,
  // throwOnRequestTimeout: see DEFAULT_SSM_CLIENT_CONFIG.
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_500, throwOnRequestTimeout: true },
};

export const DEFAULT_SSM_CLIENT_CONFIG: SSMClientConfig = {
  maxAttempts: 3,
  // Without throwOnRequestTimeout, @smithy/node-http-handler only warns when requestTimeout passes
  // and keeps waiting [measured: a silent endpoint held send() for over 60 s].
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
};

export function sdkSendMessage(client: SQSClient): SendMessage {
  return (input, abortSignal) => client.send(new SendMessageCommand(input), { abortSignal });
}

export function sdkGetParameter(client: SSMClient): GetParameter {
  return async (name, abortSignal) => {
    const output = await client.send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
      {
        abortSignal,
      },
    );
    return output.Parameter?.Value;
  };
}

/** The client given, else one built from the config over our defaults. */
export function sqsClientFrom(options: {
  sqsClient?: SQSClient | undefined;
  sqsClientConfig?: SQSClientConfig | undefined;
}): SQSClient {
  return (
    options.sqsClient ?? new SQSClient({ ...DEFAULT_SQS_CLIENT_CONFIG, ...options.sqsClientConfig })
  );
}

/** The client given, else one built from the config over our defaults. */
export function ssmClientFrom(options: {
  ssmClient?: SSMClient | undefined;
  ssmClientConfig?: SSMClientConfig | undefined;
}): SSMClient {
  return (
    options.ssmClient ?? new SSMClient({ ...DEFAULT_SSM_CLIENT_CONFIG, ...options.ssmClientConfig })
  );
}

export type SsmSecretProviderOptions = SecretCacheOptions &
  (
    | { ssmClient: SSMClient; clientConfig?: never }
    | { ssmClient?: never; clientConfig?: SSMClientConfig }
  );

/** The SSM parameter's secrets read through an SDK v3 client (given, or built from `clientConfig`). */
export class SsmSecretProvider extends ParameterSecretProvider {
  constructor(options: SsmSecretProviderOptions) {
    const { ssmClient, clientConfig, ...cache } = options;
    const client = ssmClientFrom({ ssmClient, ssmClientConfig: clientConfig });
    super({ ...cache, getParameter: sdkGetParameter(client) });
  }
}
