/**
 * The contract of `npm run dev`'s local stack, for whatever else wants to reach it (the operations
 * CLI: `npm run polar -- … --stack local`):
 *
 * - Pulumi project `polar-webhooks`, stack `local`, in a file backend at `file://<cache>/dev/state`,
 *   where `<cache>` is `$POLAR_WEBHOOKS_CACHE`, else `$XDG_CACHE_HOME/polar-webhooks-as-code`, else
 *   `~/.cache/polar-webhooks-as-code`. Its secrets are encrypted with the passphrase in
 *   `<cache>/dev/passphrase` (random, mode 0600, created by the first `npm run dev`), passed as
 *   `PULUMI_CONFIG_PASSPHRASE_FILE`; a `PULUMI_CONFIG_PASSPHRASE` in the environment would win over
 *   it, so `localStackSettings().envVars` come with `withoutPassphraseVariable()`.
 * - It exists while `npm run dev` runs (it is destroyed and removed on exit); `openLocalStack()`
 *   throws `LocalStackNotFoundError` otherwise.
 * - Outputs (`LOCAL_STACK_OUTPUTS`): `webhookUrl` (the local receiver, where the emulator delivers),
 *   `endpointId`, `secret` (a Pulumi secret: the endpoint's signing secret), `polarApiUrl` (the Polar
 *   emulator), `queueUrl`, `deadLetterQueueUrl`, `sqsEndpoint` (the embedded SQS server, fauxqs:
 *   any credentials, region us-east-1, see `localSqsClientConfig`; it does not implement
 *   StartMessageMoveTask), `controlUrl`.
 * - Config: `polar:apiUrl` (the emulator) and `polar:accessToken` (secret: the emulator's
 *   organization token), read as the provider reads them, so API calls to the emulator work as
 *   they do against Polar.
 * - Control endpoint: `POST ${controlUrl}/emit` with `authorization: Bearer <polar:accessToken>` and
 *   a JSON body `{"type": "order.paid", "data"?: {…}}` makes the emulator emit the event (as
 *   something happening in Polar): 202 `{"ids": [...]}` (empty when the endpoint does not subscribe
 *   to the type), 400 `{"error", "suggestion"?}` for an unknown type, 401 without the token.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { SQSClientConfig } from "@aws-sdk/client-sqs";
import { LocalWorkspace, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

export const LOCAL_STACK = { projectName: "polar-webhooks", stackName: "local" } as const;

export const LOCAL_STACK_OUTPUTS = {
  WEBHOOK_URL: "webhookUrl",
  ENDPOINT_ID: "endpointId",
  SECRET: "secret",
  POLAR_API_URL: "polarApiUrl",
  QUEUE_URL: "queueUrl",
  DEAD_LETTER_QUEUE_URL: "deadLetterQueueUrl",
  SQS_ENDPOINT: "sqsEndpoint",
  CONTROL_URL: "controlUrl",
} as const;

export const LOCAL_STACK_CONFIG = {
  ACCESS_TOKEN: "polar:accessToken",
  API_URL: "polar:apiUrl",
  ALLOW_LOOPBACK_WEBHOOK_URLS: "polar:allowLoopbackWebhookUrls",
} as const;

/** Path of the control endpoint that emits an event in the emulator. */
export const CONTROL_EMIT_PATH = "/emit";

/** fauxqs takes any credentials; these never reach AWS. */
export const LOCAL_SQS_REGION = "us-east-1";

export interface LocalStackSettings {
  readonly projectName: string;
  readonly stackName: string;
  /** `<cache>/dev`: everything `npm run dev` keeps. */
  readonly directory: string;
  readonly backendUrl: string;
  readonly passphraseFile: string;
  /** The Automation API's work directory (Pulumi.yaml, Pulumi.local.yaml). */
  readonly workDir: string;
  /** PULUMI_HOME of the local stack's CLI runs, apart from the user's own. */
  readonly pulumiHome: string;
  /** Environment for the CLI runs (merged over `withoutPassphraseVariable(process.env)`). */
  readonly envVars: Readonly<Record<string, string>>;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** `<cache>` of the contract above. */
export function localCacheDirectory(env: Environment = process.env): string {
  if (env.POLAR_WEBHOOKS_CACHE) return resolve(env.POLAR_WEBHOOKS_CACHE);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), ".cache");
  return join(base, "polar-webhooks-as-code");
}

