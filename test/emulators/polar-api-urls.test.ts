// The emulator's webhook URL rules, and the allowLoopbackUrls switch.
import { describe, expect, it } from "vitest";
import {
  polar,
  api,
  createBody,
  ENDPOINTS,
  PRIVATE_HOST,
  restartEmulator,
} from "./polar-api-support";

describe("URL rules", () => {
  async function urlErrors(url: unknown) {
    const response = await api("POST", ENDPOINTS, { body: createBody({ url }) });
    expect(response.status).toBe(422);
    return (response.json as { error: string; detail: unknown[] }).detail;
  }

  it("refuses http with url_scheme", async () => {
    expect(await urlErrors("http://example.com/x")).toEqual([
      {
        type: "url_scheme",
        loc: ["body", "url"],
        msg: "URL scheme should be 'https'",
        input: "http://example.com/x",
        ctx: { expected_schemes: "'https'" },
      },
    ]);
  });

  it.each([
    "https://localhost/x",
    "https://LOCALHOST:8443/x",
    "https://127.0.0.1/x",
    "https://0.0.0.0/x",
    "https://10.1.2.3/x",
    "https://172.16.0.1/x",
    "https://192.168.1.10/x",
    "https://169.254.169.254/latest",
    "https://100.64.0.1/x",
    "https://[::1]/x",
    "https://[fd00::1]/x",
    "https://[::ffff:127.0.0.1]/x",
  ])("refuses the non-global host of %s", async (url) => {
    expect(await urlErrors(url)).toEqual([
      {
        type: "value_error",
        loc: ["body", "url"],
        msg: `Value error, ${PRIVATE_HOST}`,
        input: url,
        ctx: { error: PRIVATE_HOST },
      },
    ]);
  });

  it("refuses URLs over 2083 characters with url_too_long", async () => {
    const url = `https://example.com/${"a".repeat(2064)}`;
    expect(url).toHaveLength(2084);

    expect(await urlErrors(url)).toEqual([
      {
        type: "url_too_long",
        loc: ["body", "url"],
        msg: "URL should have at most 2083 characters",
        input: url,
        ctx: { max_length: 2083 },
      },
    ]);
    const longest = await api("POST", ENDPOINTS, { body: createBody({ url: url.slice(0, -1) }) });
    expect(longest.status).toBe(201);
  });

  it("refuses text that is not a URL with url_parsing, and non-strings with url_type", async () => {
    expect(await urlErrors("not a url")).toEqual([
      {
        type: "url_parsing",
        loc: ["body", "url"],
        msg: "Input should be a valid URL, relative URL without a base",
        input: "not a url",
        ctx: { error: "relative URL without a base" },
      },
    ]);
    expect(await urlErrors(42)).toEqual([
      {
        type: "url_type",
        loc: ["body", "url"],
        msg: "URL input should be a string or URL",
        input: 42,
      },
    ]);
  });

  it("refuses hostnames with characters IDNA 2008 disallows", async () => {
    const message =
      "Invalid webhook URL: the hostname contains characters not allowed in domain names.";

    expect(await urlErrors("https://a\u2014b.example/x")).toEqual([
      {
        type: "value_error",
        loc: ["body", "url"],
        msg: `Value error, ${message}`,
        input: "https://a\u2014b.example/x",
        ctx: { error: message },
      },
    ]);
  });

  it.each([
    ["  https://Example.COM:443  ", "https://example.com/"],
    ["  https://example.com/hook  ", "https://example.com/hook"],
    ["https://Example.COM", "https://example.com/"],
    ["https://m\u00fcnchen.example/hook", "https://xn--mnchen-3ya.example/hook"],
    ["https://example.com/a b?q=c d", "https://example.com/a%20b?q=c%20d"],
    ["https://example.com:8443/x", "https://example.com:8443/x"],
    ["HTTPS://EXAMPLE.com/Path", "https://example.com/Path"],
  ])("stores %j as %j", async (input, stored) => {
    const created = await api("POST", ENDPOINTS, { body: createBody({ url: input }) });

    expect(created.status).toBe(201);
    expect((created.json as { url: string }).url).toBe(stored);
  });
});

describe("allowLoopbackUrls", () => {
  it("accepts loopback http and https URLs but still refuses private ones", async () => {
    await restartEmulator({ allowLoopbackUrls: true });

    const accepted = [];
    for (const url of [
      "http://127.0.0.1:3000/webhooks",
      "http://localhost:3000",
      "https://[::1]:8443/x",
    ]) {
      const response = await api("POST", ENDPOINTS, { body: createBody({ url }) });
      accepted.push([response.status, (response.json as { url: string }).url]);
    }
    const privateHttps = await api("POST", ENDPOINTS, {
      body: createBody({ url: "https://10.0.0.1/" }),
    });
    const privateHttp = await api("POST", ENDPOINTS, {
      body: createBody({ url: "http://10.0.0.1/" }),
    });

    expect(accepted).toEqual([
      [201, "http://127.0.0.1:3000/webhooks"],
      [201, "http://localhost:3000/"],
      [201, "https://[::1]:8443/x"],
    ]);
    expect(privateHttps.status).toBe(422);
    expect(privateHttp.status).toBe(422);
    expect((privateHttp.json as { detail: { type: string }[] }).detail[0]?.type).toBe("url_scheme");
  });

  it("can be switched at run time", async () => {
    const before = await api("POST", ENDPOINTS, {
      body: createBody({ url: "http://127.0.0.1:3000/" }),
    });
    polar.settings.allowLoopbackUrls = true;
    const after = await api("POST", ENDPOINTS, {
      body: createBody({ url: "http://127.0.0.1:3000/" }),
    });

    expect(before.status).toBe(422);
    expect(after.status).toBe(201);
  });
});
