// The consumer Lambda: Polar's events from the ingress's queue, typed by Polar's SDK, each webhook-id handled once
// (DynamoDB idempotency, set up by the component). Only `polar-webhooks-as-code/consumer` here: no Pulumi.
import {
  createPolarEventConsumer,
  isRenewal,
  type PolarEventHandlers,
} from "polar-webhooks-as-code/consumer";

export const handlers = {
  "order.paid": async (event) => {
    const order = event.data;
    console.log(
      JSON.stringify({
        grant: order.customer_id,
        product: order.product_id,
        renewal: isRenewal(order),
      }),
    );
  },
  "subscription.revoked": async (event) => {
    console.log(JSON.stringify({ revoke: event.data.customer_id, subscription: event.data.id }));
  },
} satisfies PolarEventHandlers;

export const handler = createPolarEventConsumer({ handlers });
