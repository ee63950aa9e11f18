import { describe, expect, it } from "vitest";
import { detectWebhookFormat, normalizeWebhookUrl, webhookUrlProblem } from "../../providers/polar";

describe("normalizeWebhookUrl (as Polar/pydantic AnyUrl stores it)", () => {
  it.each([
    ["https://Example.COM", "https://example.com/"],
    ["  https://example.com/hook  ", "https://example.com/hook"],
    ["https://example.com:443/hook", "https://example.com/hook"],
    ["https://example.com:8443/hook", "https://example.com:8443/hook"],
    ["https://münchen.example/hook", "https://xn--mnchen-3ya.example/hook"],
    ["https://example.com/a hook", "https://example.com/a%20hook"],
    ["https://example.com/hook?x=1&y=a b", "https://example.com/hook?x=1&y=a%20b"],
    ["https://EXAMPLE.com/Path/Case", "https://example.com/Path/Case"],
  ])("%j → %j", (input, expected) => {
    expect(normalizeWebhookUrl(input)).toBe(expected);
  });
});

describe("webhookUrlProblem (Polar's URL rules)", () => {
  it.each([
    ["https://example.com/hook", undefined],
    ["https://93.184.216.34/hook", undefined],
    ["https://[2606:4700::1111]/hook", undefined],
    ["http://example.com/hook", "uses http; Polar only delivers to https URLs"],
    ["ftp://example.com/", "uses ftp; Polar only delivers to https URLs"],
    ["example.com/hook", "is not a valid absolute URL (expected https://host/path)"],
    ["", "must not be empty"],
  ])("%j", (input, expected) => {
    expect(webhookUrlProblem(input)).toBe(expected);
  });

  it.each([
    "https://localhost/hook",
    "https://api.localhost/hook",
    "https://127.0.0.1/hook",
    "https://127.1.2.3/hook",
    "https://0.0.0.0/hook",
    "https://10.1.2.3/hook",
    "https://172.16.0.1/hook",
    "https://172.31.255.255/hook",
    "https://192.168.1.10/hook",
    "https://169.254.169.254/latest",
    "https://100.64.0.1/hook",
    "https://[::1]/hook",
    "https://[fd00::1]/hook",
    "https://[fe80::1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
  ])("rejects local or private host %s", (input) => {
    expect(webhookUrlProblem(input)).toMatch(/^points to localhost or a private IP address/);
  });

  it("allows 172.32.x (outside 172.16/12)", () => {
    expect(webhookUrlProblem("https://172.32.0.1/hook")).toBeUndefined();
  });

  it("enforces Polar's 2083-character limit", () => {
    const base = "https://example.com/";
    expect(webhookUrlProblem(base + "a".repeat(2083 - base.length))).toBeUndefined();
    expect(webhookUrlProblem(base + "a".repeat(2084 - base.length))).toBe(
      "is 2084 characters long; Polar accepts at most 2083",
    );
  });
});

describe("detectWebhookFormat (the dashboard's rule)", () => {
  it.each([
    ["https://hooks.slack.com/services/T000/B000/XXXX", "slack"],
    ["https://HOOKS.slack.com/services/T000/B000/XXXX", "slack"],
    ["https://discord.com/api/webhooks/123/abc", "discord"],
    ["https://discord.com/api/webhooksX", "discord"],
    ["https://example.com/hooks.slack.com/services/", "raw"],
    ["https://hooks.slack.com/other", "raw"],
    ["not a url", "raw"],
  ])("%s → %s", (url, format) => {
    expect(detectWebhookFormat(url)).toBe(format);
  });
});
