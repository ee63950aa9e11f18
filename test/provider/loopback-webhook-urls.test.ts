// The one departure from Polar's URL rules: loopback webhook URLs, for `npm run dev` only (a local
// emulator as the API and an explicit switch). Everywhere else the provider refuses them as Polar does.
import { describe, expect, it } from "vitest";
import {
  checkWebhookEndpointInputs,
  isLoopbackUrl,
  loopbackWebhookUrlsAllowed,
  webhookEndpointProvider,
  webhookUrlProblem,
  type WebhookEndpointInputs,
} from "../../providers/polar";
import { restoreEnvironmentAfterEach } from "./support";

restoreEnvironmentAfterEach();

describe("webhookUrlProblem with allowLoopback", () => {
  it.each([
    "http://127.0.0.1:3000/polar/webhooks",
    "https://127.0.0.1/hook",
    "http://127.9.8.7/hook",
    "http://localhost:4000/",
    "http://[::1]:8080/hook",
  ])("accepts the loopback URL %s", (url) => {
    expect(webhookUrlProblem(url, { allowLoopback: true })).toBeUndefined();
  });

  it.each([
    ["http://10.0.0.5/hook", "uses http; Polar only delivers to https URLs"],
    ["http://example.com/hook", "uses http; Polar only delivers to https URLs"],
    ["ftp://127.0.0.1/hook", "uses ftp; Polar only delivers to https URLs"],
  ])("still refuses %s", (url, expected) => {
    expect(webhookUrlProblem(url, { allowLoopback: true })).toBe(expected);
  });

  it.each(["https://192.168.1.10/hook", "https://api.localhost/hook", "https://[fd00::1]/"])(
    "still refuses the private (not loopback) host of %s",
    (url) => {
      expect(webhookUrlProblem(url, { allowLoopback: true })).toMatch(
        /^points to localhost or a private IP address/,
      );
    },
  );

  it("is Polar's rule without the switch", () => {
    expect(webhookUrlProblem("http://127.0.0.1:3000/hook")).toBe(
      "uses http; Polar only delivers to https URLs",
    );
    expect(webhookUrlProblem("https://127.0.0.1:3000/hook")).toMatch(
      /^points to localhost or a private IP address/,
    );
  });
});

describe("isLoopbackUrl", () => {
  it.each([
    ["http://127.0.0.1:4010", true],
    ["http://LOCALHOST:4010/v1", true],
    ["http://[::1]/", true],
    ["http://[0:0:0:0:0:0:0:1]/", true],
    ["https://sandbox-api.polar.sh", false],
    ["http://10.0.0.1", false],
    ["http://[::2]/", false],
    ["not a url", false],
  ])("%s → %s", (url, expected) => {
    expect(isLoopbackUrl(url)).toBe(expected);
  });
});

describe("checkWebhookEndpointInputs with a URL policy", () => {
  it("normalizes an accepted loopback URL as Polar would store it", () => {
    const { inputs, failures } = checkWebhookEndpointInputs(
      { url: "http://127.0.0.1:3000", events: ["order.paid"] },
      "organization",
      { allowLoopback: true },
    );
    expect(failures).toEqual([]);
    expect(inputs.url).toBe("http://127.0.0.1:3000/");
  });

  it("does not let a schema built with the switch answer a call without it", () => {
    const raw = { url: "http://127.0.0.1:3000/", events: ["order.paid"] };
    expect(
      checkWebhookEndpointInputs(raw, "organization", { allowLoopback: true }).failures,
    ).toEqual([]);
    expect(checkWebhookEndpointInputs(raw, "organization").failures).toEqual([
      {
        property: "url",
        reason: 'url "http://127.0.0.1:3000/" uses http; Polar only delivers to https URLs.',
      },
    ]);
  });
});

describe("provider check: the switch and a loopback API URL, both required", () => {
  const news = {
    url: "http://127.0.0.1:3000/polar/webhooks",
    events: ["order.paid"],
  } as unknown as WebhookEndpointInputs;
  const token = "polar_oat_local0000000000000000000000000000000";

  it.each([
    ["the switch and an emulator API URL", "http://127.0.0.1:4010", "true", true],
    ["an emulator API URL without the switch", "http://127.0.0.1:4010", undefined, false],
    ["the switch with Polar's sandbox API", "https://sandbox-api.polar.sh", "true", false],
    ['a switch that is not "true"', "http://127.0.0.1:4010", "yes", false],
  ])("%s", async (_case, apiUrl, flag, accepted) => {
    // Prepare
    process.env.POLAR_ACCESS_TOKEN = token;
    process.env.POLAR_API_URL = apiUrl;
    if (flag === undefined) delete process.env.POLAR_ALLOW_LOOPBACK_WEBHOOK_URLS;
    else process.env.POLAR_ALLOW_LOOPBACK_WEBHOOK_URLS = flag;
    // Act
    const result = await webhookEndpointProvider.check!({} as WebhookEndpointInputs, news);
    // Assess
    expect(loopbackWebhookUrlsAllowed(apiUrl)).toBe(accepted);
    if (accepted) {
      expect(result.failures).toEqual([]);
      expect(result.inputs).toMatchObject({ url: news.url, polarApiUrl: apiUrl });
    } else {
      expect(result.failures).toEqual([
        {
          property: "url",
          reason:
            'url "http://127.0.0.1:3000/polar/webhooks" uses http; Polar only delivers to https URLs.',
        },
      ]);
    }
  });

  it("reads the switch from stack config (polar:allowLoopbackWebhookUrls) before the environment", async () => {
    process.env.POLAR_ACCESS_TOKEN = token;
    process.env.POLAR_API_URL = "http://127.0.0.1:4010";
    process.env.POLAR_ALLOW_LOOPBACK_WEBHOOK_URLS = "true";
    const config = new Map([["polar:allowLoopbackWebhookUrls", "false"]]);
    await webhookEndpointProvider.configure!({
      config: { get: (k: string) => config.get(k) },
    } as never);
    const result = await webhookEndpointProvider.check!({} as WebhookEndpointInputs, news);
    expect(result.failures).toHaveLength(1);
  });
});
