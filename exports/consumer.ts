/**
 * `polar-webhooks-as-code/consumer`: the code of your consumer Lambda, fed by the ingress's queue. No Pulumi and no
 * esbuild in its imports, so its bundle stays small.
 *
 *   import { createPolarEventConsumer } from "polar-webhooks-as-code/consumer";
 *   export const handler = createPolarEventConsumer({
 *     handlers: { "order.paid": async (event) => { … event.data is Polar's Order … } },
 *   });
 */
// Powertools' declarations (and ours) name ErrorOptions, from ES2022's library: a program on Pulumi's template
// tsconfig (target es2020) gets it through this reference.
/// <reference lib="es2022.error" preserve="true" />
export * from "../lambda/consumer/index";
