/**
 * Signing as a sender would, with the standard-webhooks library: Polar's two schemes (the key is
 * the base64 after `whsec_`, or the UTF-8 bytes of the whole secret), for tests that play Polar,
 * `polar listen` or a forger.
 */
import { Webhook } from "standardwebhooks";

export type Scheme = "standard" | "legacy";

export class Signer {
  readonly #webhook: Webhook;

  constructor(secret: string, scheme: Scheme = "standard") {
    this.#webhook =
      scheme === "standard"
        ? new Webhook(secret)
        : new Webhook(Buffer.from(secret, "utf8"), { format: "raw" });
  }

  headers(webhookId: string, body: string, at = new Date()): Record<string, string> {
    return {
      "webhook-id": webhookId,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": this.#webhook.sign(webhookId, at, body),
    };
  }
}
