/**
 * What other parts use from the adversarial suite: `npm run bench` runs the receiver fuzzer with
 * 100,000 cases (`runReceiverFuzz({ cases: 100_000, seed })`) and prints its counts.
 */
export { runReceiverFuzz, type ReceiverFuzzOptions, type ReceiverFuzzResult } from "./fuzz";
