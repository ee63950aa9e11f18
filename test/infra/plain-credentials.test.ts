// The program under mocks with the Polar token and a notification URL set without --secret: it refuses to start,
// names both keys with the command that fixes each, never prints the credentials, and declares nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, readStackFile, settle, type Harness } from "./support";

const TOKEN = "polar_oat_plainTokenThatMustNotLeak";
const SLACK_URL = "https://hooks.slack.com/services/T000/B000/plainUrlThatMustNotLeak";

describe("Program: credentials set without --secret", () => {
  let harness: Harness;

  beforeAll(async () => {
    // Prepare: what `pulumi config set polar:accessToken …` (no --secret) leaves in the dev stack.
    harness = await installMocks("dev", {
      ...readStackFile("dev"),
      "polar:accessToken": TOKEN,
      "polar-webhooks:extraEndpoints": [{ name: "slack", url: SLACK_URL, events: ["order.paid"] }],
    });
  });

  it("fails on import with the fixing commands, without the values, and declares no resource", async () => {
    // Act
    const loading = import("../../infra/index.js");
    // Assess
    await expect(loading).rejects.toThrowError(
      "Invalid stack configuration (2 problems; nothing was created):\n" +
        "  polar:accessToken: set without --secret, so the token is stored in clear in Pulumi.dev.yaml and would " +
        "be copied into the state; run `pulumi config set --secret polar:accessToken polar_oat_… -s dev` (or " +
        "remove it and set env POLAR_ACCESS_TOKEN)\n" +
        "  polar-webhooks:extraEndpoints: set without --secret, so its URLs (credentials: a Slack or Discord " +
        "webhook URL lets anyone post) are stored in clear in Pulumi.dev.yaml and would be copied into the state; " +
        "run `pulumi config set --secret --path 'polar-webhooks:extraEndpoints[0].url' … -s dev`",
    );
    const message = await loading.catch((error: Error) => error.message);
    expect(message).not.toContain(TOKEN);
    expect(message).not.toContain("plainUrlThatMustNotLeak");
    await settle();
    expect(harness.resources).toEqual([]);
  });
});
