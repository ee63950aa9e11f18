// One piece of the receiver's INIT, loaded alone: zod/mini with a schema like the envelope's.
import * as z from "zod/mini";

export const envelope = z.object({ type: z.string().check(z.minLength(1), z.maxLength(256)) });
