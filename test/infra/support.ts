// Mocks harness for the program in infra/index.ts: feeds a stack's config the way the Pulumi language host does
// (PULUMI_CONFIG, JSON of string values), installs mocks that record every resource registration and return
// realistic ids and ARNs, then loads the program and waits until every registration has been answered.
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { load } from "js-yaml";

export const REPO_ROOT = path.resolve(__dirname, "../..");
export const PROJECT = "polar-webhooks";
export const REGION = "eu-west-1";
export const ACCOUNT = "123456789012";
export const API_ID = "a1b2c3d4e5";
export const API_ENDPOINT = `https://${API_ID}.execute-api.${REGION}.amazonaws.com`;
export const EXECUTION_ARN = `arn:aws:execute-api:${REGION}:${ACCOUNT}:${API_ID}`;
export const ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";
/** The `secretRotatedAt` (and `modifiedAt`) the WebhookEndpoint mock reports for an endpoint with `secretRotation`. */
export const MOCK_ROTATED_AT = "2026-11-24T09:30:00.000Z";

/** `Pulumi.<stack>.yaml`'s `config:` map, parsed. */
export function readStackFile(stack: string): Record<string, unknown> {
  const parsed = load(readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  };
  return parsed.config ?? {};
}

/** What the language host puts in PULUMI_CONFIG: every value a string, structured values as JSON. */
export function toRuntimeConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly custom: boolean;
  readonly id: string;
  readonly state: Record<string, any>;
}

export interface Harness {
  readonly resources: RecordedResource[];
  readonly invokes: string[];
  /** The endpoint secret each WebhookEndpoint mock returned, by resource name. */
  readonly secrets: Map<string, string>;
  /** The `previousSecret` returned for endpoints with `secretRotation`, by resource name. */
  readonly previousSecrets: Map<string, string>;
  /** The URN of every registered resource, sorted (what decides replacements in an existing stack). */
  urns(): string[];
  /** The alias URNs a resource was registered with, by `type::name`. */
  readonly aliases: Map<string, string[]>;
}

interface AliasedRequest {
  getType(): string;
  getName(): string;
  getAliasesList(): { getUrn(): string }[];
}

/** Ids and outputs as AWS and Polar would return them, so every Output in the program resolves to a real-looking value. */
function mockState(
  args: pulumi.runtime.MockResourceArgs,
  harness: Harness,
): { id: string; state: Record<string, any> } {
  const inputs = args.inputs as Record<string, any>;
  const name = (inputs.name as string | undefined) ?? `${args.name}-physical`;
  switch (args.type) {
    case "aws:sqs/queue:Queue": {
      const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
      return {
        id: url,
        state: { ...inputs, name, url, arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}` },
      };
    }
    case "aws:ssm/parameter:Parameter":
      return {
        id: name,
        state: { ...inputs, arn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${name}` },
      };
    case "aws:cloudwatch/logGroup:LogGroup":
      return {
        id: name,
        state: { ...inputs, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}` },
      };
    case "aws:iam/role:Role":
      return { id: name, state: { ...inputs, name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}` } };
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      return {
        id: name,
        state: { ...inputs, arn, invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/${arn}` },
      };
    }
    case "aws:apigatewayv2/api:Api":
      return {
        id: API_ID,
        state: { ...inputs, apiEndpoint: API_ENDPOINT, executionArn: EXECUTION_ARN },
      };
    case "aws:apigatewayv2/integration:Integration":
      return { id: "intg123", state: inputs };
    case "aws:apigatewayv2/route:Route":
      return { id: "route123", state: inputs };
    case "aws:apigatewayv2/stage:Stage":
      return { id: "$default", state: { ...inputs, invokeUrl: `${API_ENDPOINT}/` } };
    case "aws:dynamodb/table:Table":
      return {
        id: name,
        state: { ...inputs, arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}` },
      };
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      return { id: randomUUID(), state: inputs };
    case "aws:cloudwatch/dashboard:Dashboard":
      return {
        id: inputs.dashboardName,
        state: {
          ...inputs,
          dashboardArn: `arn:aws:cloudwatch::${ACCOUNT}:dashboard/${inputs.dashboardName}`,
        },
      };
    case "aws:sns/topic:Topic":
      return {
        id: `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`,
        state: { ...inputs, name, arn: `arn:aws:sns:${REGION}:${ACCOUNT}:${name}` },
      };
    case ENDPOINT_TYPE: {
      const secret = `whsec_${randomBytes(24).toString("base64")}`;
      harness.secrets.set(args.name, secret);
      // With a rotation marker: the outputs of an endpoint whose last `up` rotated its secret.
      let rotation = {};
      if (inputs.secretRotation !== undefined) {
        const previousSecret = `whsec_${randomBytes(24).toString("base64")}`;
        harness.previousSecrets.set(args.name, previousSecret);
        rotation = {
          previousSecret,
          secretRotatedAt: MOCK_ROTATED_AT,
          modifiedAt: MOCK_ROTATED_AT,
        };
      }
      return {
        id: randomUUID(),
        state: { ...inputs, secret, usesStandardWebhookSignature: true, ...rotation },
      };
    }
    default:
      return { id: `${args.name}-id`, state: inputs };
  }
}

