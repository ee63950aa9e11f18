// Our normalizer must agree with the emulator's (written independently from Polar's pydantic rules):
// a disagreement would be a perpetual diff against real Polar.
import { describe, expect, it } from "vitest";
import { normalizeWebhookUrl } from "../../providers/polar";
import { normalizeWebhookUrl as emulatorNormalize } from "../emulators/polar";

describe("normalizeWebhookUrl parity with the Polar emulator", () => {
  it.each([
    "https://Example.COM",
    "  https://example.com/hook  ",
    "https://example.com:443/hook",
    "https://example.com:8443/Hook",
    "https://münchen.example/hook",
    "https://example.com/a hook?q=a b#frag ment",
    "https://EXAMPLE.com/%7Euser/",
    "https://example.com/./a/../b",
    "https://user:pa ss@example.com/",
    "https://hooks.slack.com/services/T000/B000/XXXX",
  ])("%j", (url) => {
    expect(normalizeWebhookUrl(url)).toBe(emulatorNormalize(url));
  });
});
