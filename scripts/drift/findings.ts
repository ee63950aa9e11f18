// Drift, the pure part: the engine events of a preview-only refresh → one finding per drifted
// resource → lines a user acts on (or one JSON document). No I/O here; check.ts runs the refresh.
import type {
  EngineEvent,
  StepEventMetadata,
  StepEventStateMetadata,
} from "@pulumi/pulumi/automation";

export const WEBHOOK_ENDPOINT_TYPE = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";

/** How Pulumi marks a secret value, in state and in engine events (values are masked there). */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

/** Exit codes of `npm run stack -- drift` (a contract: .github/workflows/drift.yml uses them). */
export const DRIFT_EXIT = { NONE: 0, DRIFTED: 1, CANNOT_CHECK: 2 } as const;

export type DriftKind = "disabled" | "deleted" | "edited" | "secret-reset" | "changed";

export interface PropertyChange {
  readonly property: string;
  /** As in the event: secrets are "[secret]", never a value. */
  readonly from: unknown;
  readonly to: unknown;
}

export interface DriftFinding {
  readonly urn: string;
  readonly type: string;
  /** The resource's name in the program. */
  readonly name: string;
  readonly id?: string;
  readonly kind: DriftKind;
  readonly changes: readonly PropertyChange[];
  /** One line: what happened and what to do. */
  readonly message: string;
}

export interface DriftReport {
  readonly stack: string;
  /** null: the check could not run (see `error`). */
  readonly drifted: boolean | null;
  readonly findings: readonly DriftFinding[];
  /** Not drift, but worth knowing (e.g. state written by older provider code). */
  readonly notes: readonly string[];
  readonly error?: string;
}

export function driftExitCode(report: DriftReport): 0 | 1 | 2 {
  if (report.drifted === null) return DRIFT_EXIT.CANNOT_CHECK;
  return report.drifted ? DRIFT_EXIT.DRIFTED : DRIFT_EXIT.NONE;
}

export function cannotCheck(stack: string, error: string): DriftReport {
  return { stack, drifted: null, findings: [], notes: [], error };
}

export function neverDeployed(stack: string): DriftReport {
  return cannotCheck(
    stack,
    `stack ${stack} has never been deployed (no resources in its state), so there is nothing to compare with: deploy it first with \`npm run up -- ${stack}\`.`,
  );
}

/** The CLI's own `error:` lines from an Automation API failure (which repeats the transcript). */
export function engineErrorLines(text: string): string[] {
  const lines = text
    .split("\n")
    .filter((line) => /^\s*error: /.test(line))
    .map((line) => line.trim());
  return [...new Set(lines)];
}

/** The engine's verdict when `expectNoChanges` met drift: not a failure of the check. */
export function isExpectedChangesError(text: string): boolean {
  const lines = engineErrorLines(text);
  return lines.length > 0 && lines.every((line) => /no changes were expected/.test(line));
}

/** Findings and notes from the events of `refresh({ previewOnly: true, expectNoChanges: true })`. */
export function driftFromEvents(
  events: readonly EngineEvent[],
  stack: string,
): { findings: DriftFinding[]; notes: string[] } {
  // One outcome per resource: the last resOutputsEvent that is not "same" wins over "same"
  // (with runProgram, a deleted resource is also registered again as "same").
  const outcomes = new Map<string, StepEventMetadata>();
  const storedCode = new Map<string, { stored?: unknown; current?: unknown }>();
  for (const event of events) {
    const pre = event.resourcePreEvent?.metadata;
    if (pre?.op === "refresh" && pre.type.startsWith("pulumi-nodejs:dynamic")) {
      storedCode.set(pre.urn, {
        stored: pre.old?.outputs?.__provider,
        current: pre.new?.inputs?.__provider,
      });
    }
    const done = event.resOutputsEvent?.metadata;
    if (!done || !isManagedResource(done)) continue;
    if (done.op !== "same" || !outcomes.has(done.urn)) outcomes.set(done.urn, done);
  }
  // By URN, not by the order the engine's parallel steps finished: the same drift prints the same report.
  const findings = [...outcomes.values()]
    .map((metadata) => findingOf(metadata, stack))
    .filter((finding): finding is DriftFinding => finding !== undefined)
    .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  const deleted = new Set(findings.filter((f) => f.kind === "deleted").map((f) => f.urn));
  const notes = [...storedCode.entries()]
    .filter(([urn, code]) => !deleted.has(urn) && olderCode(code))
    .map(([urn]) => olderCodeNote(urn, outcomes.get(urn), stack));
  return { findings, notes };
}

function olderCode(code: { stored?: unknown; current?: unknown }): boolean {
  return (
    typeof code.stored === "string" &&
    typeof code.current === "string" &&
    code.stored !== code.current
  );
}

function olderCodeNote(urn: string, metadata: StepEventMetadata | undefined, stack: string) {
  const subject =
    metadata && metadata.type === WEBHOOK_ENDPOINT_TYPE
      ? endpointLabel(metadata, nameOf(urn))
      : nameOf(urn);
  return `note: ${subject} is stored with older provider code than this checkout's; refresh and destroy run the stored code until \`npm run up -- ${stack}\` upgrades it (one update, no change in Polar).`;
}

