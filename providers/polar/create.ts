// How `create` makes (or takes over) an endpoint. Pulumi requires create to be transactional: if
// it fails, nothing new may be left in Polar, since the engine does not know about it. And what an
// interrupted create left in Polar (the CLI killed after Polar committed the POST) is found by the
// next one through the owner marker in the endpoint's name (owner.ts).
import {
  isAmbiguousFailure,
  type PolarClient,
  type WebhookEndpoint as PolarWebhookEndpoint,
  type WebhookEndpointCreate,
} from "./client";
import { PolarApiError } from "./errors";
import { declaredState } from "./diff";
import type { WebhookEndpointInputs } from "./model";
import { markedName, ownerKey, ownerLabel, parseName, stackOfLabel } from "./owner";
import { rememberAdopted } from "./settings";

/** How often `create` re-checks and re-posts after an answer was lost (see createOrRecover). */
const MAX_CREATE_ATTEMPTS = 4;

/**
 * Creates the endpoint in its declared state; on failure, removes what it created. With an owner
 * (the resource class always gives one), it first looks for what an interrupted create of this
 * resource left: an endpoint marked `creating` for this resource is taken over, with its secret.
 */
export async function createEndpoint(
  client: PolarClient,
  inputs: WebhookEndpointInputs,
): Promise<PolarWebhookEndpoint> {
  const listQuery =
    inputs.organizationId !== undefined ? { organizationId: inputs.organizationId } : {};
  const listed = await client.listAllWebhookEndpoints(listQuery);
  const key = ownerKey(inputs.owner);
  if (key !== undefined) {
    const left = leftByEarlierRuns(listed, key, inputs.url);
    if (left.interrupted.length > 0) return takeOver(client, inputs, left.interrupted);
    if (left.complete.length > 0) throw unrecordedEndpoint(inputs, left.complete);
  }
  const posted =
    inputs.owner === undefined
      ? inputs
      : { ...inputs, name: markedName(inputs.name, inputs.owner, "creating") };
  const endpoint = await createOrRecover(client, posted, listed);
  // Polar ignores `enabled` on create: every endpoint starts enabled. The owner marker loses
  // `creating` in the same PATCH: from then on, only the state this create returns to can own it.
  if (inputs.enabled && inputs.owner === undefined) return endpoint;
  try {
    return await client.updateWebhookEndpoint(endpoint.id, {
      ...(inputs.owner !== undefined
        ? { name: markedName(inputs.name, inputs.owner, "owned") }
        : {}),
      ...(inputs.enabled ? {} : { enabled: false }),
    });
  } catch (error) {
    // Left behind, it would be an enabled endpoint with a secret nobody knows, and the next
    // `up` would create a second one.
    throw await removeCreated(client, endpoint.id, error);
  }
}

/**
 * This resource's endpoints in a listing: `interrupted` (marked `creating`: made by a create that
 * never returned, so no state holds them; newest first) and `complete` (marked as finished, for
 * the same URL, yet not in this resource's state: an `up` killed in the instant between finishing
 * and saving, a state edited by hand, or a stack of the same name in another backend).
 */
function leftByEarlierRuns(
  listed: readonly PolarWebhookEndpoint[],
  key: string,
  url: string,
): { interrupted: PolarWebhookEndpoint[]; complete: PolarWebhookEndpoint[] } {
  const interrupted: PolarWebhookEndpoint[] = [];
  const complete: PolarWebhookEndpoint[] = [];
  for (const endpoint of listed) {
    const { marker } = parseName(endpoint.name);
    if (marker?.key !== key) continue;
    if (marker.creating) interrupted.push(endpoint);
    else if (endpoint.url === url) complete.push(endpoint);
  }
  return { interrupted, complete };
}

/**
 * Takes over the newest endpoint an interrupted create of this resource made: brought to the
 * declared state, marked as complete, its secret kept (so a receiver already given it verifies).
 * Older ones (more than one interrupted run) are removed: every resource has one endpoint.
 */
