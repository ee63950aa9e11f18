/**
 * The provider's methods run in-process against Polar emulators: one set per file, started before its tests and
 * closed after. After each test, the environment, the provider's in-process settings and each emulator (endpoints,
 * requests, faults, API settings) are as the file found them.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import type { WebhookEndpointInputs } from "../../providers/polar";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";

const SETTINGS_GLOBAL = "__polarWebhooksProviderSettings";

/** process.env and the provider's settings (kept on globalThis) put back after each test. */
export function restoreEnvironmentAfterEach(): void {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    delete (globalThis as Record<string, unknown>)[SETTINGS_GLOBAL];
  });
}

/** `count` emulators for the file; read them inside tests. Restores the environment too. */
export function usePolarEmulators(count: number): () => readonly PolarEmulator[] {
  let emulators: PolarEmulator[] = [];
  let settings: PolarEmulator["settings"][] = [];
  restoreEnvironmentAfterEach();
  beforeAll(async () => {
    emulators = await Promise.all(Array.from({ length: count }, () => startPolarEmulator()));
    settings = emulators.map((polar) => ({ ...polar.settings }));
  });
  afterEach(() => {
    for (const [i, polar] of emulators.entries()) {
      polar.faults.clear();
      Object.assign(polar.settings, settings[i]);
      for (const e of polar.endpoints()) polar.deleteEndpointOutOfBand(e.id);
      polar.resetRequests();
    }
  });
  afterAll(async () => {
    await Promise.all(emulators.map((polar) => polar.close()));
  });
  return () => {
    if (emulators.length === 0)
      throw new Error("the emulators are not running (use them inside tests)");
    return emulators;
  };
}

/** One emulator for the file, as an object that reads through to it (so tests use it like a `PolarEmulator`). */
export function usePolarEmulator(): PolarEmulator {
  const running = usePolarEmulators(1);
  return new Proxy({} as PolarEmulator, {
    get(_, key) {
      const polar = running()[0]!;
      const value: unknown = Reflect.get(polar, key);
      return typeof value === "function" ? value.bind(polar) : value;
    },
  });
}

/** The provider reads its token and API URL from the environment, as under `pulumi up` without stack config. */
export function useToken(polar: PolarEmulator, token = polar.organizationToken): void {
  process.env.POLAR_ACCESS_TOKEN = token;
  process.env.POLAR_API_URL = polar.url;
}

/** A resource's inputs after `check`: the URL, one event, raw format, enabled; `overrides` on top. */
export function endpointInputs(
  overrides: Partial<WebhookEndpointInputs> = {},
): WebhookEndpointInputs {
  return {
    url: "https://example.com/hook",
    events: ["order.paid"],
    format: "raw",
    enabled: true,
    ...overrides,
  };
}

/** What reached the emulator, one "METHOD route status" per request. */
export function callsTo(polar: PolarEmulator): string[] {
  return polar.requests.map((r) => `${r.method} ${r.route} ${r.status}`);
}
