// Which provider code a resource was last written with. Pulumi stores the serialized provider with
// every resource and runs that stored copy for refresh and delete; a code change alone triggers no
// update, so an upgraded provider would never reach existing resources. `check` therefore records a
// hash of the serialized code it is given (`__provider`) as the `providerVersion` input: after any
// change of the provider's code the next `up` shows an update of each endpoint, which makes the
// engine store the new code (and calls Polar only if something else changed too).
//
// A content hash rather than the package version: this package is never released on its own (its
// version stays 0.1.0), and a version bump is easy to forget, which is exactly the silent failure
// this guards against. Hashing the serialized text costs nothing (the engine hands it to `check`)
// and is the identity of what the engine stores, so "stored code == current code" iff equal.

/** `sha256:` + 16 hex digits of the serialized provider, or {} when not given (direct calls). */
export function providerVersionOf(rawInputs: Record<string, unknown>): {
  providerVersion?: string;
} {
  const code = rawInputs.__provider;
  if (typeof code !== "string" || code === "04da6b54-80e4-46f7-96ec-b56ff0331ba9") return {};
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  return {
    providerVersion: `sha256:${createHash("sha256").update(code).digest("hex").slice(0, 16)}`,
  };
}
