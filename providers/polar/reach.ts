// Calls on an endpoint that already exists, made where it lives (its recorded location) with a
// token known to reach it there. A 404 means "already gone" only from that location and with a
// token of the endpoint's organization; anything else fails with a way forward (location.ts).
import { PolarClient, type WebhookEndpoint as PolarWebhookEndpoint } from "./client";
import { PolarApiError } from "./errors";
import {
  apiUrlOf,
  describeApiUrl,
  tokenFingerprint,
  unreachableMessage,
  type EndpointLocation,
  type EndpointOperation,
} from "./location";
import { resolveClientOptions, resolvePreviousAccessToken } from "./settings";

export interface RecordedEndpoint extends EndpointLocation {
  organizationId?: string;
}

export type Reached<T> = { readonly gone: false; readonly value: T } | { readonly gone: true };

/**
 * Runs `call` against the endpoint's recorded location. Tokens tried, in order: the current one,
 * when the recorded URL is the configured one (it is never sent to another server: the recorded
 * URL may be an old proxy or emulator); then `polar:previousAccessToken` /
 * POLAR_PREVIOUS_ACCESS_TOKEN, only for an endpoint recorded elsewhere (another URL or token).
 */
export async function atRecordedLocation<T>(
  id: string,
  recorded: RecordedEndpoint,
  operation: EndpointOperation,
  call: (client: PolarClient) => Promise<T>,
): Promise<Reached<T>> {
  const current = resolveClientOptions();
  const currentUrl = apiUrlOf(current);
  const currentFingerprint = tokenFingerprint(current.accessToken);
  // Missing means unchanged (state written before locations were recorded). In a deployment
  // such state only reaches `update` (see locationChange "unrecorded"): reads and deletes run the
  // provider code stored with it.
  const url = recorded.polarApiUrl ?? currentUrl;
  const fingerprint = recorded.tokenFingerprint ?? currentFingerprint;

  const reasons: string[] = [];
  const candidates: { token: string; label: string }[] = [];
  if (url === currentUrl) {
    candidates.push({ token: current.accessToken, label: "the current access token" });
  } else {
    reasons.push(
      `the provider is now configured for ${describeApiUrl(currentUrl)} (polar:server / polar:apiUrl), and the current token is only sent there`,
    );
  }
  const previous = resolvePreviousAccessToken();
  const elsewhere = url !== currentUrl || fingerprint !== currentFingerprint;
  if (previous !== undefined && elsewhere && previous !== current.accessToken) {
    candidates.push({ token: previous, label: "the previous access token" });
  }

  for (const candidate of candidates) {
    const client = new PolarClient({ accessToken: candidate.token, baseUrl: url });
    try {
      return { gone: false, value: await call(client) };
    } catch (error) {
      if (!(error instanceof PolarApiError)) throw error;
      if (error.status === 404) {
        const known =
          tokenFingerprint(candidate.token) === fingerprint ||
          (await seesOrganization(client, recorded.organizationId));
        if (known) return { gone: true };
        reasons.push(
          `${candidate.label} gets 404 and sees no endpoint of organization ${recorded.organizationId ?? "(unknown)"}, so it belongs to another organization`,
        );
      } else if (error.status === 401 || error.status === 403) {
        reasons.push(
          `${describeApiUrl(url)} refuses ${candidate.label} (${error.status}${error.error ? ` ${error.error}` : ""})`,
        );
      } else {
        throw error;
      }
    } finally {
      await client.close();
    }
  }
  throw new Error(
    unreachableMessage({
      id,
      operation,
      storedUrl: url,
      organizationId: recorded.organizationId,
      reasons,
    }),
  );
}

/** Whether the token's list shows an endpoint of this organization: proof it belongs there. */
async function seesOrganization(
  client: PolarClient,
  organizationId: string | undefined,
): Promise<boolean> {
  if (organizationId === undefined) return false;
  const page = await client.listWebhookEndpoints({ organizationId, limit: 1 });
  return page.items.some((e) => e.organization_id === organizationId);
}

/** One GET of the endpoint with the current token at `polarApiUrl`; 401/403/404 come back as a status. */
async function getWithCurrentToken(
  id: string,
  polarApiUrl: string,
): Promise<PolarWebhookEndpoint | { status: number; message: string }> {
  const client = new PolarClient({
    accessToken: resolveClientOptions().accessToken,
    baseUrl: polarApiUrl,
  });
  try {
    return await client.getWebhookEndpoint(id);
  } catch (error) {
    if (error instanceof PolarApiError && [401, 403, 404].includes(error.status)) {
      return { status: error.status, message: error.message };
    }
    throw error;
  } finally {
    await client.close();
  }
}

/**
 * After the token changed (same URL): does the new one still see the endpoint? True: same
 * organization (a token rotation). False: another organization, which cannot see it.
 */
export async function currentTokenReaches(
  id: string,
  polarApiUrl: string,
  organizationId: string | undefined,
): Promise<boolean> {
  const got = await getWithCurrentToken(id, polarApiUrl);
  if ("id" in got) return organizationId === undefined || got.organization_id === organizationId;
  if (got.status === 404) return false;
  throw new Error(
    `The Polar access token changed since webhook endpoint ${id} was deployed, and ${describeApiUrl(polarApiUrl)} does not accept the new one: ${got.message}. Check polar:accessToken (or POLAR_ACCESS_TOKEN), then preview again.`,
  );
}

/**
 * Before recording where an endpoint lives for state that has no location: the current settings
 * must see it, or recording them would point the stack at the wrong server for good.
 */
export async function confirmUnrecordedLocation(
  id: string,
  organizationId: string | undefined,
): Promise<PolarWebhookEndpoint> {
  const url = apiUrlOf(resolveClientOptions());
  const got = await getWithCurrentToken(id, url);
  if ("id" in got && (organizationId === undefined || got.organization_id === organizationId)) {
    return got;
  }
  throw new Error(
    `Polar webhook endpoint ${id} was deployed by an earlier version of this provider, which did not record where endpoints live, and the current settings cannot see it at ${describeApiUrl(url)}${"id" in got ? "" : ` (${got.status})`}. If polar:server, polar:apiUrl or the access token changed since, set them back and run \`pulumi up\` once (it records where the endpoint lives and changes nothing in Polar), then make the change: the provider will replace the endpoint and say how to finish.`,
  );
}
