// The dynamic provider: Polar webhook endpoints as Pulumi resources. It is serialized into state and
// runs in Pulumi's nodejs provider host, so it captures only code (never a token) and reads its
// settings at run time (see settings.ts).
import type * as pulumi from "@pulumi/pulumi";
import { PolarClient, type WebhookEndpoint as PolarWebhookEndpoint } from "./client";
import { adoptEndpoint, createEndpoint } from "./create";
import { apiUrlOf, locationChange, tokenFingerprint, type EndpointLocation } from "./location";
import { checkWebhookEndpointInputs } from "./check";
import { diffWebhookEndpoint, updateBody } from "./diff";
import { tokenKind, type WebhookEndpointInputs, type WebhookEndpointOutputs } from "./model";
import { atRecordedLocation, confirmUnrecordedLocation, currentTokenReaches } from "./reach";
import { rotationInstant } from "./rotation";
import {
  loopbackWebhookUrlsAllowed,
  resolveClientOptions,
  storeProviderSettings,
} from "./settings";
import { markedName, markerOwner, ownerKey, parseName } from "./owner";
import { ownSecretChangeProblem } from "./own-secret";
import { providerVersionOf } from "./version";

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
   * changes must make no API calls. Adds where the endpoint will live (location.ts), so that a
   * change of server, URL or token shows up in `diff`, and which provider code checked them
   * (version.ts), so that an upgraded provider reaches existing endpoints.
   */
  async check(
    olds: WebhookEndpointInputs,
    news: WebhookEndpointInputs,
  ): Promise<pulumi.dynamic.CheckResult<WebhookEndpointInputs>> {
    let options: ReturnType<typeof resolveClientOptions>;
    try {
      options = resolveClientOptions();
    } catch (error) {
      return {
        inputs: news,
        failures: [{ property: "accessToken", reason: (error as Error).message }],
      };
    }
    const { inputs, failures } = checkWebhookEndpointInputs(
      news as unknown as Record<string, unknown>,
      tokenKind(options.accessToken),
      { allowLoopback: loopbackWebhookUrlsAllowed(apiUrlOf(options)) },
    );
    if (failures.length > 0) return { inputs, failures: withoutSecretValues(failures) };
    const checked = {
      ...inputs,
      ...currentLocation(options),
      ...providerVersionOf(news as unknown as Record<string, unknown>),
    };
    const secretChange = ownSecretChangeProblem(olds, checked);
    return { inputs: checked, failures: withoutSecretValues(secretChange ? [secretChange] : []) };
  }

  /**
   * Compares stored outputs with checked inputs (diffWebhookEndpoint). Calls Polar only when the
   * token changed: one GET with the new token tells a rotation (update) from another organization
   * (replace). A preview without changes makes no API call.
   */
  async diff(
    id: string,
    olds: WebhookEndpointOutputs,
    news: WebhookEndpointInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    const diff = diffWebhookEndpoint(olds, news, id);
    if (locationChange(olds, news).kind === "token-changed") {
      const reaches = await currentTokenReaches(
        id,
        news.polarApiUrl as string,
        olds.organizationId,
      );
      (reaches ? diff.updates : diff.replaces).push("tokenFingerprint");
    }
    const changes = diff.updates.length > 0 || diff.replaces.length > 0;
    const stables = ["createdAt", "organizationId", "organizationIdDeclared"];
    if (!diff.rotateSecret && diff.replaces.length === 0)
      stables.push("secret", "usesStandardWebhookSignature", "previousSecret", "secretRotatedAt");
    return { changes, replaces: diff.replaces, stables, deleteBeforeReplace: false };
  }

  /** Creates (or adopts) the endpoint. Transactional: on failure nothing new is left in Polar. */
  async create(
    inputs: WebhookEndpointInputs,
  ): Promise<pulumi.dynamic.CreateResult<WebhookEndpointOutputs>> {
    const options = resolveClientOptions();
    const location = currentLocation(options);
    const client = new PolarClient({ ...options, baseUrl: location.polarApiUrl });
    try {
      const endpoint =
        inputs.adoptId !== undefined
          ? await adoptEndpoint(client, inputs, options.server ?? "sandbox")
          : await createEndpoint(client, inputs);
      return {
        id: endpoint.id,
        outs: toOutputs(endpoint, {
          ...inputs,
          ...location,
          organizationIdDeclared: inputs.organizationId !== undefined,
          apiVersionDeclared: inputs.apiVersion !== undefined,
          // Compared here, so that only a boolean (never a secret) tells the program about it.
          ownSecretAccepted:
            inputs.secret !== undefined ? endpoint.secret === inputs.secret : undefined,
        }),
      };
    } finally {
      await client.close();
    }
  }

  /**
   * Refresh, at the endpoint's recorded location: reports drift (e.g. Polar's auto-disable); an
   * endpoint known to be deleted leaves state. One the current settings cannot see stays, and the
   * refresh fails saying why (reach.ts).
   */
  async read(
    id: string,
    props?: WebhookEndpointOutputs,
  ): Promise<pulumi.dynamic.ReadResult<WebhookEndpointOutputs>> {
    const carried = props ?? ({} as Partial<WebhookEndpointOutputs>);
    const reached = await atRecordedLocation(id, carried, "read", (client) =>
      client.getWebhookEndpoint(id),
    );
    if (reached.gone) return { id: "" };
    const endpoint = reached.value;
    // A secret changed outside Pulumi (dashboard reset) is a rotation too: keep the one we knew.
    const rotatedOutOfBand = carried.secret !== undefined && carried.secret !== endpoint.secret;
    const outs = toOutputs(endpoint, {
      adoptId: carried.adoptId,
      secretRotation: carried.secretRotation,
      polarApiUrl: carried.polarApiUrl,
      tokenFingerprint: carried.tokenFingerprint,
      organizationIdDeclared: carried.organizationIdDeclared ?? false,
      apiVersionDeclared: carried.apiVersionDeclared,
      providerVersion: carried.providerVersion,
      ownSecretAccepted: carried.ownSecretAccepted,
      owner: carried.owner,
      previousSecret: rotatedOutOfBand ? carried.secret : carried.previousSecret,
      secretRotatedAt: rotatedOutOfBand
        ? rotationInstant(endpoint.modified_at, carried.modifiedAt ?? carried.createdAt)
        : carried.secretRotatedAt,
    });
    return { id: endpoint.id, props: outs };
  }

  /**
   * PATCHes only what changed, at the recorded location; a changed secretRotation marker resets
   * the secret. Changes Polar does not hold (a new token's fingerprint, adoptId naming this very
   * endpoint) are only recorded, without an API call; a location recorded for the first time is
   * checked with one GET. New provider code alone (providerVersion) makes no call.
   */
  async update(
    id: string,
    olds: WebhookEndpointOutputs,
    news: WebhookEndpointInputs,
  ): Promise<pulumi.dynamic.UpdateResult<WebhookEndpointOutputs>> {
    const diff = diffWebhookEndpoint(olds, news, id);
    const body = updateBody(diff, news);
    const needsPolar = Object.keys(body).length > 0 || diff.rotateSecret;
    let endpoint = fromOutputs(id, olds);
    if (locationChange(olds, news).kind === "unrecorded") {
      endpoint = await confirmUnrecordedLocation(id, olds.organizationId);
    }
    let previousSecret = olds.previousSecret;
    let secretRotatedAt = olds.secretRotatedAt;
    if (needsPolar) {
      const reached = await atRecordedLocation(id, olds, "update", async (client) => {
        const current =
          Object.keys(body).length > 0 ? await client.updateWebhookEndpoint(id, body) : undefined;
        if (!diff.rotateSecret) return { endpoint: current, previousSecret, secretRotatedAt };
        const before = current ?? (await client.getWebhookEndpoint(id));
        if (before.secret !== olds.secret) {
          // A reset took effect since the state was written (an `up` killed after Polar reset
          // the secret, or the dashboard): that is the rotation. Another would strand receivers
          // that already got the new secret.
          return {
            endpoint: before,
            previousSecret: olds.secret,
            secretRotatedAt: rotationInstant(before.modified_at, olds.modifiedAt ?? olds.createdAt),
          };
        }
        const rotated = await client.rotateWebhookEndpointSecret(id, {
          currentSecret: before.secret,
        });
        return {
          endpoint: rotated.endpoint,
          previousSecret: rotated.previousSecret,
          secretRotatedAt: rotationInstant(
            rotated.endpoint.modified_at,
            before.modified_at ?? olds.modifiedAt ?? olds.createdAt,
          ),
        };
      });
      if (reached.gone) {
        throw new Error(
          `Polar webhook endpoint ${id} no longer exists (deleted outside Pulumi): run \`pulumi refresh\` to drop it from state, then \`pulumi up\` to create it again.`,
        );
      }
      endpoint = reached.value.endpoint ?? endpoint;
      previousSecret = reached.value.previousSecret;
      secretRotatedAt = reached.value.secretRotatedAt;
    }
    return {
      outs: toOutputs(endpoint, {
        ...news,
        // The location the endpoint was reached at; state from before locations were recorded
        // gets the current one (an update only happens when it did not move).
        polarApiUrl: olds.polarApiUrl ?? news.polarApiUrl,
        tokenFingerprint: news.tokenFingerprint ?? olds.tokenFingerprint,
        organizationIdDeclared: olds.organizationIdDeclared ?? news.organizationId !== undefined,
        apiVersionDeclared: news.apiVersion !== undefined,
        previousSecret,
        secretRotatedAt,
        providerVersion: news.providerVersion ?? olds.providerVersion,
        ownSecretAccepted: olds.ownSecretAccepted,
        owner: news.owner ?? olds.owner,
      }),
    };
  }

  /**
   * Deletes the endpoint where it lives. Gone already (404 from that location, with a token of its
   * organization) counts as deleted; an endpoint the current settings cannot reach fails the
   * delete with how to finish (reach.ts). An endpoint whose name in Polar names another resource
   * (one that adopted it, e.g. after a rename, in this run or an earlier one) belongs to that
   * resource: this one only leaves state.
   */
  async delete(id: string, props?: WebhookEndpointOutputs): Promise<void> {
    const recorded = props ?? ({} as Partial<WebhookEndpointOutputs>);
    const reached = await atRecordedLocation(id, recorded, "delete", async (client) => {
      // Only a resource that writes owner markers can have been succeeded by one that adopted it.
      if (recorded.owner !== undefined) {
        const { marker } = parseName((await client.getWebhookEndpoint(id)).name);
        if (marker !== undefined && marker.key !== ownerKey(recorded.owner)) return marker.label;
      }
      await client.deleteWebhookEndpoint(id);
      return undefined;
    });
    if (!reached.gone && reached.value !== undefined) {
      console.error(
        `polar webhook endpoint ${id}: now managed by ${reached.value} (its name in Polar says so); removed from this resource's state, not deleted in Polar.`,
      );
    }
  }
}

