/**
 * `trigger`: a realistic event (the emulator's payload builders), signed with the stack's current
 * secret in the endpoint's scheme, POSTed to the stack's webhookUrl as Polar would send it.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { flag, stringValue, type CommandSpec } from "../args";
import type { Context } from "../context";
import { CliError, EXIT, UsageError, type ExitCode } from "../errors";
import { eventType } from "../inputs";
import { confirmProduction, describeTarget, stackServer, YES_OPTION } from "../confirm";
import { CWD_OPTION, JSON_OPTION, STACK_OPTION } from "../options";

/** Polar's own delivery timeout. */
export const TRIGGER_TIMEOUT_MS = 10_000;
const SHOWN_RESPONSE_CHARS = 500;

export interface TriggerInput {
  readonly type: string;
  readonly stack: string;
  readonly cwd?: string;
  readonly data?: Record<string, unknown>;
  readonly json: boolean;
  readonly yes: boolean;
}

/** `polar-webhooks trigger --json`. */
export interface TriggerJson {
  readonly version: 1;
  readonly type: string;
  readonly webhookId: string;
  readonly url: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly signing: "standard" | "legacy";
  /** The receiver's answer, at most 2,048 characters (as Polar keeps it). */
  readonly response: string;
}

export const triggerCommand: CommandSpec<TriggerInput> = {
  name: "trigger",
  brief: "Send a realistic signed event to a stack's webhookUrl",
  summary:
    "Send one realistic event, signed with the stack's current secret in its endpoint's scheme, to the stack's webhookUrl (deployed or `npm run dev`), and show the status and latency.",
  positionals: {
    name: "event-type",
    required: true,
    description: "A Polar event type, e.g. order.paid, subscription.canceled.",
  },
  options: {
    stack: {
      ...STACK_OPTION,
      description: "The stack to send to (required). `local` is `npm run dev`'s.",
    },
    data: {
      type: "string",
      placeholder: "json",
      description: `Fields merged into the sample's data, e.g. '{"billing_reason":"subscription_cycle"}'.`,
    },
    yes: YES_OPTION,
    cwd: CWD_OPTION,
    json: JSON_OPTION,
  },
  details: [
    "A stack deployed against Polar production (polar:server) needs --yes: the event's data is invented, and the stack's consumers act on it (at a terminal, you are asked instead; never when CI is set or stdin is not a terminal).",
    "The secret: the stack's `secret` output if it has one, else the secret of its endpoint (the endpointId output) in the stack's state, as the program stores it in SSM. It is never printed.",
    "Exit status 0 when the receiver answered 2xx, 1 otherwise.",
  ],
  examples: [
    "trigger order.paid --stack local",
    `trigger order.created --stack dev --data '{"billing_reason":"subscription_cycle"}'`,
  ],
  input: (args) => {
    const command = args.command;
    const type = eventType(args.positionals[0] ?? "", command);
    const stack = stringValue(args, "stack");
    if (!stack) {
      throw new UsageError(
        "trigger needs --stack <name>: the URL and the secret come from that stack (local for npm run dev)",
        command,
      );
    }
    const dataText = stringValue(args, "data");
    let data: Record<string, unknown> | undefined;
    if (dataText !== undefined) {
      try {
        data = JSON.parse(dataText) as Record<string, unknown>;
      } catch (error) {
        throw new UsageError(
          `--data is not JSON (${(error as Error).message}); give an object such as '{"amount": 500}'`,
          command,
        );
      }
      if (data === null || typeof data !== "object" || Array.isArray(data)) {
        throw new UsageError(
          "--data must be a JSON object of fields to merge into the event's data",
          command,
        );
      }
    }
    return {
      type,
      stack,
      cwd: stringValue(args, "cwd"),
      data,
      json: flag(args, "json"),
      yes: flag(args, "yes"),
    };
  },
  run: trigger,
};

