// One piece of the receiver's INIT, loaded alone: node:crypto (which loads node:stream), needed to
// verify the HMAC and by aws4 to sign.
import { createHmac } from "node:crypto";

export const hmac = createHmac;
