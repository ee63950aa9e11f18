/**
 * A built consumer bundle in its own clean Node 22 process, kept warm like a Lambda instance: the
 * bundle is `require`d once, then each invocation is a JSON line on stdin and its result a JSON line
 * on fd 3 (stdout carries the function's own log lines, as in Lambda). The environment is only
 * what the Lambda runtime would set plus the test's variables: no node_modules, no AWS profile.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable, Writable } from "node:stream";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { DUMMY_AWS } from "./support";

export const NODE = fs.realpathSync(path.resolve(__dirname, "../../node_modules/.bin/node"));

const DRIVER = `"use strict";
const fs = require("node:fs");
const readline = require("node:readline");
const { handler } = require(process.argv[2]);
const results = fs.createWriteStream(null, { fd: 3 });
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const { id, event, remainingMs } = JSON.parse(line);
  const deadline = Date.now() + remainingMs;
  const context = { functionName: "consumer", awsRequestId: String(id), getRemainingTimeInMillis: () => deadline - Date.now() };
  Promise.resolve()
    .then(() => handler(event, context))
    .then(
      (response) => results.write(JSON.stringify({ id, response }) + "\\n"),
      (error) => results.write(JSON.stringify({ id, error: String(error && error.message) }) + "\\n"),
    );
});
`;

export interface LambdaProcess {
  invoke(event: SQSEvent, context: Context): Promise<SQSBatchResponse>;
  /** Parsed JSON lines the function wrote to stdout so far. */
  logs(): Array<Record<string, unknown>>;
  stop(): Promise<string>;
}

export function startLambdaProcess(
  workDir: string,
  bundleFile: string,
  env: Record<string, string>,
): LambdaProcess {
  const driver = path.join(workDir, "driver.js");
  fs.writeFileSync(driver, DRIVER);
  const child: ChildProcess = spawn(NODE, [driver, bundleFile], {
    cwd: workDir,
    env: {
      PATH: path.dirname(NODE),
      HOME: workDir,
      AWS_CONFIG_FILE: path.join(workDir, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(workDir, "no-aws-credentials"),
      AWS_REGION: DUMMY_AWS.region,
      AWS_ACCESS_KEY_ID: DUMMY_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DUMMY_AWS.credentials.secretAccessKey,
      AWS_LAMBDA_FUNCTION_NAME: "polar-webhook-consumer",
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const pending = new Map<
    number,
    (line: { response?: SQSBatchResponse; error?: string }) => void
  >();
  let buffered = "";
  (child.stdio[3] as Readable).on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      pending.get(line.id)?.(line);
      pending.delete(line.id);
    }
  });
  let nextId = 0;
  return {
    invoke(event, context) {
      const id = (nextId += 1);
      return new Promise((resolve, reject) => {
        pending.set(id, (line) =>
          line.error !== undefined ? reject(new Error(line.error)) : resolve(line.response!),
        );
        const request = { id, event, remainingMs: context.getRemainingTimeInMillis() };
        (child.stdin as Writable).write(`${JSON.stringify(request)}\n`);
      });
    },
    logs: () =>
      stdout
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      return stderr;
    },
  };
}
