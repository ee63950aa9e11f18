// Every token and webhook secret the emulator issues is announced on its diagnostics channel (what
// the tests' secret scan registers): created, reset and generated in legacy form, over the real API.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ISSUED_SECRETS_CHANNEL, type IssuedSecret, startPolarEmulator } from "./polar";
import { call } from "./polar/testing";

const ENDPOINTS = "/v1/webhooks/endpoints";
let issued: IssuedSecret[];
const listener = (message: unknown) => issued.push(message as IssuedSecret);

beforeEach(() => {
  issued = [];
  subscribe(ISSUED_SECRETS_CHANNEL, listener);
});
afterEach(() => {
  unsubscribe(ISSUED_SECRETS_CHANNEL, listener);
});

describe("the emulator's issued-secrets channel", () => {
  it("announces its tokens, the tokens it creates and every endpoint secret, each once", async () => {
    // Prepare
    const polar = await startPolarEmulator({ secretGeneration: "legacy" });
    const api = (method: string, path: string, body?: unknown) =>
      call(polar.url, method, path, { token: polar.organizationToken, body });
    // Act
    const extra = polar.createToken({ kind: "user" });
    const created = (await api("POST", ENDPOINTS, {
      url: "https://example.com/hook",
      format: "raw",
      events: ["order.paid"],
    })) as { json: { id: string; secret: string } };
    const reset = (await api("PATCH", `${ENDPOINTS}/${created.json.id}/secret`)) as {
      json: { secret: string };
    };
    await polar.close();
    // Assess
    expect(issued).toEqual([
      { kind: "organization token", value: polar.organizationToken },
      { kind: "personal token", value: polar.userToken },
      { kind: "personal token", value: extra },
      { kind: "webhook secret", value: created.json.secret },
      { kind: "webhook secret", value: reset.json.secret },
    ]);
    expect(created.json.secret).toMatch(/^whsec_[0-9A-Za-z]{43}$/);
    expect(reset.json.secret).not.toBe(created.json.secret);
  });
});
