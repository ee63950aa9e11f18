// Bad input fails `pulumi preview` with one sentence naming the field and the fix; nothing is created.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookEndpoint, type WebhookEndpointArgs } from "../../providers/polar";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { createEngineStack, type EngineStack } from "./harness";

describe("WebhookEndpoint rejects bad input at preview", () => {
  let polar: PolarEmulator;
  let engine: EngineStack;
  let args: Record<string, unknown> = {};

  beforeAll(async () => {
    polar = await startPolarEmulator();
    engine = await createEngineStack({
      projectName: "polar-endpoint-bad-input",
      program: async () => {
        new WebhookEndpoint("hook", { ...(args as unknown as WebhookEndpointArgs) });
      },
      config: { "polar:apiUrl": { value: polar.url } },
    });
  });
  afterAll(async () => {
    await engine?.dispose();
    await polar?.close();
  });

  async function previewError(
    token: string | undefined,
    input: Record<string, unknown>,
  ): Promise<string> {
    if (token) await engine.stack.setConfig("polar:accessToken", { value: token, secret: true });
    else await engine.stack.removeConfig("polar:accessToken").catch(() => undefined);
    args = input;
    polar.resetRequests();
    let output = "";
    try {
      await engine.stack.preview({ onOutput: (line) => (output += line) });
    } catch (error) {
      expect(polar.requests).toEqual([]);
      expect(polar.endpoints()).toEqual([]);
      return `${output}\n${(error as Error).message}`;
    }
    throw new Error("preview succeeded");
  }

  const valid = { url: "https://example.com/hook", events: ["order.paid"] };

  it.each([
    [
      "an unknown event",
      { ...valid, events: ["order.payed"] },
      'events[0] "order.payed" is not a Polar event type; did you mean "order.paid"?',
    ],
    [
      "an http URL",
      { ...valid, url: "http://example.com/hook" },
      'url "http://example.com/hook" uses http; Polar only delivers to https URLs.',
    ],
    [
      "a localhost URL",
      { ...valid, url: "https://localhost:3000/hook" },
      'url "https://localhost:3000/hook" points to localhost or a private IP address, which Polar rejects',
    ],
    [
      "a private IP URL",
      { ...valid, url: "https://10.0.0.5/hook" },
      'url "https://10.0.0.5/hook" points to localhost or a private IP address',
    ],
    [
      "an unknown format",
      { ...valid, format: "teams" },
      'format "teams" is not supported; use one of raw, slack, discord',
    ],
  ])("%s", async (_case, input, sentence) => {
    expect(await previewError(polar.organizationToken, input)).toContain(sentence);
  });

  it("organizationId with an organization token", async () => {
    const message = await previewError(polar.organizationToken, {
      ...valid,
      organizationId: polar.organizationId,
    });
    expect(message).toContain(
      "organizationId must be omitted with an organization access token (polar_oat_…)",
    );
    expect(message).not.toContain(polar.organizationToken);
  });

  it("a missing token", async () => {
    const message = await previewError(undefined, valid);
    expect(message).toContain(
      "Polar access token is missing: run `pulumi config set --secret polar:accessToken <token>` or set POLAR_ACCESS_TOKEN",
    );
  });

  it("an adoptId that does not exist fails up with the id and the fix, creating nothing", async () => {
    await engine.stack.setConfig("polar:accessToken", {
      value: polar.organizationToken,
      secret: true,
    });
    const missing = "7d1b6a3e-2f4c-4e8a-9b0d-1c2e3f4a5b6c";
    args = { ...valid, adoptId: missing };
    polar.resetRequests();
    let message = "";
    await engine.stack
      .up({ onOutput: (line) => (message += line) })
      .catch((error: Error) => (message += error.message));
    expect(message).toContain(
      `adoptId ${missing}: no such webhook endpoint is visible to this token in Polar sandbox; check the id (Polar dashboard → Settings → Webhooks) and that the token belongs to its organization.`,
    );
    expect(polar.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 404"]);
    expect(polar.endpoints()).toEqual([]);
  });
});
