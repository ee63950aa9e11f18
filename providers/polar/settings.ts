import type { PolarClientOptions, PolarServer } from "./client";
import { isLoopbackUrl } from "./url";

/**
 * Where `configure` leaves the stack's Polar settings inside the provider host process. A global
 * (not a field or a module variable) because the provider object is serialized into state: a value
 * stored on it could be captured there, a global is only ever looked up at run time.
 */
export const SETTINGS_GLOBAL = "__polarWebhooksProviderSettings";

export interface ProviderSettings {
  accessToken?: string;
  server?: string;
  apiUrl?: string;
  /** A token for where endpoints were recorded before a move (see reach.ts). */
  previousAccessToken?: string;
  /** "true": loopback webhook URLs for a local emulator (see loopbackWebhookUrlsAllowed). */
  allowLoopbackWebhookUrls?: string;
}

interface ConfigReader {
  get(key: string): string | undefined;
}

export function storeProviderSettings(config: ConfigReader): void {
  const settings: ProviderSettings = {
    accessToken: config.get("polar:accessToken"),
    server: config.get("polar:server"),
    apiUrl: config.get("polar:apiUrl"),
    previousAccessToken: config.get("polar:previousAccessToken"),
    allowLoopbackWebhookUrls: config.get("polar:allowLoopbackWebhookUrls"),
  };
  (globalThis as Record<string, unknown>)[SETTINGS_GLOBAL] = settings;
}

export class ProviderSettingsError extends Error {
  constructor(message: string) {
    super(message);
    // Explicit for the serialized provider, where `super(message)` sets nothing (see errors.ts).
    this.message = message;
    this.name = "ProviderSettingsError";
  }
}

function storedSettings(): ProviderSettings {
  return ((globalThis as Record<string, unknown>)[SETTINGS_GLOBAL] ?? {}) as ProviderSettings;
}

/** `polar:previousAccessToken`, else `POLAR_PREVIOUS_ACCESS_TOKEN`; read on every call. */
export function resolvePreviousAccessToken(): string | undefined {
  return (
    nonEmpty(storedSettings().previousAccessToken) ??
    nonEmpty(process.env.POLAR_PREVIOUS_ACCESS_TOKEN)
  );
}

/** Stack config first (`polar:*`), then the environment (`POLAR_*`); read on every call. */
export function resolveClientOptions(): PolarClientOptions {
  return clientOptionsFromSettings(storedSettings(), process.env);
}

/**
 * The same resolution for settings a caller read itself (the operations CLI reads a stack's config
 * through the Automation API): `stored` is the stack config, `env` the environment.
 */
export function clientOptionsFromSettings(
  stored: ProviderSettings,
  env: Readonly<Record<string, string | undefined>>,
): PolarClientOptions {
  const refusal = readOnlyRefusal(stored, env);
  if (refusal !== undefined) throw new ProviderSettingsError(refusal);
  const accessToken = nonEmpty(stored.accessToken) ?? nonEmpty(env.POLAR_ACCESS_TOKEN);
  if (!accessToken) {
    throw new ProviderSettingsError(
      "Polar access token is missing: run `pulumi config set --secret polar:accessToken <token>` or set POLAR_ACCESS_TOKEN (an organization access token with webhooks:read and webhooks:write).",
    );
  }
  const server = nonEmpty(stored.server) ?? nonEmpty(env.POLAR_SERVER) ?? "sandbox";
  if (server !== "sandbox" && server !== "production") {
    throw new ProviderSettingsError(
      `polar:server is ${JSON.stringify(server)}; use "sandbox" or "production" (pulumi config set polar:server sandbox).`,
    );
  }
  const apiUrl = nonEmpty(stored.apiUrl) ?? nonEmpty(env.POLAR_API_URL);
  if (apiUrl !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(apiUrl);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol)) {
      throw new ProviderSettingsError(
        `polar:apiUrl ${JSON.stringify(apiUrl)} is not an http(s) URL, e.g. https://sandbox-api.polar.sh.`,
      );
    }
  }
  return { accessToken, server: server as PolarServer, ...(apiUrl ? { baseUrl: apiUrl } : {}) };
}

/** `POLAR_READ_ONLY=true`: a run that may only read Polar (the workflows' previews and drift checks). */
export function readOnlyRun(env: Readonly<Record<string, string | undefined>>): boolean {
  return nonEmpty(env.POLAR_READ_ONLY)?.toLowerCase() === "true";
}

/**
 * Why a read-only run refuses this stack config, or undefined. A read-only run never uses a token
 * from stack config: whoever can run a preview can decrypt it (the job holds the passphrase), and
 * it may carry webhooks:write. Refused rather than ranked below POLAR_ACCESS_TOKEN, so the token
 * leaves the config instead of staying there, decryptable by every preview.
 */
export function readOnlyRefusal(
  stored: Pick<ProviderSettings, "accessToken" | "previousAccessToken">,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (!readOnlyRun(env)) return undefined;
  const keys = [
    ...(nonEmpty(stored.accessToken) ? ["polar:accessToken"] : []),
    ...(nonEmpty(stored.previousAccessToken) ? ["polar:previousAccessToken"] : []),
  ];
  if (keys.length === 0) return undefined;
  return `${keys.join(" and ")} ${keys.length === 1 ? "is" : "are"} set in the stack config, and this run is read-only (POLAR_READ_ONLY=true: a preview or drift check), which never uses a token from stack config: whoever can run a preview can decrypt it, and it may hold webhooks:write. Remove ${keys.length === 1 ? "it" : "them"} (${keys.map((key) => `pulumi config rm ${key} -s <stack>`).join("; ")}) and give each job its token as POLAR_ACCESS_TOKEN: webhooks:write only in the deploy job's environment, webhooks:read in this one's.`;
}

/**
 * Loopback webhook URLs (http or https) are accepted only when asked for, with
 * `polar:allowLoopbackWebhookUrls` (else env `POLAR_ALLOW_LOOPBACK_WEBHOOK_URLS`) set to "true",
 * and only while the API itself is on a loopback host: a local emulator, which can reach them
 * (`npm run dev`). Real Polar refuses such URLs, so against it the switch changes nothing.
 */
export function loopbackWebhookUrlsAllowed(apiUrl: string): boolean {
  const flag =
    nonEmpty(storedSettings().allowLoopbackWebhookUrls) ??
    nonEmpty(process.env.POLAR_ALLOW_LOOPBACK_WEBHOOK_URLS);
  return flag === "true" && isLoopbackUrl(apiUrl);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * Endpoints that `create` took over (adoptId) in this process. Ownership itself lives in each
 * endpoint's name in Polar (owner.ts), which later runs see; this set is only still filled for
 * resources whose state holds provider code from before that: their stored `delete` skips an id
 * found here (a rename with adoptId within one run).
 */
const ADOPTED_GLOBAL = "__polarWebhooksAdoptedEndpoints";

export function rememberAdopted(id: string): void {
  const store = globalThis as Record<string, unknown>;
  store[ADOPTED_GLOBAL] ??= new Set<string>();
  (store[ADOPTED_GLOBAL] as Set<string>).add(id.toLowerCase());
}
