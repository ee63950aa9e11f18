/**
 * A built bundle in a fresh Node 22 process with only what the Lambda runtime would give it (no
 * node_modules, no AWS profile): what a cold start pays. The driver writes one JSON line to fd 3;
 * stdout carries the function's own log lines, as in Lambda, and is dropped.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { LOCAL_AWS, NODE } from "./processes";

export function lambdaEnvironment(directory: string, functionName: string): Record<string, string> {
  return {
    PATH: path.dirname(NODE),
    HOME: directory,
    AWS_CONFIG_FILE: path.join(directory, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(directory, "no-aws-credentials"),
    ...LOCAL_AWS,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
  };
}

/** Writes `source` as `name` in `directory` (once) and returns its path. */
export function writeDriver(directory: string, name: string, source: string): string {
  const file = path.join(directory, name);
  fs.writeFileSync(file, source);
  return file;
}

export function runFresh<T>(
  driver: string,
  args: readonly string[],
  env: Record<string, string>,
): T {
  const result = spawnSync(NODE, [driver, ...args], {
    cwd: path.dirname(driver),
    env,
    stdio: ["ignore", "ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: 120_000,
  });
  const report = (result.output?.[3] as string | null | undefined) ?? "";
  if (result.status !== 0 || report.trim() === "") {
    throw new Error(
      `${path.basename(driver)} failed (exit ${result.status ?? result.signal}): ${result.stderr}`,
    );
  }
  return JSON.parse(report) as T;
}

/**
 * performance.now() counts from the process's start, so `totalMs` is process start → the first
 * invocation's answer: Node's own start-up, `require` of the bundle, and the first request.
 */
export const TIMED_FIRST_INVOCATION = `
const t0 = performance.now();
const { handler } = require(process.argv[2]);
const t1 = performance.now();
const event = JSON.parse(process.env.BENCH_EVENT);
const context = { functionName: "bench", awsRequestId: "cold", getRemainingTimeInMillis: () => 30000 };
Promise.resolve(handler(event, context)).then((result) => {
  const t2 = performance.now();
  require("node:fs").writeSync(3, JSON.stringify({ result, startMs: t0, requireMs: t1 - t0, firstMs: t2 - t1, totalMs: t2 }) + "\\n");
});
`;

/** `require` alone, for a piece of a bundle that has no handler to call. */
export const REQUIRE_ONLY = `
const t0 = performance.now();
require(process.argv[2]);
require("node:fs").writeSync(3, JSON.stringify({ requireMs: performance.now() - t0 }) + "\\n");
`;
