// The main job: runs the program in infra/ against a stack (Pulumi.<stack>.yaml) through the
// Automation API. An inline program needs no nodejs language plugin, so this works with the CLI that
// scripts/setup-pulumi.sh builds; with a full Pulumi install, `pulumi up -s dev` works as well.
//
//   npm run up -- dev           deploy (refreshes first; run `npm run preview -- dev` before)
//   npm run up -- dev --no-refresh   deploy without reading the resources first
//   npm run preview -- prod     show what would change
//   npm run stack -- refresh dev | destroy dev | outputs dev
//   npm run stack -- drift prod [--json]   exit 0: no drift, 1: drift, 2: cannot check
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { LocalWorkspace, type OutputMap } from "@pulumi/pulumi/automation";
import { DRIFT_EXIT, engineErrorLines, formatDriftReport, neverDeployed } from "./drift";
import { OPERATIONS, runOperation, type Operation } from "./operations";

const PROJECT = "polar-webhooks";

const repoRoot = resolve(__dirname, "..");

function usage(problem: string): never {
  console.error(`error: ${problem}`);
  console.error(
    `usage: tsx scripts/stack.ts <${OPERATIONS.join("|")}> [stack] [--json | --no-refresh]   (stack defaults to "dev"; --json with drift, --no-refresh with up and preview)`,
  );
  // 2 is also drift's "cannot check".
  process.exit(2);
}

function parseArguments(argv: readonly string[]) {
  const json = argv.includes("--json");
  const noRefresh = argv.includes("--no-refresh");
  const [operationArg, stackArg = "dev", ...rest] = argv.filter(
    (a) => a !== "--json" && a !== "--no-refresh",
  );
  if (!OPERATIONS.includes(operationArg as Operation))
    usage(`unknown operation ${JSON.stringify(operationArg)}`);
  if (rest.length > 0) usage(`unexpected arguments: ${rest.join(" ")}`);
  if (json && operationArg !== "drift") usage("--json goes with drift only");
  if (noRefresh && operationArg !== "up" && operationArg !== "preview")
    usage("--no-refresh goes with up and preview only");
  return { operation: operationArg as Operation, stackName: stackArg, json, refresh: !noRefresh };
}

type Arguments = ReturnType<typeof parseArguments>;

async function main({ operation, stackName, json, refresh }: Arguments): Promise<number> {
  if (!existsSync(resolve(repoRoot, `Pulumi.${stackName}.yaml`))) {
    usage(`no Pulumi.${stackName}.yaml in ${repoRoot}; copy Pulumi.dev.yaml to start a new stack`);
  }
  if (!process.env.PULUMI_CONFIG_PASSPHRASE && !process.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    usage(
      "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE): it encrypts this stack's secrets, including the Polar signing secret",
    );
  }

  // A local file backend unless the user chose one: no Pulumi Cloud account needed.
  const backendUrl = process.env.PULUMI_BACKEND_URL ?? "file://~";
  const args = {
    stackName,
    projectName: PROJECT,
    // Loaded lazily so config errors surface as a failed operation, with Pulumi's own reporting.
    program: async () => ({ ...(require("../infra/index") as OutputMap) }),
  };
  const options = {
    workDir: repoRoot,
    secretsProvider: "passphrase",
    envVars: { PULUMI_BACKEND_URL: backendUrl, PULUMI_SKIP_UPDATE_CHECK: "true" },
  };
  console.error(`[stack] ${operation} ${PROJECT}/${stackName} (backend ${backendUrl})`);
  const print = (line: string) => console.log(line);

  if (operation === "drift") {
    // Never creates the stack: one that does not exist was never deployed.
    const stack = await LocalWorkspace.selectStack(args, options).catch((error: Error) => {
      if (!/no stack named/i.test(error.message)) throw error;
      const report = neverDeployed(stackName);
      print(json ? JSON.stringify(report, null, 2) : formatDriftReport(report));
      return undefined;
    });
    if (stack === undefined) return DRIFT_EXIT.CANNOT_CHECK;
    return runOperation(stack, operation, { onOutput: () => undefined, print, json });
  }
  const stack = await LocalWorkspace.createOrSelectStack(args, options);
  return runOperation(stack, operation, {
    onOutput: (text) => process.stdout.write(text),
    print,
    refresh,
  });
}

const parsed = parseArguments(process.argv.slice(2));
main(parsed).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // The Automation API's error repeats the whole CLI transcript; keep the CLI's own error lines.
    const text = error instanceof Error ? error.message : String(error);
    const errors = engineErrorLines(text);
    console.error(
      `[stack] failed: ${errors.length > 0 ? errors.join("\n  ") : text.split("\n").slice(-3).join(" ")}`,
    );
    // A drift check that failed before it could run cannot tell: 2, as the workflow expects.
    process.exit(parsed.operation === "drift" ? DRIFT_EXIT.CANNOT_CHECK : 1);
  },
);
