/**
 * Where `npm run dev` keeps its stack: project `polar-webhooks`, stack `local`, a file backend and
 * a passphrase file under the user's cache. This is the dev helper's contract (local/dev/stack.ts,
 * `LOCAL_STACK` and `localStackSettings()`), restated here so the CLI does not depend on it; the
 * two must agree.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import type { Environment } from "./io";

export const LOCAL_STACK = { projectName: "polar-webhooks", stackName: "local" } as const;

export interface LocalStackSettings {
  readonly projectName: string;
  readonly stackName: string;
  /** `<cache>/dev`: everything the local stack keeps. */
  readonly directory: string;
  /** The directory of the file backend, `<cache>/dev/state`. */
  readonly stateDirectory: string;
  /** `file://<cache>/dev/state`. */
  readonly backendUrl: string;
  /** For PULUMI_CONFIG_PASSPHRASE_FILE. */
  readonly passphraseFile: string;
}

/** `${POLAR_WEBHOOKS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/polar-webhooks-as-code}`. */
export function cacheDirectory(env: Environment): string {
  const explicit = env.POLAR_WEBHOOKS_CACHE?.trim();
  if (explicit) return explicit;
  const xdg = env.XDG_CACHE_HOME?.trim();
  return join(xdg || join(env.HOME?.trim() || homedir(), ".cache"), "polar-webhooks-as-code");
}

export function localStackSettings(env: Environment): LocalStackSettings {
  const directory = join(cacheDirectory(env), "dev");
  const stateDirectory = join(directory, "state");
  return {
    ...LOCAL_STACK,
    directory,
    stateDirectory,
    backendUrl: `file://${stateDirectory}`,
    passphraseFile: join(directory, "passphrase"),
  };
}
