/**
 * The SQS server of the receiver section, in a process of its own so that its work does not share
 * the receiver's event loop (in AWS, SQS is another machine): the embedded queue of `npm run dev`.
 */
import { startLocalQueues } from "../../local/dev/index";
import { announce } from "./ipc";

async function main(): Promise<void> {
  const queues = await startLocalQueues();
  announce({ endpoint: queues.sqsEndpoint, queueUrl: queues.queueUrl }, () => {
    void queues.close().finally(() => process.exit(0));
  });
}

void main();