/** Custom resources the program manages: not the stack, components or provider resources. */
function isManagedResource(metadata: StepEventMetadata): boolean {
  const state = metadata.old ?? metadata.new;
  return state?.custom === true && !metadata.type.startsWith("pulumi:providers:");
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

function findingOf(metadata: StepEventMetadata, stack: string): DriftFinding | undefined {
  const name = nameOf(metadata.urn);
  const old = metadata.old;
  const base = { urn: metadata.urn, type: metadata.type, name, id: old?.id || undefined };
  const up = `\`npm run up -- ${stack}\``;
  const endpoint = metadata.type === WEBHOOK_ENDPOINT_TYPE;
  const label = endpoint ? endpointLabel(metadata, name) : `${metadata.type} ${name}`;
  const withId = endpoint || !base.id ? label : `${label} (${base.id})`;

  if (metadata.op === "delete" || metadata.op === "discard") {
    const message = endpoint
      ? `${capitalize(label)} was deleted in Polar: ${up} creates it again (with a new secret, which the receiver gets from SSM).`
      : `${withId} no longer exists: ${up} creates it again.`;
    return { ...base, kind: "deleted", changes: [], message };
  }
  // Anything else (e.g. a resource the program adds, skipped by a refresh) is not drift.
  if (metadata.op !== "update" && metadata.op !== "same") return undefined;
  const changes = changedProperties(metadata);
  if (metadata.op === "same") {
    // Polar bumps modified_at on every change. One the provider's diff does not show (nothing it
    // manages changed) is a secret reset in the dashboard: read() records the new secret.
    if (!endpoint || !changes.some((c) => c.property === "modifiedAt")) return undefined;
    return {
      ...base,
      kind: "secret-reset",
      changes: changes.filter((c) => c.property !== "modifiedAt"),
      message: `The signing secret of ${label} was reset outside Pulumi: the receiver rejects deliveries signed with it until ${up} writes it to the receiver's SSM parameter.`,
    };
  }
  if (endpoint) {
    const visible = ENDPOINT_FIELDS.flatMap((field) => changes.filter((c) => c.property === field));
    if (visible.length === 1 && visible[0].property === "enabled" && visible[0].to === false) {
      return {
        ...base,
        kind: "disabled",
        changes: visible,
        message: `Polar disabled ${label} after failed deliveries (or it was turned off in the dashboard): fix the receiver, then ${up} re-enables it.`,
      };
    }
    return {
      ...base,
      kind: "edited",
      changes: visible,
      message: `${capitalize(label)} was edited outside Pulumi (${describeChanges(visible)}): ${up} puts back what the code declares.`,
    };
  }
  return {
    ...base,
    kind: "changed",
    changes,
    message: `${withId} was changed outside Pulumi (${describeChanges(changes)}): ${up} puts back what the code declares.`,
  };
}

/** What the program declares for an endpoint; the rest of its outputs is bookkeeping. */
const ENDPOINT_FIELDS = ["url", "events", "format", "name", "enabled", "apiVersion"];

function endpointLabel(metadata: StepEventMetadata, name: string): string {
  const id = metadata.old?.id || metadata.new?.id;
  return `webhook endpoint ${id ? `${id} ` : ""}(${name})`;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The properties that differ: those the provider's detailed diff names, else every output that
 * differs between the state and what the refresh read.
 */
function changedProperties(metadata: StepEventMetadata): PropertyChange[] {
  const before = outputsOf(metadata.old);
  const after = outputsOf(metadata.new);
  const named = [
    ...Object.keys(metadata.detailedDiff ?? {}),
    ...(metadata.diffs ?? []),
    ...(metadata.keys ?? []),
  ].map((path) => path.split(/[.[]/)[0]);
  const keys =
    named.length > 0
      ? [...new Set(named)]
      : [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
          (key) => !isDeepStrictEqual(before[key], after[key]),
        );
  return keys
    .filter((key) => key !== "__provider")
    .map((property) => ({ property, from: masked(before[property]), to: masked(after[property]) }));
}

function outputsOf(state: StepEventStateMetadata | undefined): Record<string, unknown> {
  return (state?.outputs ?? {}) as Record<string, unknown>;
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function masked(value: unknown): unknown {
  if (value !== null && typeof value === "object" && SECRET_SIGNATURE in value) return "[secret]";
  if (Array.isArray(value)) return value.map(masked);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
  }
  return value;
}

const MAX_LISTED = 6;
const MAX_VALUE_LENGTH = 80;

function describeChanges(changes: readonly PropertyChange[]): string {
  if (changes.length === 0) return "no declared property changed";
  const listed = changes
    .slice(0, MAX_LISTED)
    .map((c) => `${c.property}: ${show(c.from)} → ${show(c.to)}`);
  const more = changes.length - MAX_LISTED;
  return listed.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

function show(value: unknown): string {
  if (value === undefined || value === null) return "(none)";
  const text = Array.isArray(value)
    ? `[${value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ")}]`
    : JSON.stringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** The human form: one line per finding, then the notes; the verdict first. */
export function formatDriftReport(report: DriftReport): string {
  const { stack, findings, notes } = report;
  const lines: string[] = [];
  if (report.drifted === null) {
    lines.push(`[drift] ${stack}: cannot check for drift: ${report.error ?? "unknown error"}`);
  } else if (report.drifted) {
    lines.push(
      `[drift] ${stack}: ${findings.length} resource${findings.length === 1 ? "" : "s"} drifted from the last deployment:`,
      ...findings.map((f) => `- ${f.message}`),
    );
  } else {
    lines.push(`[drift] ${stack}: no drift; every resource matches the last deployment.`);
  }
  return [...lines, ...notes].join("\n");
}
