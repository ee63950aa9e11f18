// Drift, the pure part: engine events (shaped as the CLI's event log sends them during
// `refresh --preview-only`, secrets masked) → findings → the lines and the exit code.
import type { EngineEvent, OpType, StepEventStateMetadata } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import {
  driftExitCode,
  driftFromEvents,
  engineErrorLines,
  formatDriftReport,
  neverDeployed,
  WEBHOOK_ENDPOINT_TYPE,
  type DriftReport,
} from "../../scripts/drift";

const STACK_URN = "urn:pulumi:prod::polar-webhooks::pulumi:pulumi:Stack::polar-webhooks-prod";
const PROVIDER_URN = "urn:pulumi:prod::polar-webhooks::pulumi:providers:pulumi-nodejs::default";
const MASKED = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: "[secret]",
};
const ID = "56611df1-1275-40db-a9b2-c2d1b0453f68";

const urnOf = (type: string, name: string) => `urn:pulumi:prod::polar-webhooks::${type}::${name}`;

function endpointOutputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    __provider: "exports.handler = __f0; /* stored */",
    url: "https://abc.execute-api.eu-west-1.amazonaws.com/polar/webhooks",
    events: ["order.paid"],
    format: "raw",
    name: "ingress",
    enabled: true,
    apiVersion: "2026-04",
    organizationId: "9c226bbb-9439-453f-9d36-3d4e4a833fb6",
    secret: MASKED,
    usesStandardWebhookSignature: true,
    createdAt: "2026-11-24T10:00:00.000000Z",
    modifiedAt: null,
    ...overrides,
  };
}

function state(
  type: string,
  name: string,
  outputs: Record<string, unknown>,
  extra: Partial<StepEventStateMetadata> = {},
): StepEventStateMetadata {
  return {
    type,
    urn: urnOf(type, name),
    custom: true,
    id: ID,
    parent: STACK_URN,
    inputs: {},
    outputs,
    provider: PROVIDER_URN,
    ...extra,
  };
}

let sequence = 0;
function outputsEvent(
  op: OpType,
  old: StepEventStateMetadata | undefined,
  next: StepEventStateMetadata | undefined,
  diff: { diffs?: string[] } = {},
): EngineEvent {
  const urn = (old ?? next)!.urn;
  const type = (old ?? next)!.type;
  return {
    sequence: sequence++,
    timestamp: 0,
    resOutputsEvent: {
      metadata: { op, urn, type, old, new: next, provider: PROVIDER_URN, ...diff },
    },
  };
}

function endpointEvent(
  op: OpType,
  after: Record<string, unknown> | undefined,
  name = "ingress-endpoint",
) {
  return outputsEvent(
    op,
    state(WEBHOOK_ENDPOINT_TYPE, name, endpointOutputs()),
    after && state(WEBHOOK_ENDPOINT_TYPE, name, endpointOutputs(after)),
  );
}

const MODIFIED = { modifiedAt: "2026-11-24T11:00:00.000000Z" };

