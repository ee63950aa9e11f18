/** Polar's `HttpsUrl` max_length. */
export const MAX_WEBHOOK_URL_LENGTH = 2083;

export const WEBHOOK_FORMATS = ["raw", "slack", "discord"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

// Polar's dashboard picks the format from these prefixes (the API itself never infers it).
const SLACK_PREFIX = "https://hooks.slack.com/services/";
const DISCORD_PREFIX = "https://discord.com/api/webhooks";

/**
 * The URL exactly as Polar stores it. Polar parses with pydantic `AnyUrl` (the Rust `url` crate,
 * a WHATWG URL parser) after stripping whitespace, so Node's WHATWG `URL` yields the same string:
 * lower-cased host, `/` for an empty path, default port dropped, IDN hosts in punycode, spaces
 * percent-encoded. Diffing on anything else would show a change on every preview.
 */
export function normalizeWebhookUrl(url: string): string {
  return new URL(url.trim()).href;
}

/** Switches of `webhookUrlProblem`; without them it applies Polar's rules exactly. */
export interface WebhookUrlPolicy {
  /**
   * Accept `http`/`https` URLs on a loopback host (`localhost`, 127/8, `[::1]`). Only for a local
   * Polar emulator (`npm run dev`): real Polar refuses them.
   */
  readonly allowLoopback?: boolean;
}

/** `undefined` when Polar would accept the URL, else a sentence saying what is wrong. */
export function webhookUrlProblem(url: string, policy: WebhookUrlPolicy = {}): string | undefined {
  const trimmed = url.trim();
  if (trimmed.length === 0) return "must not be empty";
  if (trimmed.length > MAX_WEBHOOK_URL_LENGTH) {
    return `is ${trimmed.length} characters long; Polar accepts at most ${MAX_WEBHOOK_URL_LENGTH}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return "is not a valid absolute URL (expected https://host/path)";
  }
  if (
    policy.allowLoopback &&
    /^https?:$/.test(parsed.protocol) &&
    isLoopbackHost(parsed.hostname)
  ) {
    return undefined;
  }
  if (parsed.protocol !== "https:") {
    return `uses ${parsed.protocol.replace(/:$/, "")}; Polar only delivers to https URLs`;
  }
  if (parsed.hostname === "") return "has no host";
  if (isLocalOrPrivateHost(parsed.hostname)) {
    return "points to localhost or a private IP address, which Polar rejects; expose the receiver on a public https URL (e.g. through a tunnel)";
  }
  return undefined;
}

export function detectWebhookFormat(url: string): WebhookFormat {
  let normalized: string;
  try {
    normalized = normalizeWebhookUrl(url);
  } catch {
    return "raw";
  }
  if (normalized.startsWith(SLACK_PREFIX)) return "slack";
  if (normalized.startsWith(DISCORD_PREFIX)) return "discord";
  return "raw";
}

/** `localhost`, 127.0.0.0/8 or `[::1]`: the hosts a local emulator may deliver to. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost") return true;
  const v4 = parseIPv4(host);
  if (v4 !== undefined) return v4 >>> 24 === 127;
  const v6 = host.includes(":") ? expandIPv6(host) : undefined;
  return v6 !== undefined && v6.slice(0, 7).every((g) => g === 0) && v6[7] === 1;
}

/** Whether an absolute URL's host is loopback (false for anything that does not parse). */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url.trim()).hostname);
  } catch {
    return false;
  }
}

/** Mirrors Polar's `validate_hostname`: localhost names and IP literals that are not global. */
export function isLocalOrPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const v4 = parseIPv4(host);
  if (v4 !== undefined) return !isGlobalIPv4(v4);
  if (host.includes(":")) return !isGlobalIPv6(host);
  return false;
}

function parseIPv4(host: string): number | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

// Python's ipaddress `is_private` table for IPv4 (what `is_global` negates), plus 100.64/10.
const NON_GLOBAL_IPV4: ReadonlyArray<readonly [string, number]> = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["240.0.0.0", 4],
];

function isGlobalIPv4(address: number): boolean {
  return !NON_GLOBAL_IPV4.some(([network, bits]) => {
    const base = parseIPv4(network) as number;
    const size = 2 ** (32 - bits);
    return address >= base && address < base + size;
  });
}

function isGlobalIPv6(host: string): boolean {
  const groups = expandIPv6(host);
  if (!groups) return true; // not an IP literal we understand: let Polar decide
  if (groups.every((g) => g === 0)) return false; // ::
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return false; // ::1
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return isGlobalIPv4(groups[6] * 65536 + groups[7]); // IPv4-mapped
  }
  const first = groups[0];
  if ((first & 0xfe00) === 0xfc00) return false; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return false; // fe80::/10 link local
  if (first === 0x2001 && groups[1] === 0x0db8) return false; // documentation
  if (first === 0x0100 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0) return false;
  return true;
}

function expandIPv6(host: string): number[] | undefined {
  let text = host;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const v4 = parseIPv4(v4Tail[1]);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, -v4Tail[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.map((g) => parseInt(g, 16));
}