export function localStackSettings(env: Environment = process.env): LocalStackSettings {
  const directory = join(localCacheDirectory(env), "dev");
  const passphraseFile = join(directory, "passphrase");
  return {
    ...LOCAL_STACK,
    directory,
    backendUrl: `file://${join(directory, "state")}`,
    passphraseFile,
    workDir: join(directory, "workspace"),
    pulumiHome: join(directory, "pulumi-home"),
    envVars: {
      PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // The engine needs no plugin but the nodejs dynamic-provider host, which ships with the CLI.
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    },
  };
}

/**
 * The Automation API passes its own environment to the CLI; there PULUMI_CONFIG_PASSPHRASE would
 * take precedence over the passphrase file. Call on `process.env` before using the local stack.
 */
export function withoutPassphraseVariable(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  delete env.PULUMI_CONFIG_PASSPHRASE;
  return env;
}

/**
 * Creates the local stack's directories and `<cache>/dev/passphrase` (random, 0600) unless they
 * exist; never returns the passphrase.
 */
export async function ensureLocalPassphrase(settings: LocalStackSettings): Promise<void> {
  await mkdir(settings.directory, { recursive: true, mode: 0o700 });
  for (const directory of [stateDirectory(settings), settings.workDir, settings.pulumiHome]) {
    await mkdir(directory, { recursive: true });
  }
  try {
    await writeFile(settings.passphraseFile, randomBytes(32).toString("base64url"), {
      mode: 0o600,
      flag: "wx",
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if ((await readFile(settings.passphraseFile, "utf8")).trim() === "") {
      throw new Error(
        `${settings.passphraseFile} is empty; delete it (and ${settings.directory}/state) and run npm run dev again`,
      );
    }
  }
}

function stateDirectory(settings: LocalStackSettings): string {
  return settings.backendUrl.replace(/^file:\/\//, "");
}

export class LocalStackNotFoundError extends Error {
  constructor(settings: LocalStackSettings) {
    super(
      `No local stack in ${settings.backendUrl}: it exists only while \`npm run dev\` runs. ` +
        "Start `npm run dev` in another terminal first.",
    );
    this.name = "LocalStackNotFoundError";
  }
}

/** Options shared by every `LocalWorkspace` call on the local stack. */
export function localWorkspaceOptions(settings: LocalStackSettings, repositoryRoot: string) {
  return {
    workDir: settings.workDir,
    pulumiHome: settings.pulumiHome,
    secretsProvider: "passphrase",
    projectSettings: {
      name: settings.projectName,
      runtime: "nodejs" as const,
      // The dynamic-provider host resolves `require` from here: the repository, with its node_modules.
      main: repositoryRoot,
      backend: { url: settings.backendUrl },
    },
    envVars: { ...settings.envVars },
  };
}

export const REPOSITORY_ROOT = resolve(__dirname, "..", "..");

/**
 * The running local stack, to read its outputs (`stack.outputs()`) or config. Its program is a
 * no-op: only `npm run dev` runs operations on it.
 */
export async function openLocalStack(
  settings: LocalStackSettings = localStackSettings(),
  program: PulumiFn = async () => undefined,
): Promise<Stack> {
  withoutPassphraseVariable(process.env);
  if (!existsSync(stateDirectory(settings)) || !existsSync(settings.passphraseFile)) {
    throw new LocalStackNotFoundError(settings);
  }
  await mkdir(settings.workDir, { recursive: true });
  const options = localWorkspaceOptions(settings, REPOSITORY_ROOT);
  const workspace = await LocalWorkspace.create({ ...options, program });
  const stacks = await workspace.listStacks().catch(() => []);
  if (!stacks.some((s) => s.name === settings.stackName)) {
    throw new LocalStackNotFoundError(settings);
  }
  return LocalWorkspace.selectStack(
    { stackName: settings.stackName, projectName: settings.projectName, program },
    options,
  );
}

/** An SQS client configuration for the embedded queue server (`sqsEndpoint` output). */
export function localSqsClientConfig(sqsEndpoint: string): SQSClientConfig {
  return {
    endpoint: sqsEndpoint,
    region: LOCAL_SQS_REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
}
