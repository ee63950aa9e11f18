// The provider is serialized into state by value. Whatever it caches while running in the program's
// process (zod schemas, settings) must not be captured: zod schemas do not serialize, and settings
// may hold the token.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkWebhookEndpointInputs,
  PolarClient,
  webhookEndpointProvider,
} from "../../providers/polar";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";

describe("serialized webhookEndpointProvider", () => {
  let polar: PolarEmulator;
  beforeAll(async () => {
    polar = await startPolarEmulator();
  });
  afterAll(async () => {
    await polar?.close();
  });

  it("captures no cache, schema or token after the program used the client and the checks", async () => {
    const before = await pulumi.runtime.serializeFunction(() => webhookEndpointProvider, {
      allowSecrets: true,
    });

    // What a program may do before declaring a resource: use the client, run the input rules.
    const client = new PolarClient({ accessToken: polar.organizationToken, baseUrl: polar.url });
    await client.listWebhookEndpoints();
    await client.close();
    checkWebhookEndpointInputs(
      { url: "https://example.com/hook", events: ["order.paid"] },
      "organization",
    );
    await webhookEndpointProvider.configure({
      config: {
        get: (key: string) => (key === "polar:accessToken" ? polar.organizationToken : undefined),
        require: (k: string) => k,
      },
    });

    const after = await pulumi.runtime.serializeFunction(() => webhookEndpointProvider, {
      allowSecrets: true,
    });
    expect(after.text).toBe(before.text);
    expect(after.text).not.toContain(polar.organizationToken);
    expect(after.containsSecrets).toBe(false);
  });
});
