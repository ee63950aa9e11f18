// The dynamic provider: Polar webhook endpoints as Pulumi resources. It is serialized into state and
// runs in Pulumi's nodejs provider host, so it captures only code (never a token) and reads its
// settings at run time (see settings.ts).
import type * as pulumi from "@pulumi/pulumi";
import {
  PolarClient,
  type WebhookEndpoint as PolarWebhookEndpoint,
  type WebhookEndpointCreate,
} from "./client";
import { PolarApiError, PolarConnectionError } from "./errors";
import {
  checkWebhookEndpointInputs,
  declaredState,
  diffWebhookEndpoint,
  tokenKind,
  updateBody,
  type WebhookEndpointInputs,
  type WebhookEndpointOutputs,
} from "./model";
import { resolveClientOptions, storeProviderSettings } from "./settings";

/** How often `create` re-checks and re-posts after an answer was lost (see createOrRecover). */
const MAX_CREATE_ATTEMPTS = 4;

/**
 * The provider. A class (not an object literal) so the methods share private helpers; its instance
 * holds no state, so serializing it captures nothing but code.
 */
export class WebhookEndpointProvider implements pulumi.dynamic.ResourceProvider<
  WebhookEndpointInputs,
  WebhookEndpointOutputs
> {
  /** Runs once per provider host process with the stack's config (secrets decrypted). */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    storeProviderSettings(req.config);
  }

  /**
   * Rejects what Polar would reject, at preview time and without calling Polar: a preview with no
   * changes must make no API calls.
   */
  async check(
    _olds: WebhookEndpointInputs,
    news: WebhookEndpointInputs,
  ): Promise<pulumi.dynamic.CheckResult<WebhookEndpointInputs>> {
    let token: string;
    try {
      token = resolveClientOptions().accessToken;
    } catch (error) {
      return {
        inputs: news,
        failures: [{ property: "accessToken", reason: (error as Error).message }],
      };
    }
    const { inputs, failures } = checkWebhookEndpointInputs(
      news as unknown as Record<string, unknown>,
      tokenKind(token),
    );
    return { inputs, failures };
  }

  /** Pure comparison of stored outputs with checked inputs; see diffWebhookEndpoint. */
  async diff(
    _id: string,
    olds: WebhookEndpointOutputs,
    news: WebhookEndpointInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    const diff = diffWebhookEndpoint(olds, news);
    const changes = diff.updates.length > 0 || diff.replaces.length > 0;
    const stables = ["createdAt", "organizationId", "organizationIdDeclared"];
    if (!diff.rotateSecret && diff.replaces.length === 0)
      stables.push("secret", "usesStandardWebhookSignature");
    return { changes, replaces: diff.replaces, stables, deleteBeforeReplace: false };
  }

  /** Creates (or adopts) the endpoint. Transactional: on failure nothing new is left in Polar. */
  async create(
    inputs: WebhookEndpointInputs,
  ): Promise<pulumi.dynamic.CreateResult<WebhookEndpointOutputs>> {
    const client = new PolarClient(resolveClientOptions());
    try {
      const declaresOrg = inputs.organizationId !== undefined;
      if (inputs.adoptId !== undefined) {
        const adopted = await adoptEndpoint(client, inputs);
        return { id: adopted.id, outs: toOutputs(adopted, inputs, declaresOrg, undefined) };
      }
      let endpoint = await createOrRecover(client, inputs);
      // Polar ignores `enabled` on create: every endpoint starts enabled.
      if (!inputs.enabled)
        endpoint = await client.updateWebhookEndpoint(endpoint.id, { enabled: false });
      return { id: endpoint.id, outs: toOutputs(endpoint, inputs, declaresOrg, undefined) };
    } finally {
      await client.close();
    }
  }

  /** Refresh: reports drift (e.g. Polar's auto-disable); an endpoint deleted in Polar leaves state. */
  async read(
    id: string,
    props?: WebhookEndpointOutputs,
  ): Promise<pulumi.dynamic.ReadResult<WebhookEndpointOutputs>> {
    const client = new PolarClient(resolveClientOptions());
    try {
      let endpoint: PolarWebhookEndpoint;
      try {
        endpoint = await client.getWebhookEndpoint(id);
      } catch (error) {
        if (error instanceof PolarApiError && error.status === 404) return { id: "" };
        throw error;
      }
      const carried = props ?? ({} as Partial<WebhookEndpointOutputs>);
      const outs = toOutputs(
        endpoint,
        { adoptId: carried.adoptId, secretRotation: carried.secretRotation },
        carried.organizationIdDeclared ?? false,
        // A secret changed outside Pulumi (dashboard reset) is a rotation too: keep the one we knew.
        carried.secret !== undefined && carried.secret !== endpoint.secret
          ? carried.secret
          : carried.previousSecret,
      );
      return { id: endpoint.id, props: outs };
    } finally {
      await client.close();
    }
  }

  /** PATCHes only what changed; a changed secretRotation marker resets the secret. */
  async update(
    id: string,
    olds: WebhookEndpointOutputs,
    news: WebhookEndpointInputs,
  ): Promise<pulumi.dynamic.UpdateResult<WebhookEndpointOutputs>> {
    const client = new PolarClient(resolveClientOptions());
    try {
      const diff = diffWebhookEndpoint(olds, news);
      const body = updateBody(diff, news);
      let endpoint =
        Object.keys(body).length > 0 ? await client.updateWebhookEndpoint(id, body) : undefined;
      let previousSecret = olds.previousSecret;
      if (diff.rotateSecret) {
        const before = endpoint?.secret ?? olds.secret;
        endpoint = await client.resetWebhookEndpointSecret(id);
        previousSecret = before;
      }
      endpoint ??= await client.getWebhookEndpoint(id);
      return {
        outs: toOutputs(
          endpoint,
          news,
          olds.organizationIdDeclared ?? news.organizationId !== undefined,
          previousSecret,
        ),
      };
    } finally {
      await client.close();
    }
  }

  /** Deletes the endpoint; one already gone (404) counts as deleted. */
  async delete(id: string): Promise<void> {
    const client = new PolarClient(resolveClientOptions());
    try {
      await client.deleteWebhookEndpoint(id);
    } catch (error) {
      if (error instanceof PolarApiError && error.status === 404) return;
      throw error;
    } finally {
      await client.close();
    }
  }
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
      const ambiguous =
        error instanceof PolarConnectionError ||
        (error instanceof PolarApiError && error.status >= 500);
      if (!ambiguous) throw error;
      lastError = error;
    }
    const appeared = (await client.listAllWebhookEndpoints(listQuery)).filter(
      (e) => sameTarget(e) && !existing.has(e.id),
    );
    if (appeared.length > 0) {
      // Newest first (Polar lists by created_at DESC); more than one would mean an earlier lost
      // attempt also committed, and those extras are ours to remove.
      const [ours, ...extras] = appeared;
      for (const extra of extras)
        await client.deleteWebhookEndpoint(extra.id).catch(() => undefined);
      return ours;
    }
  }
  throw lastError;
}