describe("driftFromEvents: webhook endpoints", () => {
  it("Polar's auto-disable: one line saying to fix the receiver, then up", () => {
    const { findings } = driftFromEvents(
      [endpointEvent("update", { enabled: false, ...MODIFIED })],
      "prod",
    );
    expect(findings).toEqual([
      {
        urn: urnOf(WEBHOOK_ENDPOINT_TYPE, "ingress-endpoint"),
        type: WEBHOOK_ENDPOINT_TYPE,
        name: "ingress-endpoint",
        id: ID,
        kind: "disabled",
        changes: [{ property: "enabled", from: true, to: false }],
        message: `Polar disabled webhook endpoint ${ID} (ingress-endpoint) after failed deliveries (or it was turned off in the dashboard): fix the receiver, then \`npm run up -- prod\` re-enables it.`,
      },
    ]);
  });

  it("lists findings by URN, whatever order the engine's parallel steps finished in", () => {
    const events = [
      endpointEvent("delete", undefined, "refunds"),
      endpointEvent("update", { enabled: false, ...MODIFIED }, "alerts"),
      endpointEvent("delete", undefined, "orders"),
    ];
    const names = (list: EngineEvent[]) =>
      driftFromEvents(list, "prod").findings.map((f) => f.name);
    expect(names(events)).toEqual(["alerts", "orders", "refunds"]);
    expect(names([...events].reverse())).toEqual(["alerts", "orders", "refunds"]);
  });

  it("deleted in Polar: up creates it again, with a new secret", () => {
    const { findings } = driftFromEvents([endpointEvent("delete", undefined)], "prod");
    expect(findings.map((f) => [f.kind, f.message])).toEqual([
      [
        "deleted",
        `Webhook endpoint ${ID} (ingress-endpoint) was deleted in Polar: \`npm run up -- prod\` creates it again (with a new secret, which the receiver gets from SSM).`,
      ],
    ]);
  });

  it("edited outside Pulumi: names each declared property with its old and new value", () => {
    const { findings } = driftFromEvents(
      [
        endpointEvent("update", {
          events: ["order.paid", "order.refunded"],
          name: "renamed",
          ...MODIFIED,
        }),
      ],
      "prod",
    );
    expect(findings[0]).toMatchObject({
      kind: "edited",
      changes: [
        { property: "events", from: ["order.paid"], to: ["order.paid", "order.refunded"] },
        { property: "name", from: "ingress", to: "renamed" },
      ],
      message: `Webhook endpoint ${ID} (ingress-endpoint) was edited outside Pulumi (events: [order.paid] → [order.paid, order.refunded]; name: "ingress" → "renamed"): \`npm run up -- prod\` puts back what the code declares.`,
    });
  });

  it("disabled together with another edit is an edit", () => {
    const { findings } = driftFromEvents(
      [
        endpointEvent("update", {
          enabled: false,
          url: "https://example.com/elsewhere",
          ...MODIFIED,
        }),
      ],
      "prod",
    );
    expect(findings[0].kind).toBe("edited");
    expect(findings[0].message).toContain("enabled: true → false");
  });

  it("a secret reset (the provider's diff shows no change, modifiedAt moved): says so, never the secret", () => {
    const { findings } = driftFromEvents(
      [endpointEvent("same", { previousSecret: MASKED, ...MODIFIED })],
      "prod",
    );
    expect(findings).toMatchObject([
      {
        kind: "secret-reset",
        changes: [{ property: "previousSecret", from: undefined, to: "[secret]" }],
        message: `The signing secret of webhook endpoint ${ID} (ingress-endpoint) was reset outside Pulumi: the receiver rejects deliveries signed with it until \`npm run up -- prod\` writes it to the receiver's SSM parameter.`,
      },
    ]);
    expect(JSON.stringify(findings)).not.toContain("ciphertext");
  });

  it("unchanged endpoints, the stack and the provider resource are no drift", () => {
    const stackEvent = outputsEvent(
      "update",
      { ...state("pulumi:pulumi:Stack", "polar-webhooks-prod", { a: 1 }), custom: false },
      { ...state("pulumi:pulumi:Stack", "polar-webhooks-prod", {}), custom: false },
    );
    const providerEvent = outputsEvent(
      "update",
      state("pulumi:providers:pulumi-nodejs", "default", { "polar:apiUrl": "a" }),
      state("pulumi:providers:pulumi-nodejs", "default", {}),
    );
    const result = driftFromEvents([stackEvent, providerEvent, endpointEvent("same", {})], "prod");
    expect(result).toEqual({ findings: [], notes: [] });
  });

  it("with runProgram a deleted endpoint is registered again as same: still one finding", () => {
    const { findings } = driftFromEvents(
      [endpointEvent("delete", undefined), endpointEvent("same", MODIFIED)],
      "prod",
    );
    expect(findings.map((f) => f.kind)).toEqual(["deleted"]);
  });

  it("a resource the program adds (not deployed yet) is not drift", () => {
    const added = outputsEvent(
      "create",
      undefined,
      state(WEBHOOK_ENDPOINT_TYPE, "new-one", endpointOutputs()),
    );
    expect(driftFromEvents([added], "prod").findings).toEqual([]);
  });
});

