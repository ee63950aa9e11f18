// How `create` makes (or takes over) an endpoint. Pulumi requires create to be transactional: if
// it fails, nothing new may be left in Polar, since the engine does not know about it.
import {
  isAmbiguousFailure,
  type PolarClient,
  type WebhookEndpoint as PolarWebhookEndpoint,
  type WebhookEndpointCreate,
} from "./client";
import { PolarApiError } from "./errors";
import { declaredState } from "./diff";
import type { WebhookEndpointInputs } from "./model";
import { rememberAdopted } from "./settings";

/** How often `create` re-checks and re-posts after an answer was lost (see createOrRecover). */
const MAX_CREATE_ATTEMPTS = 4;

/** Creates the endpoint in its declared state; on failure, removes what it created. */
export async function createEndpoint(
  client: PolarClient,
  inputs: WebhookEndpointInputs,
): Promise<PolarWebhookEndpoint> {
  const endpoint = await createOrRecover(client, inputs);
  // Polar ignores `enabled` on create: every endpoint starts enabled.
  if (inputs.enabled) return endpoint;
  try {
    return await client.updateWebhookEndpoint(endpoint.id, { enabled: false });
  } catch (error) {
    // Left behind, it would be an enabled endpoint with a secret nobody knows, and the next
    // `up` would create a second one.
    throw await removeCreated(client, endpoint.id, error);
  }
}

/**
 * Deletes a just-created endpoint; returns what to throw: the original error, or one saying which
 * endpoint may remain. (No `instanceof Error` here: in the serialized provider the error classes
 * are rebuilt as plain functions.)
 */
async function removeCreated(client: PolarClient, id: string, cause: unknown): Promise<unknown> {
  try {
    await client.deleteWebhookEndpoint(id);
    return cause;
  } catch (deleteError) {
    if (deleteError instanceof PolarApiError && deleteError.status === 404) return cause;
    const message = `${messageOf(cause)}. The endpoint just created, ${id}, could not be deleted either (${messageOf(deleteError)}): it may remain in Polar, enabled, with a secret Pulumi does not know. Delete it in the Polar dashboard (Settings → Webhooks) or with DELETE /v1/webhooks/endpoints/${id}, then run \`pulumi up\` again.`;
    const combined = new Error(message, { cause });
    combined.message = message; // see PolarApiError
    return combined;
  }
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message : String(error);
}

function createBody(inputs: WebhookEndpointInputs): WebhookEndpointCreate {
  return {
    url: inputs.url,
    format: inputs.format,
    events: inputs.events,
    ...(inputs.name !== undefined ? { name: inputs.name } : {}),
    ...(inputs.apiVersion !== undefined ? { api_version: inputs.apiVersion } : {}),
    // With an organization token Polar rejects organization_id, even the token's own (check enforces it).
    ...(inputs.organizationId !== undefined ? { organization_id: inputs.organizationId } : {}),
    ...(inputs.secret !== undefined ? { secret: inputs.secret } : {}),
  };
}

/**
 * Polar has no idempotency keys, so a POST whose answer is lost (connection reset, gateway 5xx)
 * may or may not have created the endpoint. Before posting we note which endpoints with this URL
 * already exist; after a lost answer, an endpoint with this URL and name that was not there before
 * is the one we just created, and is adopted instead of creating a duplicate. Only when none
 * appeared is the POST repeated. (Someone creating the identical endpoint in the same seconds is
 * the one case this cannot tell apart.)
 */
async function createOrRecover(
  client: PolarClient,
  inputs: WebhookEndpointInputs,
): Promise<PolarWebhookEndpoint> {
  const sameTarget = (e: PolarWebhookEndpoint) =>
    e.url === inputs.url && (e.name ?? "") === (inputs.name ?? "");
  const listQuery =
    inputs.organizationId !== undefined ? { organizationId: inputs.organizationId } : {};
  const existing = new Set(
    (await client.listAllWebhookEndpoints(listQuery)).filter(sameTarget).map((e) => e.id),
  );

  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_CREATE_ATTEMPTS; attempt++) {
    try {
      return await client.createWebhookEndpoint(createBody(inputs));
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error;
      lastError = error;
    }
    let listed: PolarWebhookEndpoint[];
    try {
      listed = await client.listAllWebhookEndpoints(listQuery);
    } catch (listError) {
      throw unresolvedCreate(inputs, lastError, listError);
    }
    const appeared = listed.filter((e) => sameTarget(e) && !existing.has(e.id));
    if (appeared.length > 0) {
      // Newest first (Polar lists by created_at DESC); more than one would mean an earlier lost
      // attempt also committed, and those extras are ours to remove.
      const [ours, ...extras] = appeared;
      for (const extra of extras)
        await client.deleteWebhookEndpoint(extra.id).catch(() => undefined);
      return ours;
    }
  }
  throw unresolvedCreate(inputs, lastError);
}

/**
 * Every POST's answer was lost, or whether the last one created anything could not be checked:
 * an endpoint may exist that no state knows. Say so, and how to find it, instead of a bare 5xx.
 */
function unresolvedCreate(inputs: WebhookEndpointInputs, cause: unknown, listError?: unknown) {
  const check =
    listError === undefined
      ? `none of ${MAX_CREATE_ATTEMPTS} attempts got an answer`
      : `listing the endpoints to check whether it was created failed too (${messageOf(listError)})`;
  // Origin and path only: a query or user info may carry a credential (chat webhook URLs do).
  const target = new URL(inputs.url);
  const message = `Creating the webhook endpoint for ${target.origin}${target.pathname}: ${messageOf(cause)}; ${check}. Polar may hold an endpoint for this URL that no stack manages: look in the Polar dashboard (Settings → Webhooks) and delete it, or adopt it with adoptId, then run \`pulumi up\` again.`;
  const error = new Error(message, { cause });
  error.message = message; // see PolarApiError
  return error;
}

/**
 * Takes over an existing endpoint and brings it to the declared state, keeping its secret. The id
 * is remembered for this deployment: a resource that managed it before (a rename) is deleted later
 * in the same run, and that delete must leave the endpoint to its new owner.
 */
export async function adoptEndpoint(
  client: PolarClient,
  inputs: WebhookEndpointInputs,
  server: string,
): Promise<PolarWebhookEndpoint> {
  const id = inputs.adoptId as string;
  let current: PolarWebhookEndpoint;
  try {
    current = await client.getWebhookEndpoint(id);
  } catch (error) {
    if (error instanceof PolarApiError && error.status === 404) {
      throw new Error(
        `adoptId ${id}: no such webhook endpoint is visible to this token in Polar ${server}; check the id (Polar dashboard → Settings → Webhooks) and that the token belongs to its organization.`,
      );
    }
    throw error;
  }
  if (inputs.organizationId !== undefined && current.organization_id !== inputs.organizationId) {
    throw new Error(
      `adoptId ${id} belongs to organization ${current.organization_id}, but organizationId is ${inputs.organizationId}; set organizationId to the endpoint's organization or adopt another endpoint.`,
    );
  }
  const adopted = await client.updateWebhookEndpoint(id, declaredState(inputs));
  rememberAdopted(adopted.id);
  return adopted;
}
