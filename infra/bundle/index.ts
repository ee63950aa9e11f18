/**
 * The Lambdas' code, bundled by esbuild at deploy time: the receiver from lambda/handler.ts, a consumer from the
 * user's entry file. What the component, the config checks, the local twin and the bench use.
 */
export {
  buildReceiverBundle,
  RECEIVER_ENTRY_POINT,
  type ReceiverBundle,
  type ReceiverBundleOptions,
} from "./receiver";
export {
  buildConsumerBundle,
  checkConsumerEntry,
  EXAMPLE_CONSUMER_ENTRY,
  type ConsumerBundle,
  type ConsumerBundleOptions,
} from "./consumer";