describe("driftFromEvents: other resources", () => {
  const QUEUE = "aws:sqs/queue:Queue";
  it("names the type, the resource, its id and the changed properties (from the engine's diff)", () => {
    const event = outputsEvent(
      "update",
      state(QUEUE, "ingress-queue", {
        visibilityTimeoutSeconds: 30,
        tags: { team: "a" },
        arn: "x",
      }),
      state(QUEUE, "ingress-queue", {
        visibilityTimeoutSeconds: 90,
        tags: { team: "a" },
        arn: "x",
      }),
      { diffs: ["visibilityTimeoutSeconds"] },
    );
    expect(driftFromEvents([event], "dev").findings[0]).toMatchObject({
      kind: "changed",
      message: `${QUEUE} ingress-queue (${ID}) was changed outside Pulumi (visibilityTimeoutSeconds: 30 → 90): \`npm run up -- dev\` puts back what the code declares.`,
    });
  });

  it("without a diff from the engine, compares the outputs; masks secrets; shortens long values", () => {
    const long = "x".repeat(200);
    const event = outputsEvent(
      "update",
      state("aws:ssm/parameter:Parameter", "secret", { value: MASKED, description: "a" }),
      state("aws:ssm/parameter:Parameter", "secret", { value: { ...MASKED }, description: long }),
    );
    const [finding] = driftFromEvents([event], "dev").findings;
    expect(finding.changes).toEqual([{ property: "description", from: "a", to: long }]);
    expect(finding.message).toContain(`description: "a" → "${"x".repeat(78)}…`);
  });

  it("deleted outside Pulumi", () => {
    const event = outputsEvent("delete", state(QUEUE, "dlq", {}), undefined);
    expect(driftFromEvents([event], "dev").findings[0].message).toBe(
      `${QUEUE} dlq (${ID}) no longer exists: \`npm run up -- dev\` creates it again.`,
    );
  });
});

describe("driftFromEvents: provider code notes", () => {
  const pre = (stored: string, current: string): EngineEvent => ({
    sequence: sequence++,
    timestamp: 0,
    resourcePreEvent: {
      metadata: {
        op: "refresh",
        urn: urnOf(WEBHOOK_ENDPOINT_TYPE, "ingress-endpoint"),
        type: WEBHOOK_ENDPOINT_TYPE,
        old: state(
          WEBHOOK_ENDPOINT_TYPE,
          "ingress-endpoint",
          endpointOutputs({ __provider: stored }),
        ),
        new: {
          ...state(WEBHOOK_ENDPOINT_TYPE, "ingress-endpoint", {}),
          id: "",
          inputs: { __provider: current },
        },
        provider: PROVIDER_URN,
      },
    },
  });

  it("notes an endpoint stored with other provider code than the program's (not drift)", () => {
    const result = driftFromEvents(
      [pre("old code", "new code"), endpointEvent("same", {})],
      "prod",
    );
    expect(result.findings).toEqual([]);
    expect(result.notes).toEqual([
      `note: webhook endpoint ${ID} (ingress-endpoint) is stored with older provider code than this checkout's; refresh and destroy run the stored code until \`npm run up -- prod\` upgrades it (one update, no change in Polar).`,
    ]);
    expect(driftFromEvents([pre("same", "same")], "prod").notes).toEqual([]);
  });
});

describe("exit codes and output", () => {
  const report = (drifted: boolean | null, messages: string[] = []): DriftReport => ({
    stack: "prod",
    drifted,
    findings: messages.map((message) => ({
      urn: "u",
      type: "t",
      name: "n",
      kind: "changed",
      changes: [],
      message,
    })),
    notes: [],
  });

  it("0 no drift, 1 drift, 2 cannot check", () => {
    expect(driftExitCode(report(false))).toBe(0);
    expect(driftExitCode(report(true, ["a"]))).toBe(1);
    expect(driftExitCode(neverDeployed("prod"))).toBe(2);
  });

  it("prints the verdict, then one line per finding", () => {
    expect(formatDriftReport(report(true, ["first", "second"]))).toBe(
      "[drift] prod: 2 resources drifted from the last deployment:\n- first\n- second",
    );
    expect(formatDriftReport(report(false))).toBe(
      "[drift] prod: no drift; every resource matches the last deployment.",
    );
    expect(formatDriftReport(neverDeployed("prod"))).toBe(
      "[drift] prod: cannot check for drift: stack prod has never been deployed (no resources in its state), so there is nothing to compare with: deploy it first with `npm run up -- prod`.",
    );
  });

  it("keeps only the CLI's error lines from an Automation API failure", () => {
    const text =
      "code: 255\n stdout: Previewing refresh (prod):\n error: polar:WebhookEndpoint failed\nerror: no changes were expected\n error: polar:WebhookEndpoint failed\n";
    expect(engineErrorLines(text)).toEqual([
      "error: polar:WebhookEndpoint failed",
      "error: no changes were expected",
    ]);
  });
});
