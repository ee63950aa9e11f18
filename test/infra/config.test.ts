// Stack config beyond the parser: the runtime's secret keys, the server/stack-name warning, the
// component's own argument checks, and the program refusing a bad config before it declares anything.
import { beforeAll, describe, expect, it } from "vitest";
import { parseStackConfig, serverMismatchWarning, StackConfigError } from "../../infra/config";
import { LOG_RETENTION_DAYS, PolarWebhookIngress } from "../../infra/ingress";
import { installMocks, settle, type Harness } from "./support";

const EVENTS = '["order.paid"]';
const RETENTIONS = LOG_RETENTION_DAYS.join(", ");

describe("Function: parseStackConfig with the runtime's secret keys", () => {
  const TOKEN = "polar_oat_plain1234567890";
  const SLACK = "https://hooks.slack.com/services/T0/B0/plainsecret";
  const DISCORD = "https://discord.com/api/webhooks/1/plainsecret";
  const credentials = {
    "polar-webhooks:events": EVENTS,
    "polar:accessToken": TOKEN,
    "polar-webhooks:extraEndpoints": JSON.stringify([
      { name: "slack", url: SLACK, events: ["order.paid"] },
      { name: "discord", url: DISCORD, events: ["order.paid"] },
    ]),
  };
  const secrecy = (...secretKeys: string[]) => ({
    stack: "dev",
    isSecret: (key: string) => secretKeys.includes(key),
  });

  it("refuses the token and notification URLs set without --secret, with the commands that fix it", () => {
    // Act
    let error: unknown;
    try {
      parseStackConfig(credentials, secrecy());
    } catch (caught) {
      error = caught;
    }
    // Assess
    expect(error).toBeInstanceOf(StackConfigError);
    expect((error as StackConfigError).problems.map((p) => p.message)).toEqual([
      "polar:accessToken: set without --secret, so the token is stored in clear in Pulumi.dev.yaml and would be " +
        "copied into the state; run `pulumi config set --secret polar:accessToken polar_oat_… -s dev` " +
        "(or remove it and set env POLAR_ACCESS_TOKEN)",
      "polar-webhooks:extraEndpoints: set without --secret, so its URLs (credentials: a Slack or Discord webhook " +
        "URL lets anyone post) are stored in clear in Pulumi.dev.yaml and would be copied into the state; run " +
        "`pulumi config set --secret --path 'polar-webhooks:extraEndpoints[0].url' … -s dev` and " +
        "`pulumi config set --secret --path 'polar-webhooks:extraEndpoints[1].url' … -s dev`",
    ]);
    for (const credential of [TOKEN, SLACK, DISCORD]) {
      expect((error as Error).message).not.toContain(credential);
    }
  });

  it("accepts them set with --secret", () => {
    const config = parseStackConfig(
      credentials,
      secrecy("polar:accessToken", "polar-webhooks:extraEndpoints"),
    );
    expect(config.extraEndpoints.map((e) => e.url)).toEqual([SLACK, DISCORD]);
  });

  it("does not ask for --secret on an empty list or an unset token", () => {
    expect(
      parseStackConfig(
        { "polar-webhooks:events": EVENTS, "polar-webhooks:extraEndpoints": "[]" },
        secrecy(),
      ).extraEndpoints,
    ).toEqual([]);
  });
});

describe("Function: serverMismatchWarning", () => {
  it.each<[string, "sandbox" | "production", string | undefined]>([
    ["dev", "sandbox", undefined],
    ["prod", "production", undefined],
    ["feature-x", "production", undefined],
    [
      "dev",
      "production",
      'Stack "dev" targets polar:server=production: its webhook endpoint will receive live customer events. If that is not intended, run `pulumi config set polar:server sandbox -s dev`.',
    ],
    [
      "acme-staging",
      "production",
      'Stack "acme-staging" targets polar:server=production: its webhook endpoint will receive live customer events. If that is not intended, run `pulumi config set polar:server sandbox -s acme-staging`.',
    ],
    [
      "prod",
      "sandbox",
      'Stack "prod" targets polar:server=sandbox (the default when unset): no live events will arrive. If that is not intended, run `pulumi config set polar:server production -s prod`.',
    ],
    ["prod-sandbox", "sandbox", undefined],
  ])("stack %s with %s", (stack, server, warning) => {
    expect(serverMismatchWarning(stack, server)).toBe(warning);
  });
});

describe("Class: PolarWebhookIngress", () => {
  describe("Method: validateArgs", () => {
    it("names every bad argument in one error", () => {
      expect(() =>
        PolarWebhookIngress.validateArgs("a".repeat(56), {
          signingSecrets: { current: "whsec_x" },
          path: "polar",
          consumerTimeoutSeconds: 7201,
          timeoutSeconds: 31,
          maxReceiveCount: 0,
          logRetentionDays: 2 as never,
        }),
      ).toThrowError(
        `PolarWebhookIngress ${"a".repeat(56)}: [name] must be 1-51 letters, digits or "-" ` +
          `(got "${"a".repeat(56)}": its IAM role name would be 69 characters, AWS allows 64); ` +
          '[path] must look like "/polar/webhooks" (got "polar"); ' +
          "[consumerTimeoutSeconds] must be a whole number from 1 to 7200 (got 7201); " +
          "[maxReceiveCount] must be a whole number from 1 to 1000 (got 0); " +
          "[timeoutSeconds] must be a whole number from 1 to 30 (got 31); " +
          `[logRetentionDays] must be one of ${RETENTIONS} (got 2)`,
      );
    });

    it("names a character AWS would refuse", () => {
      expect(() =>
        PolarWebhookIngress.validateArgs("hooks_dev", { signingSecrets: { current: "whsec_x" } }),
      ).toThrowError(
        'PolarWebhookIngress hooks_dev: [name] must be 1-51 letters, digits or "-" (got "hooks_dev")',
      );
    });

    it("accepts the defaults", () => {
      expect(
        PolarWebhookIngress.validateArgs("polar-webhooks-dev", {
          signingSecrets: { current: "whsec_x" },
        }),
      ).toBe(undefined);
    });
  });
});

describe("Program: bad stack config", () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await installMocks("dev", {
      "aws:region": "eu-west-1",
      "polar:server": "sandbox",
      "polar-webhooks:events": ["order.payed"],
      "polar-webhooks:logRetentionDays": 10,
      "polar-webhooks:rotationGraceHours": 200,
    });
  });

  it("fails on import with every bad key and declares no resource", async () => {
    // Act
    const loading = import("../../infra/index.js");
    // Assess
    await expect(loading).rejects.toThrowError(
      "Invalid stack configuration (3 problems; nothing was created):\n" +
        '  polar-webhooks:events: ["order.payed"] is invalid; [0]: "order.payed" is not a Polar event type (did you mean "order.paid"?); use a non-empty list of distinct Polar event types, e.g. ["order.paid", "subscription.updated"]\n' +
        "  polar-webhooks:rotationGraceHours: 200 is invalid; use a whole number of hours from 0 to 168 (7 days, as Stripe's roll secret allows): how long the previous signing secret stays valid after a rotation; 0 ends it at once\n" +
        `  polar-webhooks:logRetentionDays: 10 is invalid; use one of CloudWatch's retention periods: ${RETENTIONS}`,
    );
    await settle();
    expect(harness.resources).toEqual([]);
  });
});
