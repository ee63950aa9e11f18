// The emulator's webhook API over a real socket, one fresh emulator per test: the shared set-up of
// the polar-api-*.test.ts files. Importing this registers the hooks; `polar` is a live binding.
import { afterEach, beforeEach, expect } from "vitest";
import { type PolarEmulator, type PolarEmulatorOptions, startPolarEmulator } from "./polar";
import { call, type CallOptions } from "./polar/testing";

export const ENDPOINTS = "/v1/webhooks/endpoints";
export const PRIVATE_HOST = "Webhook URLs cannot point to localhost or private IP addresses.";

export let polar: PolarEmulator;

beforeEach(async () => {
  polar = await startPolarEmulator();
});

afterEach(async () => {
  await polar.close();
});

/** Replaces this test's emulator with one started with `options`. */
export async function restartEmulator(options: PolarEmulatorOptions): Promise<void> {
  await polar.close();
  polar = await startPolarEmulator(options);
}

export function api(method: string, path: string, options: CallOptions = {}) {
  return call(polar.url, method, path, { token: polar.organizationToken, ...options });
}

export function createBody(overrides: Record<string, unknown> = {}) {
  return { url: "https://example.com/hook", format: "raw", events: ["order.paid"], ...overrides };
}

export async function createEndpoint(overrides: Record<string, unknown> = {}) {
  const response = await api("POST", ENDPOINTS, { body: createBody(overrides) });
  expect(response.status).toBe(201);
  return response.json as { id: string; secret: string; modified_at: string | null };
}
