// The Lambda entry point: the receiver calling AWS through aws-lite (endpoints, region and
// credentials from the environment). Nothing is built at import; clients on the first delivery.
import { awsLiteCalls } from "./aws-lite";
import { createReceiver, type ReceiverHandler } from "./receiver";

export type { ReceiverHandler, ReceiverResult } from "./receiver";

export const handler: ReceiverHandler = createReceiver({ aws: awsLiteCalls });
