// Where an endpoint lives: the API base URL the provider talked to when it created the endpoint,
// and which token reached it there. Both are recorded in state, so a change of `polar:server`,
// `polar:apiUrl` or of the token's organization is visible to `diff` instead of being a silent
// no-op. Pure functions; the calls to Polar that depend on them are in reach.ts.
import { POLAR_SERVER_URLS, type PolarClientOptions } from "./client";

/** What the provider records about an endpoint's location (outputs; also checked inputs). */
export interface EndpointLocation {
  /** Base URL without `/v1` or a trailing slash, e.g. `https://sandbox-api.polar.sh`. */
  polarApiUrl?: string;
  /** `tokenFingerprint()` of the token that last reached the endpoint. */
  tokenFingerprint?: string;
}

/** `https://API.polar.sh/v1/` → `https://api.polar.sh`: one spelling per server. */
export function normalizeApiUrl(url: string): string {
  const parsed = new URL(url.trim());
  const path = parsed.pathname.replace(/\/+$/, "").replace(/\/v1$/, "");
  return `${parsed.origin}${path}`;
}

/** The base URL a client with these options talks to. */
export function apiUrlOf(options: Pick<PolarClientOptions, "server" | "baseUrl">): string {
  return normalizeApiUrl(options.baseUrl ?? POLAR_SERVER_URLS[options.server ?? "sandbox"]);
}

/** For messages: the URL, and which Polar it is when it is one of Polar's own. */
export function describeApiUrl(url: string): string {
  for (const [server, serverUrl] of Object.entries(POLAR_SERVER_URLS)) {
    if (normalizeApiUrl(serverUrl) === url) return `${url} (Polar ${server})`;
  }
  return url;
}

/**
 * A keyed, truncated hash of the access token: it tells whether the token changed, and nothing
 * else. Safe to keep in state and show in a diff: Polar tokens carry ~40 random characters, so 64
 * bits of an HMAC cannot be turned back into the token (nor brute-forced to it), and no API accepts
 * a fingerprint as a credential. The fixed key keeps it unrelated to any other hash of the token.
 */
export function tokenFingerprint(token: string): string {
  const { createHmac } = require("node:crypto") as typeof import("node:crypto");
  return createHmac("sha256", "polar-webhooks-as-code/token-fingerprint/v1")
    .update(token.trim())
    .digest("hex")
    .slice(0, 16);
}

export type LocationChange =
  /** Nothing changed (or nothing to compare: the inputs come from a direct call). */
  | { readonly kind: "same" }
  /**
   * State written before locations were recorded: an update that records them (after checking
   * the current settings see the endpoint), which also stores the current provider code, so later
   * reads and deletes of this resource run it rather than the code of the older version.
   */
  | { readonly kind: "unrecorded" }
  /** Another server or base URL: the endpoint cannot follow, so it is replaced. */
  | { readonly kind: "moved"; readonly from: string; readonly to: string }
  /** Same URL, another token: only Polar can say whether it still sees the endpoint. */
  | { readonly kind: "token-changed" };

export function locationChange(olds: EndpointLocation, news: EndpointLocation): LocationChange {
  if (news.polarApiUrl === undefined || news.tokenFingerprint === undefined) {
    return { kind: "same" };
  }
  if (olds.polarApiUrl === undefined || olds.tokenFingerprint === undefined) {
    return { kind: "unrecorded" };
  }
  if (olds.polarApiUrl !== news.polarApiUrl) {
    return { kind: "moved", from: olds.polarApiUrl, to: news.polarApiUrl };
  }
  return olds.tokenFingerprint !== news.tokenFingerprint
    ? { kind: "token-changed" }
    : { kind: "same" };
}

export type EndpointOperation = "read" | "update" | "delete";

/**
 * The error for an endpoint the current settings cannot reach: what it is, where it lives, why
 * it cannot be reached, and the two ways to finish (a token for that location, or removing it by
 * hand). Never a silent success: that would orphan the endpoint, which keeps delivering events.
 */
export function unreachableMessage(args: {
  readonly id: string;
  readonly operation: EndpointOperation;
  readonly storedUrl: string;
  readonly organizationId: string | undefined;
  readonly reasons: readonly string[];
}): string {
  const where = `${describeApiUrl(args.storedUrl)}${args.organizationId ? `, organization ${args.organizationId}` : ""}`;
  const again = args.operation === "read" ? "pulumi refresh" : "pulumi up";
  return [
    `Cannot ${args.operation} Polar webhook endpoint ${args.id}: it lives at ${where}, and the current settings cannot reach it there (${args.reasons.join("; ")}).`,
    `To finish, either give a token of that organization on that server in POLAR_PREVIOUS_ACCESS_TOKEN (or \`pulumi config set --secret polar:previousAccessToken <token>\`) and run \`${again}\` again (it is used only for endpoints recorded elsewhere, and only where it reaches them);`,
    `or delete the endpoint in that organization's Polar dashboard (Settings → Webhooks) and remove it from the stack's state: \`pulumi stack export --file state.json\`, delete the resource entry with "id": "${args.id}", \`pulumi stack import --file state.json\`.`,
  ].join(" ");
}
