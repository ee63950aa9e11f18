/** Options several commands share, declared once so their help reads the same everywhere. */
import type { OptionSpec } from "./args";

export const STACK_OPTION: OptionSpec = {
  type: "string",
  placeholder: "name",
  description:
    "Use this stack: its config for the Polar token and server, its outputs for URLs and ids. `local` is the stack of `npm run dev`.",
};

export const CWD_OPTION: OptionSpec = {
  type: "string",
  placeholder: "dir",
  description:
    "The Pulumi project directory with the stack's settings (default: this repository). Backend: the project's, else PULUMI_BACKEND_URL, else file://~.",
};

export const JSON_OPTION: OptionSpec = {
  type: "boolean",
  description:
    "Print JSON for scripts on stdout (shapes in docs/cli.md); progress stays on stderr.",
};

export const RATE_OPTION: OptionSpec = {
  type: "string",
  placeholder: "per-minute",
  description:
    "Requests to Polar per minute (default 80 on sandbox, 400 on production: 80 % of Polar's limit).",
};

export const POLAR_SETTINGS_DETAILS =
  "Polar access: with --stack, the stack's config polar:accessToken, polar:server and polar:apiUrl; " +
  "otherwise (or for keys the stack lacks) POLAR_ACCESS_TOKEN, POLAR_SERVER (sandbox|production, default sandbox) and POLAR_API_URL, " +
  "as the provider reads them.";
