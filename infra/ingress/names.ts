/** The physical names the component derives from its `name`. */
export const queueName = (name: string, fifo: boolean) => `${name}-queue${fifo ? ".fifo" : ""}`;
export const deadLetterQueueName = (name: string, fifo: boolean) =>
  `${name}-dlq${fifo ? ".fifo" : ""}`;
export const receiverFunctionName = (name: string) => `${name}-receiver`;
export const lambdaLogGroupName = (functionName: string) => `/aws/lambda/${functionName}`;
export const accessLogGroupName = (name: string) => `/aws/apigateway/${name}`;
export const secretParameterName = (name: string) => `/${name}/webhook-secrets`;
export const forbiddenMetricName = (name: string) => `${name}-forbidden`;