export async function trigger(input: TriggerInput, context: Context): Promise<ExitCode> {
  // Loaded on use, like the Automation API (see context.ts).
  const { request } = await import("undici");
  const { sampleWebhookPayload } = await import("../../providers/polar/samples/index.js");
  const signing = await import("../signing.js");
  const stack = await context.stack(input.stack, input.cwd);
  // One export gives both the state (the endpoint's secret and scheme) and the outputs.
  const resources = await stack.resources();
  const outputs = await stack.outputs();
  const url = typeof outputs.webhookUrl === "string" ? outputs.webhookUrl : undefined;
  if (!url || !/^https?:\/\//.test(url)) {
    throw new CliError(
      `Stack ${stack.description} has no webhookUrl output: deploy it first (npm run up -- ${stack.name}, or npm run dev for local).`,
    );
  }
  const material = signing.signingMaterial(outputs, resources);
  if (!material) {
    throw new CliError(
      `Stack ${stack.description} has no signing secret here: it exports no \`secret\` output and its state holds no ${signing.WEBHOOK_ENDPOINT_TYPE} with the id of its endpointId output. Deploy the stack (npm run up -- ${stack.name}), or export the endpoint's secret as a secret output.`,
    );
  }
  let body: string;
  try {
    body = sampleWebhookPayload(input.type, {
      data: input.data,
      organizationId: material.organizationId,
      apiVersion: material.apiVersion,
    });
  } catch (error) {
    throw new UsageError(`--data: ${(error as Error).message}`, "trigger");
  }
  const server = await stackServer(stack, context.io.env);
  await confirmProduction(
    {
      command: "trigger",
      action: `POST an invented ${input.type} event, signed with the stack's secret, to ${new URL(url).origin}${new URL(url).pathname}`,
      target: describeTarget(server, stack),
      production: server === "production",
      yes: input.yes,
    },
    context,
  );
  const webhookId = randomUUID();
  const signed = signing.signDelivery({
    secret: material.secret,
    scheme: material.scheme,
    webhookId,
    timestamp: new Date(context.io.now()),
    body,
    apiVersion: material.apiVersion,
  });
  if (!input.json) {
    context.progress.note(
      `POST ${url}  ${input.type}  webhook-id ${webhookId}  (${material.scheme} signature, secret from the ${material.secretSource})`,
    );
  }
  const started = performance.now();
  let status: number;
  let response: string;
  try {
    const answer = await request(url, {
      method: "POST",
      headers: signed.headers,
      body: signed.body,
      headersTimeout: TRIGGER_TIMEOUT_MS,
      bodyTimeout: TRIGGER_TIMEOUT_MS,
    });
    status = answer.statusCode;
    response = (await answer.body.text()).slice(0, 2048);
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new CliError(`No answer from ${url} (${code}): is the receiver running and reachable?`);
  }
  const latencyMs = Math.round(performance.now() - started);
  const ok = status >= 200 && status < 300;
  if (input.json) {
    const output: TriggerJson = {
      version: 1,
      type: input.type,
      webhookId,
      url,
      status,
      latencyMs,
      signing: material.scheme,
      response,
    };
    context.io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } else {
    context.io.stdout.write(
      `${context.paint(ok ? "green" : "red", String(status))} in ${latencyMs} ms${hint(status)}\n`,
    );
    if (response) {
      context.io.stdout.write(`${context.paint("dim", response.slice(0, SHOWN_RESPONSE_CHARS))}\n`);
    }
  }
  return ok ? EXIT.OK : EXIT.FAILED;
}

function hint(status: number): string {
  if (status === 403) {
    return ": the receiver rejected the signature (does it have this stack's current secret? a rotation not deployed yet?)";
  }
  if (status === 503)
    return ": the receiver could not enqueue or read its secret; Polar would retry";
  if (status >= 300 && status < 400) return ": a redirect, which Polar counts as a failure";
  return "";
}
