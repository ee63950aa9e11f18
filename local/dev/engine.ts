/**
 * The local stack, run by the real Pulumi engine (Automation API, inline program, file backend):
 * the `WebhookEndpoint` of Pulumi.dev.yaml's events, declared against the Polar emulator and pointed
 * at the local receiver. Up on start, destroyed (and removed) on exit. Where it lives: stack.ts.
 */
import { execFileSync } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  LocalWorkspace,
  type EngineEvent,
  type OutputMap,
  type Stack,
} from "@pulumi/pulumi/automation";
import { WebhookEndpoint, type WebhookEventType } from "../../providers/polar";
import {
  LOCAL_STACK_CONFIG,
  LOCAL_STACK_OUTPUTS,
  localWorkspaceOptions,
  REPOSITORY_ROOT,
  type LocalStackSettings,
} from "./stack";

export interface LocalStackInputs {
  readonly webhookUrl: string;
  readonly events: readonly WebhookEventType[];
  readonly apiVersion?: string;
  readonly polarApiUrl: string;
  /** The emulator's organization token: stack config, as a secret. */
  readonly accessToken: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly sqsEndpoint: string;
  readonly controlUrl: string;
}

export interface LocalStackUp {
  readonly stack: Stack;
  readonly endpointId: string;
  /** The endpoint's signing secret: for the receiver only, never printed. */
  readonly secret: string;
}

export class EngineError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EngineError";
  }
}