/** Takes over an existing endpoint and brings it to the declared state, keeping its secret. */
async function adoptEndpoint(
  client: PolarClient,
  inputs: WebhookEndpointInputs,
): Promise<PolarWebhookEndpoint> {
  const id = inputs.adoptId as string;
  let current: PolarWebhookEndpoint;
  try {
    current = await client.getWebhookEndpoint(id);
  } catch (error) {
    if (error instanceof PolarApiError && error.status === 404) {
      throw new Error(
        `adoptId ${id}: no such webhook endpoint is visible to this token in Polar ${resolveClientOptions().server ?? "sandbox"}; check the id (Polar dashboard → Settings → Webhooks) and that the token belongs to its organization.`,
      );
    }
    throw error;
  }
  if (inputs.organizationId !== undefined && current.organization_id !== inputs.organizationId) {
    throw new Error(
      `adoptId ${id} belongs to organization ${current.organization_id}, but organizationId is ${inputs.organizationId}; set organizationId to the endpoint's organization or adopt another endpoint.`,
    );
  }
  return client.updateWebhookEndpoint(id, declaredState(inputs));
}

function toOutputs(
  endpoint: PolarWebhookEndpoint,
  inputs: Pick<WebhookEndpointInputs, "adoptId" | "secretRotation">,
  organizationIdDeclared: boolean,
  previousSecret: string | undefined,
): WebhookEndpointOutputs {
  // Undefined values are not allowed in outputs ("Unexpected struct type"): omit instead.
  return {
    url: endpoint.url,
    events: endpoint.events,
    format: endpoint.format,
    name: endpoint.name,
    enabled: endpoint.enabled,
    apiVersion: endpoint.api_version,
    organizationId: endpoint.organization_id,
    secret: endpoint.secret,
    usesStandardWebhookSignature: endpoint.uses_standard_webhook_signature,
    createdAt: endpoint.created_at,
    modifiedAt: endpoint.modified_at,
    organizationIdDeclared,
    ...(previousSecret !== undefined ? { previousSecret } : {}),
    ...(inputs.adoptId !== undefined ? { adoptId: inputs.adoptId } : {}),
    ...(inputs.secretRotation !== undefined ? { secretRotation: inputs.secretRotation } : {}),
  };
}

/** The provider object: `pulumi.dynamic.ResourceProvider`, usable directly in tests. */
export const webhookEndpointProvider = new WebhookEndpointProvider();
