import { describe, expect, it } from "vitest";

import { isGlobalIp, parseIpHost } from "../../local/polar-emulator/ip";
import { generatePolarToken, generateWebhookSecret } from "../../local/polar-emulator/secrets";
import {
  normalizeWebhookUrl,
  pythonStrip,
  validateWebhookUrl,
} from "../../local/polar-emulator/url";
import { validateUuid4 } from "../../local/polar-emulator/uuid";

describe("normalizeWebhookUrl", () => {
  it.each([
    ["  https://Example.COM:443  ", "https://example.com/"],
    ["https://example.com", "https://example.com/"],
    ["https://example.com:443/x", "https://example.com/x"],
    ["https://example.com:444/x", "https://example.com:444/x"],
    ["https://m\u00fcnchen.example/hook", "https://xn--mnchen-3ya.example/hook"],
    ["https://example.com/a b", "https://example.com/a%20b"],
    ["https://example.com/x?a=b c#d e", "https://example.com/x?a=b%20c#d%20e"],
    ["https://user:pw@EXAMPLE.com/", "https://user:pw@example.com/"],
    ["https://example.com/a/../b", "https://example.com/b"],
    ["\u00a0https://example.com/\u2003", "https://example.com/"],
  ])("normalizes %j to %j", (input, expected) => {
    expect(normalizeWebhookUrl(input)).toBe(expected);
  });

  it.each([
    "http://example.com/",
    "https://localhost/",
    "https://10.0.0.1/",
    "not a url",
    "https://",
    // UTS #46 maps the snowman to xn--n3h, but IDNA 2008 (Polar's hostname check) disallows it.
    "https://\u2603.net/",
  ])("returns undefined for %j, which Polar refuses", (input) => {
    expect(normalizeWebhookUrl(input)).toBeUndefined();
  });
});

describe("validateWebhookUrl parse errors", () => {
  it.each([
    ["https://", "empty host"],
    ["https://exa mple.com/", "invalid domain character"],
    ["https://example.com:99999/", "invalid port number"],
    ["https://[::1/", "invalid IPv6 address"],
    ["https://1.2.3.256/", "invalid IPv4 address"],
    ["example.com/hook", "relative URL without a base"],
  ])("reports %j as %j", (input, error) => {
    expect(validateWebhookUrl(input)).toEqual({
      ok: false,
      input,
      problem: {
        type: "url_parsing",
        msg: `Input should be a valid URL, ${error}`,
        ctx: { error },
      },
    });
  });

  it("counts the length limit in UTF-8 bytes of the stripped input", () => {
    const ascii = `https://example.com/${"a".repeat(2063)}`;
    const multiByte = `https://example.com/${"\u00e9".repeat(1032)}`;

    expect(ascii).toHaveLength(2083);
    expect(validateWebhookUrl(`  ${ascii}  `).ok).toBe(true);
    expect(multiByte).toHaveLength(1052);
    expect(Buffer.byteLength(multiByte)).toBe(2084);
    expect(validateWebhookUrl(multiByte)).toMatchObject({
      ok: false,
      problem: { type: "url_too_long" },
    });
  });
});

describe("pythonStrip", () => {
  it("strips what Python's str.strip strips, not what JS trim strips", () => {
    expect(pythonStrip("\u001c\u0085 x \t\n")).toBe("x");
    expect(pythonStrip("\ufeffx")).toBe("\ufeffx");
  });
});

describe("isGlobalIp (Python ipaddress semantics)", () => {
  it.each([
    ["8.8.8.8", true],
    ["1.1.1.1", true],
    ["192.0.0.9", true],
    ["10.0.0.1", false],
    ["100.64.0.1", false],
    ["127.0.0.1", false],
    ["169.254.169.254", false],
    ["172.31.255.255", false],
    ["172.32.0.1", true],
    ["192.0.2.1", false],
    ["198.18.0.1", false],
    ["255.255.255.255", false],
    ["[2606:4700::1111]", true],
    ["[::1]", false],
    ["[::]", false],
    ["[fe80::1]", false],
    ["[fd12:3456::1]", false],
    ["[2001:db8::1]", false],
    ["[::ffff:7f00:1]", false],
    ["[::ffff:808:808]", true],
    ["[2001:20::1]", true],
  ])("%s is global: %s", (host, expected) => {
    const ip = parseIpHost(host);
    expect(ip).toBeDefined();
    expect(isGlobalIp(ip!)).toBe(expected);
  });

  it("treats domain names as non-IP", () => {
    expect(parseIpHost("example.com")).toBeUndefined();
    expect(parseIpHost("1.2.3")).toBeUndefined();
  });
});

describe("validateUuid4", () => {
  it.each([
    ["2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7", "2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7"],
    ["2B9C2C645A554F4C9A390D4CB3F0A1E7", "2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7"],
    ["{2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7}", "2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7"],
    ["urn:uuid:2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7", "2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7"],
  ])("accepts %s", (input, canonical) => {
    expect(validateUuid4(input)).toEqual({ ok: true, uuid: canonical });
  });

  it.each([
    ["not-a-uuid", "invalid character: found `n` at 1"],
    ["abc", "invalid length: expected length 32 for simple format, found 3"],
    ["2b9c2c64-5a55-4f4c", "invalid group count: expected 5, found 3"],
    [
      "2b9c2c6-45a55-4f4c-9a39-0d4cb3f0a1e7",
      "invalid group length in group 0: expected 8, found 7",
    ],
    [
      "2b9c2c64-5a55-4f4c-9a39-0d4cb3f0a1e7a",
      "invalid group length in group 4: expected 12, found 13",
    ],
  ])("reports %j as %j", (input, error) => {
    expect(validateUuid4(input)).toEqual({
      ok: false,
      problem: {
        type: "uuid_parsing",
        msg: `Input should be a valid UUID, ${error}`,
        ctx: { error },
      },
    });
  });
});

describe("secrets and tokens", () => {
  it("generates Standard Webhooks and legacy secrets in Polar's shapes", () => {
    const standard = generateWebhookSecret("standard");
    const legacy = generateWebhookSecret("legacy");

    expect(standard.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(standard.usesStandardWebhookSignature).toBe(true);
    expect(legacy.secret).toMatch(/^whsec_[A-Za-z0-9]{43}$/);
    expect(legacy.usesStandardWebhookSignature).toBe(false);
    expect(generateWebhookSecret("standard").secret).not.toBe(standard.secret);
  });

  it("generates prefixed tokens with a 6-character checksum", () => {
    expect(generatePolarToken("polar_oat_")).toMatch(/^polar_oat_[A-Za-z0-9]{43}$/);
  });
});