async function takeOver(
  client: PolarClient,
  inputs: WebhookEndpointInputs,
  interrupted: readonly PolarWebhookEndpoint[],
): Promise<PolarWebhookEndpoint> {
  const [newest, ...older] = interrupted;
  const taken = await client.updateWebhookEndpoint(newest.id, declaredState(inputs));
  for (const extra of older) await client.deleteWebhookEndpoint(extra.id).catch(() => undefined);
  console.error(
    `polar webhook endpoint ${taken.id}: made by an earlier \`pulumi up\` that was interrupted before it could record it; taken over with its secret instead of creating another.`,
  );
  return taken;
}

/** Creating nothing: which endpoint carries this resource's marker, and the two ways out. */
function unrecordedEndpoint(
  inputs: WebhookEndpointInputs,
  complete: readonly PolarWebhookEndpoint[],
): Error {
  const ids = complete.map((e) => e.id);
  const label = parseName(complete[0].name).marker?.label ?? "this resource";
  const message = `Polar already has ${ids.length === 1 ? `webhook endpoint ${ids[0]}` : `webhook endpoints ${ids.join(", ")}`} for ${originAndPath(inputs.url)}, named as managed by ${label}, which this stack's state does not hold; nothing was created. If it is this resource's (an \`up\` killed just after Polar finished it), take it over: set \`adoptId: "${ids[0]}"\` on the resource and run \`pulumi up\` again (its secret is kept). If it is not (a stack of the same name in another backend), delete it in the Polar dashboard (Settings → Webhooks) or rename this resource, then run \`pulumi up\` again.`;
  const error = new Error(message);
  error.message = message; // see PolarApiError
  return error;
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
  before: readonly PolarWebhookEndpoint[],
): Promise<PolarWebhookEndpoint> {
  const sameTarget = (e: PolarWebhookEndpoint) =>
    e.url === inputs.url && (e.name ?? "") === (inputs.name ?? "");
  const listQuery =
    inputs.organizationId !== undefined ? { organizationId: inputs.organizationId } : {};
  const existing = new Set(before.filter(sameTarget).map((e) => e.id));

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
  const message = `Creating the webhook endpoint for ${originAndPath(inputs.url)}: ${messageOf(cause)}; ${check}. Polar may hold an endpoint for this URL that no stack manages: look in the Polar dashboard (Settings → Webhooks) and delete it, or adopt it with adoptId, then run \`pulumi up\` again.`;
  const error = new Error(message, { cause });
  error.message = message; // see PolarApiError
  return error;
}

/** Origin and path only: a query or user info may carry a credential (chat webhook URLs do). */
function originAndPath(url: string): string {
  const target = new URL(url);
  return `${target.origin}${target.pathname}`;
}

/**
 * Takes over an existing endpoint and brings it to the declared state, keeping its secret; its
 * name now names this resource, which is how a resource that managed it before (a rename) leaves
 * it alone when it is deleted, in this run or a later one (provider.ts). An endpoint another stack
 * manages (by its name's marker) is refused.
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
  const { marker } = parseName(current.name);
  const label = ownerLabel(inputs.owner);
  const ours = label === undefined ? undefined : stackOfLabel(label);
  if (marker !== undefined && !marker.creating && ours !== undefined) {
    const theirs = stackOfLabel(marker.label);
    if (theirs !== ours) {
      throw new Error(
        `adoptId ${id}: the endpoint is managed by stack ${theirs} (resource ${marker.label}), as its name in Polar says; a stack never takes over another stack's endpoint. Remove it from that stack first (there: \`pulumi state delete <urn>\`, or delete the resource and let \`pulumi up\` delete the endpoint), or, if that stack no longer exists, remove "[pulumi ${marker.label} ${marker.key}]" from the endpoint's name in the Polar dashboard; then run \`pulumi up\` again.`,
      );
    }
  }
  const adopted = await client.updateWebhookEndpoint(id, declaredState(inputs));
  // For deletes run by provider code stored before owner markers (it checks this process-wide set).
  rememberAdopted(adopted.id);
  return adopted;
}
