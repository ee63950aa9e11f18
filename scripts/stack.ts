// The main job: runs the program in infra/ against a stack (Pulumi.<stack>.yaml) through the
// Automation API. An inline program needs no nodejs language plugin, so this works with the CLI that
// scripts/setup-pulumi.sh builds; with a full Pulumi install, `pulumi up -s dev` works as well.
//
//   npm run up -- dev           deploy (like `pulumi up --yes`; run `npm run preview -- dev` first)
//   npm run preview -- prod     show what would change
//   npm run stack -- refresh dev | destroy dev | outputs dev
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { LocalWorkspace, type OutputMap } from "@pulumi/pulumi/automation";

const PROJECT = "polar-webhooks";
const OPERATIONS = ["up", "preview", "refresh", "destroy", "outputs"] as const;
type Operation = (typeof OPERATIONS)[number];

const repoRoot = resolve(__dirname, "..");

function usage(problem: string): never {
  console.error(`error: ${problem}`);
  console.error(
    `usage: tsx scripts/stack.ts <${OPERATIONS.join("|")}> [stack]   (stack defaults to "dev")`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const [operationArg, stackArg = "dev", ...rest] = process.argv.slice(2);
  if (!OPERATIONS.includes(operationArg as Operation))
    usage(`unknown operation ${JSON.stringify(operationArg)}`);
  if (rest.length > 0) usage(`unexpected arguments: ${rest.join(" ")}`);
  const operation = operationArg as Operation;
  const stackName = stackArg;
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
  const stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName,
      projectName: PROJECT,
      // Loaded lazily so config errors surface as a failed operation, with Pulumi's own reporting.
      program: async () => ({ ...(require("../infra/index") as OutputMap) }),
    },
    {
      workDir: repoRoot,
      secretsProvider: "passphrase",
      envVars: { PULUMI_BACKEND_URL: backendUrl, PULUMI_SKIP_UPDATE_CHECK: "true" },
    },
  );

  const onOutput = (text: string) => process.stdout.write(text);
  console.error(`[stack] ${operation} ${PROJECT}/${stackName} (backend ${backendUrl})`);
  switch (operation) {
    case "up":
      await stack.up({ onOutput, color: "auto" });
      break;
    case "preview":
      await stack.preview({ onOutput, color: "auto", diff: true });
      break;
    case "refresh":
      await stack.refresh({ onOutput, color: "auto" });
      break;
    case "destroy":
      await stack.destroy({ onOutput, color: "auto" });
      break;
    case "outputs": {
      const outputs = await stack.outputs();
      for (const [key, { value, secret }] of Object.entries(outputs)) {
        console.log(`${key}: ${secret ? "[secret]" : JSON.stringify(value)}`);
      }
      break;
    }
  }
}

main().catch((error: unknown) => {
  // The Automation API's error repeats the whole CLI transcript; keep the CLI's own error lines.
  const text = error instanceof Error ? error.message : String(error);
  const errors = [
    ...new Set(
      text
        .split("\n")
        .filter((line) => /^\s*error: /.test(line))
        .map((l) => l.trim()),
    ),
  ];
  console.error(
    `[stack] failed: ${errors.length > 0 ? errors.join("\n  ") : text.split("\n").slice(-3).join(" ")}`,
  );
  process.exit(1);
});
