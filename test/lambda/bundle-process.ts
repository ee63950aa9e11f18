/**
 * The receiver bundle as an artifact: written to a temporary directory with no node_modules and run
 * by a separate, clean Node 22 process (only the environment the Lambda runtime would give it),
 * which invokes `handler` with each API Gateway v2 event in order.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { ReceiverBundle } from "../../infra/bundle";
import type { ReceiverResult, RequestLogEntry } from "../../lambda";
import { DUMMY_AWS } from "./support";

/**
 * Node 22 from the `node` devDependency (the tests must not depend on whatever `node` is first on
 * PATH).
 */
const NODE = fs.realpathSync(path.resolve(__dirname, "../../node_modules/.bin/node"));

/**
 * Requires the bundle like the Lambda runtime does, runs each event from stdin in order, writes
 * results to argv[3]. With a function timeout (argv[4], ms) each call gets a context, as in Lambda.
 */
const DRIVER = `"use strict";
const fs = require("node:fs");
const { handler } = require(process.argv[2]);
const timeoutMs = Number(process.argv[4] || 0);
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", async () => {
  const events = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const results = [];
  for (const event of events) {
    const end = Date.now() + timeoutMs;
    const context = { getRemainingTimeInMillis: () => end - Date.now() };
    results.push(await (timeoutMs ? handler(event, context) : handler(event)));
  }
  fs.writeFileSync(process.argv[3], JSON.stringify(results));
});
`;

export interface BundleRun {
  results: ReceiverResult[];
  logs: RequestLogEntry[];
  stderr: string;
}

export interface BundleDirectory {
  readonly workDir: string;
  /**
   * Runs the bundle in a fresh process with ONLY the given environment (plus what the Lambda
   * runtime sets), so no AWS profile, NODE_PATH or repository node_modules can leak in.
   */
  run(
    events: APIGatewayProxyEventV2[],
    env: Record<string, string>,
    functionTimeoutMs?: number,
  ): Promise<BundleRun>;
  dispose(): void;
}

export function writeBundle(bundle: ReceiverBundle): BundleDirectory {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "receiver-bundle-"));
  fs.writeFileSync(path.join(workDir, bundle.fileName), bundle.code);
  fs.writeFileSync(path.join(workDir, "driver.js"), DRIVER);
  return {
    workDir,
    run: async (events, env, functionTimeoutMs) => {
      const resultFile = path.join(workDir, `results-${Date.now()}-${Math.random()}.json`);
      const args = [
        "driver.js",
        `./${bundle.fileName}`,
        resultFile,
        String(functionTimeoutMs ?? ""),
      ];
      const child = spawn(NODE, args, {
        cwd: workDir,
        env: {
          PATH: path.dirname(NODE),
          HOME: workDir,
          AWS_CONFIG_FILE: path.join(workDir, "no-aws-config"),
          AWS_SHARED_CREDENTIALS_FILE: path.join(workDir, "no-aws-credentials"),
          AWS_REGION: DUMMY_AWS.region,
          AWS_ACCESS_KEY_ID: DUMMY_AWS.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: DUMMY_AWS.credentials.secretAccessKey,
          AWS_LAMBDA_FUNCTION_NAME: "polar-webhook-receiver",
          ...env,
        },
        stdio: ["pipe", "pipe", "pipe"],
      });
      const { stdout, stderr, code } = await collect(child, JSON.stringify(events));
      if (code !== 0) {
        throw new Error(`bundle process exited with ${code}: ${stderr}`);
      }
      const results = JSON.parse(fs.readFileSync(resultFile, "utf8")) as ReceiverResult[];
      const logs = stdout
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as RequestLogEntry);
      return { results, logs, stderr };
    },
    dispose: () => fs.rmSync(workDir, { recursive: true, force: true }),
  };
}

function collect(child: ChildProcess, input: string) {
  return new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ stdout, stderr, code }));
    child.stdin?.end(input);
  });
}
