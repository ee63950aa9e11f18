/**
 * Access tokens and what they may see (polar-api.md §1 "Authentication", §4 "401 and 403").
 *
 * Two subjects reach the webhook routes: an organization (organization access token, `polar_oat_`)
 * and a user (personal access token, `polar_pat_`). A user sees the organizations it manages.
 */
import { randomUUID } from "node:crypto";

import type { ValidationErrorItem } from "./responses";
import {
  announceIssued,
  generatePolarToken,
  ORGANIZATION_TOKEN_PREFIX,
  PERSONAL_TOKEN_PREFIX,
} from "./secrets";

export const WEBHOOKS_READ = "webhooks:read";
export const WEBHOOKS_WRITE = "webhooks:write";

/** Scopes of the tokens the emulator creates at start. */
export const DEFAULT_SCOPES: readonly string[] = [WEBHOOKS_READ, WEBHOOKS_WRITE];

export type TokenKind = "organization" | "user";

export type Subject =
  | {
      readonly kind: "organization";
      readonly organizationId: string;
      readonly scopes: readonly string[];
    }
  | {
      readonly kind: "user";
      readonly userId: string;
      /** Organizations the user manages (`organization_manage`). */
      readonly organizationIds: readonly string[];
      readonly scopes: readonly string[];
    };

export interface OrganizationTokenRequest {
  readonly kind: "organization";
  readonly scopes?: readonly string[];
  /** Defaults to the emulator's main organization. */
  readonly organizationId?: string;
}

export interface UserTokenRequest {
  readonly kind: "user";
  readonly scopes?: readonly string[];
  /**
   * Organizations the token's user manages. Defaults to the main user's two organizations;
   * `[]` gives a user who manages nothing (lists come back empty, gets are 404).
   */
  readonly organizationIds?: readonly string[];
}

export type TokenRequest = OrganizationTokenRequest | UserTokenRequest;

export class TokenRegistry {
  private readonly subjects = new Map<string, Subject>();

  issue(subject: Subject): string {
    const prefix =
      subject.kind === "organization" ? ORGANIZATION_TOKEN_PREFIX : PERSONAL_TOKEN_PREFIX;
    const token = generatePolarToken(prefix);
    announceIssued({
      kind: subject.kind === "organization" ? "organization token" : "personal token",
      value: token,
    });
    this.subjects.set(token, subject);
    return token;
  }

  /** A user subject with a fresh id, for tokens of users other than the main one. */
  static newUser(organizationIds: readonly string[], scopes: readonly string[]): Subject {
    return { kind: "user", userId: randomUUID(), organizationIds: [...organizationIds], scopes };
  }

  resolve(token: string): Subject | undefined {
    return this.subjects.get(token);
  }

  revoke(token: string): boolean {
    return this.subjects.delete(token);
  }
}

/**
 * How the `Authorization` header resolved:
 * - `anonymous`: no credentials, or not a Bearer scheme; the route dependency answers 401.
 * - `invalid`: a Bearer token that resolves to nothing; the auth middleware answers 401
 *   `invalid_token` before routing.
 */
export type Authentication =
  | { readonly kind: "anonymous" }
  | { readonly kind: "invalid" }
  | { readonly kind: "authenticated"; readonly subject: Subject };

export function authenticate(
  authorization: string | undefined,
  tokens: TokenRegistry,
): Authentication {
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "");
  const token = match?.[1]?.trim();
  if (token === undefined || token === "") {
    return { kind: "anonymous" };
  }
  const subject = tokens.resolve(token);
  return subject === undefined ? { kind: "invalid" } : { kind: "authenticated", subject };
}

/** Polar's rule: the token needs at least one of the route's required scopes. */
export function hasAnyScope(subject: Subject, required: readonly string[]): boolean {
  return required.some((scope) => subject.scopes.includes(scope));
}

/**
 * Organizations whose endpoints the subject can see and change. `Polar-Organization` (sent by
 * `@polar-sh/sdk` 1.x when `organizationId` is set) narrows a user token to that one organization;
 * an organization token already is.
 */
export function accessibleOrganizations(
  subject: Subject,
  polarOrganization: string | undefined,
): ReadonlySet<string> {
  if (subject.kind === "organization") {
    return new Set([subject.organizationId]);
  }
  if (polarOrganization === undefined) {
    return new Set(subject.organizationIds);
  }
  const narrowed = polarOrganization.trim().toLowerCase();
  return new Set(subject.organizationIds.filter((id) => id === narrowed));
}

/** What `resolveOrganization` needs to know about the caller. */
export interface OrganizationContext {
  readonly subject: Subject;
  /** Organizations the caller may see and change. */
  readonly organizations: ReadonlySet<string>;
  /** A user token narrowed to one organization by the `Polar-Organization` header. */
  readonly narrowedByHeader: boolean;
}

/**
 * `get_payload_organization`: an organization token must not name an organization (not even its
 * own); a user token must, unless it is narrowed to exactly one organization.
 */
export function resolveOrganization(
  context: OrganizationContext,
  organizationId: string | null,
): { ok: true; id: string } | { ok: false; error: ValidationErrorItem } {
  const loc = ["body", "organization_id"];
  if (context.subject.kind === "organization") {
    if (organizationId !== null) {
      return {
        ok: false,
        error: {
          type: "organization_token",
          loc,
          msg: "Setting organization_id is disallowed when using an organization token.",
          input: organizationId,
        },
      };
    }
    return { ok: true, id: context.subject.organizationId };
  }
  if (organizationId === null) {
    // A credential restricted to exactly one organization resolves it implicitly.
    const [only, ...others] = [...context.organizations];
    if (context.narrowedByHeader && only !== undefined && others.length === 0) {
      return { ok: true, id: only };
    }
    return {
      ok: false,
      error: { type: "missing", loc, msg: "organization_id is required.", input: null },
    };
  }
  if (!context.organizations.has(organizationId)) {
    return {
      ok: false,
      error: { type: "value_error", loc, msg: "Organization not found.", input: organizationId },
    };
  }
  return { ok: true, id: organizationId };
}