/** Fails with what to do when no usable `pulumi` is on PATH. */
export function requirePulumiCli(): string {
  try {
    return execFileSync("pulumi", ["version"], {
      encoding: "utf8",
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    throw new EngineError(
      "no `pulumi` CLI on PATH: run `npm run setup` (it finds or builds one), then `npm run dev` again",
    );
  }
}

export type Progress = (line: string) => void;

/**
 * A new local stack with its program and config (an earlier run's leftover is removed first: its
 * endpoint lived in that run's emulator, which is gone).
 */
export async function createLocalStack(
  settings: LocalStackSettings,
  inputs: LocalStackInputs,
  progress: Progress,
): Promise<Stack> {
  await mkdir(settings.workDir, { recursive: true });
  const options = localWorkspaceOptions(settings, REPOSITORY_ROOT);
  const program = async (): Promise<OutputMap | Record<string, unknown>> => {
    const endpoint = new WebhookEndpoint("webhook-endpoint", {
      url: inputs.webhookUrl,
      events: [...inputs.events],
      format: "raw",
      name: `${settings.projectName}-${settings.stackName}`,
      ...(inputs.apiVersion ? { apiVersion: inputs.apiVersion } : {}),
    });
    return {
      [LOCAL_STACK_OUTPUTS.WEBHOOK_URL]: endpoint.url,
      [LOCAL_STACK_OUTPUTS.ENDPOINT_ID]: endpoint.id,
      [LOCAL_STACK_OUTPUTS.SECRET]: pulumi.secret(endpoint.secret),
      [LOCAL_STACK_OUTPUTS.POLAR_API_URL]: inputs.polarApiUrl,
      [LOCAL_STACK_OUTPUTS.QUEUE_URL]: inputs.queueUrl,
      [LOCAL_STACK_OUTPUTS.DEAD_LETTER_QUEUE_URL]: inputs.deadLetterQueueUrl,
      [LOCAL_STACK_OUTPUTS.SQS_ENDPOINT]: inputs.sqsEndpoint,
      [LOCAL_STACK_OUTPUTS.CONTROL_URL]: inputs.controlUrl,
    };
  };
  const workspace = await LocalWorkspace.create({ ...options, program });
  const existing = await workspace.listStacks().catch(() => []);
  if (existing.some((s) => s.name === settings.stackName)) {
    progress("[engine] removing the local stack left by an earlier run (its emulator is gone)");
    await workspace.removeStack(settings.stackName, { force: true }).catch(async () => {
      // E.g. still locked by a CLI that was killed. The backend holds this stack only, and the
      // dev lock says no other npm run dev uses it.
      await rm(join(settings.backendUrl.replace(/^file:\/\//, ""), ".pulumi"), {
        recursive: true,
        force: true,
      });
    });
  }
  const stack = await LocalWorkspace.createStack(
    { stackName: settings.stackName, projectName: settings.projectName, program },
    options,
  );
  await stack.setAllConfig({
    [LOCAL_STACK_CONFIG.API_URL]: { value: inputs.polarApiUrl },
    [LOCAL_STACK_CONFIG.ACCESS_TOKEN]: { value: inputs.accessToken, secret: true },
    [LOCAL_STACK_CONFIG.ALLOW_LOOPBACK_WEBHOOK_URLS]: { value: "true" },
  });
  return stack;
}

/** `pulumi up`; resolves to what the receiver needs from the outputs. */
export async function upLocalStack(
  stack: Stack,
  settings: LocalStackSettings,
  progress: Progress,
): Promise<LocalStackUp> {
  progress(
    `[engine] pulumi up ${settings.projectName}/${settings.stackName} (state in ${settings.backendUrl})`,
  );
  try {
    await stack.up({ onEvent: engineProgress(progress), color: "never" });
  } catch (error) {
    throw new EngineError(`pulumi up failed: ${cliErrors(error)}`, { cause: error });
  }
  const outputs = await stack.outputs();
  const endpointId = outputs[LOCAL_STACK_OUTPUTS.ENDPOINT_ID]?.value;
  const secret = outputs[LOCAL_STACK_OUTPUTS.SECRET]?.value;
  if (typeof endpointId !== "string" || typeof secret !== "string") {
    throw new EngineError("pulumi up finished without the endpointId and secret outputs");
  }
  return { stack, endpointId, secret };
}

/** Deletes the endpoint (in the emulator, which must still run) and removes the stack. */
export async function destroyLocalStack(stack: Stack, progress: Progress): Promise<void> {
  progress(`[engine] pulumi destroy ${stack.name}`);
  try {
    await stack.destroy({ onEvent: engineProgress(progress), color: "never" });
    await stack.workspace.removeStack(stack.name);
  } catch (error) {
    throw new EngineError(`pulumi destroy failed: ${cliErrors(error)}`, { cause: error });
  }
  progress(`[engine] local stack destroyed and removed`);
}

const PAST = { create: "created", update: "updated", delete: "deleted", replace: "replaced" };

/** One line per resource step and per error, instead of the CLI's full transcript. */
function engineProgress(progress: Progress): (event: EngineEvent) => void {
  const started = new Map<string, number>();
  const describe = (type: string, urn: string) =>
    `${type.replace("pulumi-nodejs:dynamic/", "")} ${urn.split("::").pop() ?? urn}`;
  return (event) => {
    const pre = event.resourcePreEvent?.metadata;
    if (pre && isDeclared(pre.type) && pre.op in PAST) {
      started.set(pre.urn, event.timestamp);
      progress(`[engine] ${pre.op.replace(/e$/, "")}ing ${describe(pre.type, pre.urn)}…`);
    }
    const done = event.resOutputsEvent?.metadata;
    if (done && isDeclared(done.type) && done.op in PAST) {
      const seconds = event.timestamp - (started.get(done.urn) ?? event.timestamp);
      progress(
        `[engine] ${PAST[done.op as keyof typeof PAST]} ${describe(done.type, done.urn)} (${seconds} s)`,
      );
    }
    const diagnostic = event.diagnosticEvent;
    if (diagnostic && (diagnostic.severity === "error" || diagnostic.severity === "warning")) {
      progress(`[engine] ${diagnostic.severity}: ${diagnostic.message.trim()}`);
    }
  };
}

function isDeclared(type: string): boolean {
  return type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:");
}

/** The CLI's own `error:` lines out of the Automation API's error (which repeats the transcript). */
export function cliErrors(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [
    ...new Set(
      message
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => /^error: /.test(line)),
    ),
  ];
  if (lines.length > 0) return lines.join("; ");
  return message.split("\n").filter(Boolean).slice(-3).join(" ");
}
