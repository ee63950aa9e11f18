// The resource's data model: its inputs and outputs, and the constants its rules share. The pure
// rules themselves are check.ts (what `pulumi preview` rejects) and diff.ts (what updates in place
// and what replaces). No I/O here.
import type { WebhookEventType } from "./events";
import type { WebhookFormat } from "./url";
import type { EndpointLocation } from "./location";

/** What the engine sends for a value not known until apply (pulumi.runtime.unknownValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** API versions Polar accepts for event payloads (`AvailableAPIVersion`). */
export const POLAR_API_VERSIONS = ["2026-04", "2026-10", "2027-01"] as const;
export type PolarApiVersion = (typeof POLAR_API_VERSIONS)[number];

/** The payload version Polar gives an endpoint created without `api_version`. */
export const POLAR_DEFAULT_API_VERSION = "2026-04";

/** Set by `check` (location.ts, version.ts); never by the program. */
export const PROVIDER_SET_INPUTS = ["polarApiUrl", "tokenFingerprint", "providerVersion"] as const;

/** Inputs after `check`: plain values, defaults applied, url normalized, location added. */
export interface WebhookEndpointInputs extends EndpointLocation {
  url: string;
  events: string[];
  format: WebhookFormat;
  name?: string;
  enabled: boolean;
  apiVersion?: string;
  organizationId?: string;
  adoptId?: string;
  secretRotation?: string;
  /** A signing secret of the user's own, sent on create only (own-secret.ts). */
  secret?: string;
  /** Hash of the provider code that checked these inputs (version.ts). */
  providerVersion?: string;
  /**
   * Which resource this is (`<project>/<stack>/<resource> <key>`, owner.ts): set by the resource
   * class and written into the endpoint's name, so a later run knows what this resource made.
   */
  owner?: string;
}

/**
 * Outputs: the endpoint as Polar stores it, plus what the provider must remember, including where
 * the endpoint lives (absent in state written before locations were recorded).
 */
export interface WebhookEndpointOutputs extends EndpointLocation {
  /** Normalized by Polar (and by `normalizeWebhookUrl`). */
  url: string;
  events: string[];
  format: WebhookFormat;
  /** Polar cannot clear a name; "" is how "no name" is stored once one was set. */
  name: string | null;
  enabled: boolean;
  /** The API version used for event payloads. */
  apiVersion: string | null;
  organizationId: string;
  /** The signing secret (always a Pulumi secret). */
  secret: string;
  /** The secret before the last rotation, kept so receivers can accept both during a rollover. */
  previousSecret?: string;
  /** When the last rotation took effect (ISO 8601 instant, see rotation.ts); absent before any. */
  secretRotatedAt?: string;
  usesStandardWebhookSignature: boolean;
  createdAt: string;
  modifiedAt: string | null;
  /** Echo of the inputs that are not Polar fields, so `diff` can see them change. */
  adoptId?: string;
  secretRotation?: string;
  /** Whether organizationId was declared (user token) or implied by an organization token. */
  organizationIdDeclared: boolean;
  /** Whether apiVersion was declared: removing it then means "back to Polar's default". */
  apiVersionDeclared?: boolean;
  /** The provider code this state was last written with (version.ts). */
  providerVersion?: string;
  /** Set when `secret` was given at creation: whether Polar signs with it. */
  ownSecretAccepted?: boolean;
  /** This resource (owner.ts), from the inputs; kept by refresh. */
  owner?: string;
  /**
   * The owner the endpoint's name in Polar names, as last seen: another resource's after it
   * adopted the endpoint (then delete leaves the endpoint to it), absent if the marker was removed.
   */
  markedOwner?: string;
}

export type TokenKind = "organization" | "user";

export function tokenKind(token: string): TokenKind {
  return token.startsWith("polar_oat_") ? "organization" : "user";
}

/** A value not known until apply (see UNKNOWN). */
export const isUnknown = (value: unknown): boolean => value === UNKNOWN;

export type { WebhookEventType };
