// The package's main entry (infra/package.ts) without its optional peer @pulumi/aws: one sentence naming the fix and
// the entry point that needs no AWS, instead of Node's "Cannot find module".
import { describe, expect, it } from "vitest";
import { missingAwsProviderMessage } from "../../infra/peers";

describe("Function: missingAwsProviderMessage", () => {
  it("says nothing when @pulumi/aws resolves", () => {
    expect(missingAwsProviderMessage(() => "/node_modules/@pulumi/aws/index.js")).toBeUndefined();
    expect(missingAwsProviderMessage()).toBeUndefined();
  });

  it("names the package to install and the entry point for endpoints alone", () => {
    const missing = () => {
      throw Object.assign(new Error("Cannot find module '@pulumi/aws'"), {
        code: "MODULE_NOT_FOUND",
      });
    };
    expect(missingAwsProviderMessage(missing)).toBe(
      "polar-webhooks-as-code: PolarWebhookIngress needs @pulumi/aws (npm install @pulumi/aws@^7.48). " +
        'For Polar endpoints alone, import { WebhookEndpoint } from "polar-webhooks-as-code/provider", which needs no AWS.',
    );
  });
});
