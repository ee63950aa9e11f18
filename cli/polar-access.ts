/**
 * The Polar client for a command: token and server resolved exactly as the provider resolves them
 * (stack config `polar:*`, else `POLAR_*` variables), every call paced and retried by PacedPolar.
 */
import {
  clientOptionsFromSettings,
  PolarClient,
  ProviderSettingsError,
  type PolarServer,
  type ProviderSettings,
} from "../providers/polar";
import { CliError, EXIT, UsageError } from "./errors";
import type { Context } from "./context";
import type { CliIo } from "./io";
import { defaultPerMinute, Pacer } from "./pacer";
import { PacedPolar } from "./polar-calls";
import type { StackHandle } from "./stack";

export interface PolarAccess {
  readonly polar: PacedPolar;
  readonly server: PolarServer;
  /** The stack given, if any. */
  readonly stack: StackHandle | undefined;
  /** The stack's `endpointId` output, when a stack was given. */
  readonly stackEndpointId: string | undefined;
}

export interface PolarAccessOptions {
  readonly io: CliIo;
  readonly stack: StackHandle | undefined;
  /** `--rate`, requests per minute. */
  readonly perMinute?: number;
  /** Where waits for the rate limit are reported. */
  readonly onWait: (message: string) => void;
}

const TOKEN_KIND =
  "an organization access token with webhooks:read; redeliver needs webhooks:write";

export async function polarAccess(options: PolarAccessOptions): Promise<PolarAccess> {
  const { io, stack } = options;
  const settings: ProviderSettings = {};
  let stackEndpointId: string | undefined;
  if (stack) {
    const config = await stack.config();
    settings.accessToken = config["polar:accessToken"];
    settings.server = config["polar:server"];
    settings.apiUrl = config["polar:apiUrl"];
    const outputs = await stack.outputs();
    if (typeof outputs.endpointId === "string") stackEndpointId = outputs.endpointId;
    // The emulator's URL as the dev stack reports it, should its config lag behind a restart.
    if (stack.isLocalDev && typeof outputs.polarApiUrl === "string") {
      settings.apiUrl = outputs.polarApiUrl;
    }
  }
  if (!settings.accessToken?.trim() && !io.env.POLAR_ACCESS_TOKEN?.trim()) {
    throw new CliError(missingTokenMessage(stack), EXIT.USAGE);
  }
  let clientOptions;
  try {
    clientOptions = clientOptionsFromSettings(settings, io.env);
  } catch (error) {
    if (error instanceof ProviderSettingsError) throw new CliError(error.message, EXIT.USAGE);
    throw error;
  }
  const server = clientOptions.server ?? "sandbox";
  const perMinute = options.perMinute ?? defaultPerMinute(server);
  // Retries are PacedPolar's: it reports each wait and slows the whole run down after a 429.
  const client = new PolarClient({ ...clientOptions, retry: { maxRetries: 0 } });
  return {
    polar: new PacedPolar(client, new Pacer({ perMinute }), io, options.onWait),
    server,
    stack,
    stackEndpointId,
  };
}

/** The stack named by `--stack`/`--cwd` (if any) and Polar access for a command. */
export async function commandPolarAccess(
  input: { readonly stack?: string; readonly cwd?: string; readonly perMinute?: number },
  context: Context,
): Promise<PolarAccess> {
  const stack = input.stack ? await context.stack(input.stack, input.cwd) : undefined;
  return polarAccess({
    io: context.io,
    stack,
    perMinute: input.perMinute,
    onWait: (message) => context.progress.note(context.paintErr("yellow", message)),
  });
}

function missingTokenMessage(stack: StackHandle | undefined): string {
  if (!stack) {
    return `Polar access token is missing: set POLAR_ACCESS_TOKEN (${TOKEN_KIND}), or pass --stack <name> to use that stack's polar:accessToken.`;
  }
  if (stack.isLocalDev) {
    return `Polar access token is missing: the local stack has no polar:accessToken; restart \`npm run dev\` (it sets the emulator's token) or set POLAR_ACCESS_TOKEN.`;
  }
  return `Polar access token is missing: stack ${stack.description} has no polar:accessToken and POLAR_ACCESS_TOKEN is not set. Run \`pulumi config set --secret polar:accessToken <token> -s ${stack.name}\` or set POLAR_ACCESS_TOKEN (${TOKEN_KIND}).`;
}

/**
 * The endpoints a command that sends may touch: `--endpoint`, else the stack's endpointId output.
 * Never none: input checking requires one of the two, and a stack without the output is refused.
 */
export function scopedEndpointIds(
  input: { readonly endpointIds: readonly string[] },
  access: PolarAccess,
): string[] {
  if (input.endpointIds.length > 0) return [...input.endpointIds];
  if (access.stackEndpointId) return [access.stackEndpointId];
  throw new CliError(
    `Stack ${access.stack?.description ?? "(none)"} has no endpointId output, so it names no endpoint: give --endpoint <id> (npm run polar -- endpoints lists them), or deploy the stack first.`,
    EXIT.USAGE,
  );
}

/** `--rate`: requests per minute. */
export function parseRate(text: string | undefined, command: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || text.trim() === "") {
    throw new UsageError(
      `--rate ${JSON.stringify(text)} is not a number of requests per minute > 0`,
      command,
    );
  }
  return value;
}