/**
 * Sets the stack's config and the mocks. Call it before the program is imported; `setMocks` is process-global, so
 * one stack per test file (vitest runs each file in its own fork).
 */
export async function installMocks(
  stack: string,
  config: Record<string, unknown>,
  /** Keys set with `--secret` (the runtime's PULUMI_CONFIG_SECRET_KEYS). */
  secretKeys: readonly string[] = [],
): Promise<Harness> {
  // What the language host does: the config as JSON in PULUMI_CONFIG. The runtime snapshots the environment the
  // first time it is used, which may already have happened in this process (a static import of @pulumi/aws), so
  // the same map is also written into that snapshot.
  const runtimeConfig = toRuntimeConfig(config);
  process.env.PULUMI_CONFIG = JSON.stringify(runtimeConfig);
  process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(secretKeys);
  pulumi.runtime.setAllConfig(runtimeConfig, [...secretKeys]);
  let monitor: { getRegisteredResources(): Map<string, unknown> } | undefined;
  const harness: Harness = {
    resources: [],
    invokes: [],
    secrets: new Map(),
    previousSecrets: new Map(),
    urns: () => [...(monitor?.getRegisteredResources().keys() ?? [])].sort(),
    aliases: new Map(),
  };
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const { id, state } = mockState(args, harness);
        harness.resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, any>,
          custom: args.custom ?? true,
          id,
          state,
        });
        return { id, state };
      },
      call(args) {
        // The program makes no invokes (no getRegion/getCallerIdentity): every ARN comes from a resource.
        harness.invokes.push(args.token);
        return {};
      },
    },
    PROJECT,
    stack,
    false,
  );
  // The MockMonitor computes each URN from the type, the name and the parent, as the engine does.
  monitor = pulumi.runtime.getMonitor() as unknown as typeof monitor;
  // It ignores aliases (they only matter to an existing stack): recorded here, as the engine would get them.
  const mock = monitor as unknown as {
    registerResource(req: AliasedRequest, done: unknown): unknown;
  };
  const register = mock.registerResource.bind(mock);
  mock.registerResource = (req, done) => {
    const urns = req.getAliasesList().map((alias) => alias.getUrn());
    if (urns.length > 0) harness.aliases.set(`${req.getType()}::${req.getName()}`, urns);
    return register(req, done);
  };
  return harness;
}

export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Waits until every resource registration (and the RPCs it started) has been answered. */
export async function settle(): Promise<void> {
  await pulumi.runtime.disconnect();
}

export function ofType(harness: Harness, type: string): RecordedResource[] {
  return harness.resources.filter((r) => r.type === type);
}

export function one(harness: Harness, type: string): RecordedResource {
  const found = ofType(harness, type);
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
    );
  }
  return found[0];
}

export function named(harness: Harness, type: string, name: string): RecordedResource {
  const found = harness.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

/** `{ secret-sig, value }`: how a secret input reaches the mocks (see deserializeProperty in @pulumi/pulumi). */
export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] ===
      pulumi.runtime.specialSecretSig
  );
}