/**
 * The engine prints the input's value next to a failure that names a property, secrets in clear
 * (`property secret value {&{{…}}} has a problem`): failures about `secret` name no property (the
 * reason names the field).
 */
function withoutSecretValues(
  failures: pulumi.dynamic.CheckFailure[],
): pulumi.dynamic.CheckFailure[] {
  return failures.map((f) => (f.property === "secret" ? { property: "", reason: f.reason } : f));
}

function currentLocation(
  options: ReturnType<typeof resolveClientOptions>,
): Required<EndpointLocation> {
  return {
    polarApiUrl: apiUrlOf(options),
    tokenFingerprint: tokenFingerprint(options.accessToken),
  };
}

interface OutputExtras extends EndpointLocation {
  adoptId?: string;
  secretRotation?: string;
  organizationIdDeclared: boolean;
  apiVersionDeclared?: boolean;
  previousSecret?: string;
  secretRotatedAt?: string;
  providerVersion?: string;
  ownSecretAccepted?: boolean;
  owner?: string;
}

function toOutputs(endpoint: PolarWebhookEndpoint, extras: OutputExtras): WebhookEndpointOutputs {
  // The name as declared; the owner marker Polar holds is reported apart (owner.ts).
  const { declared, marker } = parseName(endpoint.name);
  // Undefined values are not allowed in outputs ("Unexpected struct type"): omit instead.
  const optional = {
    owner: extras.owner,
    markedOwner: markerOwner(marker),
    previousSecret: extras.previousSecret,
    secretRotatedAt: extras.secretRotatedAt,
    adoptId: extras.adoptId,
    secretRotation: extras.secretRotation,
    polarApiUrl: extras.polarApiUrl,
    tokenFingerprint: extras.tokenFingerprint,
    apiVersionDeclared: extras.apiVersionDeclared,
    providerVersion: extras.providerVersion,
    ownSecretAccepted: extras.ownSecretAccepted,
  };
  return {
    url: endpoint.url,
    events: endpoint.events,
    format: endpoint.format,
    name: declared,
    enabled: endpoint.enabled,
    apiVersion: endpoint.api_version,
    organizationId: endpoint.organization_id,
    secret: endpoint.secret,
    usesStandardWebhookSignature: endpoint.uses_standard_webhook_signature,
    createdAt: endpoint.created_at,
    modifiedAt: endpoint.modified_at,
    organizationIdDeclared: extras.organizationIdDeclared,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

/** The endpoint as state last saw it, for an update that needs no call to Polar. */
function fromOutputs(id: string, olds: WebhookEndpointOutputs): PolarWebhookEndpoint {
  return {
    id,
    url: olds.url,
    events: olds.events,
    format: olds.format,
    name: olds.markedOwner ? markedName(olds.name, olds.markedOwner, "owned") : olds.name,
    enabled: olds.enabled,
    api_version: olds.apiVersion,
    organization_id: olds.organizationId,
    secret: olds.secret,
    uses_standard_webhook_signature: olds.usesStandardWebhookSignature,
    created_at: olds.createdAt,
    modified_at: olds.modifiedAt,
  };
}

/** The provider object: `pulumi.dynamic.ResourceProvider`, usable directly in tests. */
export const webhookEndpointProvider = new WebhookEndpointProvider();
