// Which resource manages an endpoint, written where the next run can see it: in the endpoint's
// name in Polar. Polar has no metadata or tag field, and an interrupted `up` leaves nothing in
// Pulumi's state that the provider is shown (a pending create is only a warning), so the name is
// the one place a later run can find what an earlier one made. Pure functions; the provider uses
// them in create.ts (interrupted creates, adoption) and provider.ts (delete).
//
// The marker is `[pulumi <project>/<stack>/<resource> <key>]`, after the declared name if any; a
// create writes it with ` creating` first and drops that word once the endpoint is complete. An
// endpoint marked `creating` is one no state can hold: the create that made it never returned.

/** `<project>/<stack>/<resource> <key>`: what the resource class passes as the `owner` input. */
export type Owner = string;

export interface NameMarker {
  /** `<project>/<stack>/<resource>`, for people reading the dashboard. */
  readonly label: string;
  /** 12 hex digits of a hash of organization, project, stack and resource name. */
  readonly key: string;
  /** Written by a create that has not finished (see above). */
  readonly creating: boolean;
}

const MARKER = /^(?:(.*) )?\[pulumi (.+) ([0-9a-f]{12})( creating)?\]$/s;
const OWNER = /^(.+) ([0-9a-f]{12})$/s;

/**
 * This resource's owner input. The key tells resources apart (the label alone could be the same
 * in two organizations); it is computed in the program, which knows the stack, never in the
 * provider (serialized, and told nothing about the stack).
 */
export function ownerOf(resource: {
  readonly organization: string;
  readonly project: string;
  readonly stack: string;
  readonly name: string;
}): Owner {
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  const key = createHash("sha256")
    .update(
      JSON.stringify([
        "polar-webhooks-as-code/owner/v1",
        resource.organization,
        resource.project,
        resource.stack,
        resource.name,
      ]),
    )
    .digest("hex")
    .slice(0, 12);
  return `${resource.project}/${resource.stack}/${resource.name} ${key}`;
}

export function isOwner(value: unknown): value is Owner {
  return typeof value === "string" && OWNER.test(value);
}

/** The key part of an owner input, or undefined for anything else. */
export function ownerKey(owner: string | undefined): string | undefined {
  return owner === undefined ? undefined : OWNER.exec(owner)?.[2];
}

/** The label part of an owner input (`<project>/<stack>/<resource>`). */
export function ownerLabel(owner: string | undefined): string | undefined {
  return owner === undefined ? undefined : OWNER.exec(owner)?.[1];
}

/** `<project>/<stack>` of an owner or marker label: which stack it belongs to. */
export function stackOfLabel(label: string): string {
  return label.split("/").slice(0, 2).join("/");
}

/** The name to store in Polar: the declared one, then the marker (none without an owner). */
export function markedName(
  declared: string | null | undefined,
  owner: Owner | undefined,
  phase: "creating" | "owned",
): string {
  if (owner === undefined) return declared ?? "";
  const marker = `[pulumi ${owner}${phase === "creating" ? " creating" : ""}]`;
  return declared ? `${declared} ${marker}` : marker;
}

/** Splits a name read from Polar into the declared part and the marker, if any. */
export function parseName(name: string | null | undefined): {
  readonly declared: string | null;
  readonly marker: NameMarker | undefined;
} {
  if (name === null || name === undefined) return { declared: null, marker: undefined };
  const match = MARKER.exec(name);
  if (!match) return { declared: name, marker: undefined };
  return {
    declared: match[1] === undefined || match[1] === "" ? null : match[1],
    marker: { label: match[2], key: match[3], creating: match[4] !== undefined },
  };
}

/** The marker as an owner value (`label key`), `creating` included when present. */
export function markerOwner(marker: NameMarker | undefined): string | undefined {
  return marker === undefined
    ? undefined
    : `${marker.label} ${marker.key}${marker.creating ? " creating" : ""}`;
}
