// The workflows as data: parsed with js-yaml (anchors resolved), plus a model of how GitHub picks
// the jobs an event runs: the trigger filters, then each job's `if:` evaluated by GitHub's own
// expression library (@actions/expressions) with the implicit `success()`, in `needs` order.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { load } from "js-yaml";

export const repoRoot = resolve(__dirname, "../..");
export const workflowsDir = join(repoRoot, ".github/workflows");
export const toolchainActionPath = join(repoRoot, ".github/actions/toolchain/action.yml");

export interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

export interface Job {
  readonly id: string;
  readonly if?: string;
  readonly needs: string[];
  readonly environment?: string;
  /** As written; undefined when the job inherits the workflow's. */
  readonly permissions?: Record<string, string> | string;
  readonly concurrency?: { group: string; "cancel-in-progress"?: boolean | string };
  readonly env: Record<string, string>;
  readonly steps: Step[];
  /** The job as written, for text searches (`secrets.`, `vars.`). */
  readonly source: string;
}

export interface Workflow {
  readonly file: string;
  readonly on: Record<string, Record<string, unknown> | null>;
  readonly permissions?: Record<string, string> | string;
  readonly concurrency?: { group: string; "cancel-in-progress"?: boolean | string };
  readonly jobs: Job[];
}

type Raw = Record<string, unknown>;

export function workflowFiles(): string[] {
  return readdirSync(workflowsDir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
}

export function loadWorkflows(): Workflow[] {
  return workflowFiles().map((file) => {
    const raw = load(readFileSync(join(workflowsDir, file), "utf8")) as Raw;
    const jobs = Object.entries(raw.jobs as Record<string, Raw>).map(([id, job]) => toJob(id, job));
    return {
      file,
      on: normalizeTriggers(raw.on),
      permissions: raw.permissions as Workflow["permissions"],
      concurrency: normalizeConcurrency(raw.concurrency),
      jobs,
    };
  });
}

export function loadToolchainAction(): { runs: { using: string; steps: Step[] }; source: string } {
  const source = readFileSync(toolchainActionPath, "utf8");
  return { ...(load(source) as { runs: { using: string; steps: Step[] } }), source };
}

function toJob(id: string, job: Raw): Job {
  const environment = job.environment as string | { name: string } | undefined;
  return {
    id,
    if: job.if === undefined ? undefined : String(job.if),
    needs: job.needs === undefined ? [] : ([] as string[]).concat(job.needs as string | string[]),
    environment: typeof environment === "object" ? environment.name : environment,
    permissions: job.permissions as Job["permissions"],
    concurrency: normalizeConcurrency(job.concurrency),
    env: (job.env as Record<string, string>) ?? {},
    steps: (job.steps as Step[]) ?? [],
    source: JSON.stringify(job),
  };
}

function normalizeTriggers(on: unknown): Workflow["on"] {
  if (typeof on === "string") return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((name: string) => [name, null]));
  return on as Workflow["on"];
}

function normalizeConcurrency(value: unknown): Workflow["concurrency"] {
  if (value === undefined) return undefined;
  return typeof value === "string" ? { group: value } : (value as Workflow["concurrency"]);
}

/** The permissions a job runs with: its own, else the workflow's (GitHub's rule). */
export function effectivePermissions(workflow: Workflow, job: Job): Record<string, string> {
  const permissions = job.permissions ?? workflow.permissions;
  if (permissions === undefined) {
    throw new Error(`${workflow.file} ${job.id}: no permissions at any level (repository default)`);
  }
  if (typeof permissions === "string") {
    throw new Error(`${workflow.file} ${job.id}: permissions: ${permissions} (use a map)`);
  }
  return permissions;
}

export const usesAction = (job: Job, action: string) =>
  job.steps.some((step) => step.uses?.split("@")[0] === action);
export const runsCommand = (job: Job, pattern: RegExp) =>
  job.steps.some((step) => step.run !== undefined && pattern.test(step.run));
export const scriptOf = (job: Job, action: string) =>
  job.steps.find((step) => step.uses?.split("@")[0] === action)?.with?.script as string | undefined;

// --- which jobs an event runs ---------------------------------------------------------------

export interface SimulatedEvent {
  readonly name: "pull_request" | "push" | "schedule" | "workflow_dispatch";
  /** The ref the run is for: refs/heads/…, refs/tags/…, refs/pull/N/merge. */
  readonly ref: string;
  /** pull_request: the branch it targets. */
  readonly baseRef?: string;
  /** pull_request: the repository its head branch lives in. */
  readonly headRepository?: string;
  readonly schedule?: string;
  readonly inputs?: Record<string, string>;
}

export const REPOSITORY = "acme/polar-webhooks";

/** GitHub's filter patterns: `*` matches within a path segment, `**` across them. */
function filterMatches(patterns: unknown, name: string): boolean {
  return ([] as string[]).concat(patterns as string[]).some((pattern) => {
    const regex = pattern
      .split("**")
      .map((part) => part.split("*").map(escapeRegex).join("[^/]*"))
      .join(".*");
    return new RegExp(`^${regex}$`).test(name);
  });
}
const escapeRegex = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

export function triggers(workflow: Workflow, event: SimulatedEvent): boolean {
  if (!(event.name in workflow.on)) return false;
  const filter = workflow.on[event.name] ?? {};
  switch (event.name) {
    case "pull_request":
      return filter.branches === undefined || filterMatches(filter.branches, event.baseRef ?? "");
    case "push": {
      const [kind, name] = event.ref.startsWith("refs/tags/")
        ? (["tags", event.ref.slice("refs/tags/".length)] as const)
        : (["branches", event.ref.slice("refs/heads/".length)] as const);
      const hasFilters = filter.branches !== undefined || filter.tags !== undefined;
      if (!hasFilters) return true;
      // With only one kind of filter, pushes of the other kind of ref do not trigger the workflow.
      return filter[kind] !== undefined && filterMatches(filter[kind], name);
    }
    case "schedule":
      return ((workflow.on.schedule as unknown as { cron: string }[]) ?? []).some(
        (entry) => entry.cron === event.schedule,
      );
    case "workflow_dispatch":
      return true;
  }
}

export type JobResult = "success" | "failure" | "skipped";

export interface SimulatedRun {
  /** Jobs that start, with the environment each is bound to. */
  readonly ran: { job: string; environment?: string }[];
  readonly skipped: string[];
}

/**
 * The jobs of `workflow` that `event` starts. A job that starts is assumed to end with
 * `outcomes[job]` (default success), which decides what its dependants see.
 */
export async function simulate(
  workflow: Workflow,
  event: SimulatedEvent,
  outcomes: Record<string, JobResult> = {},
): Promise<SimulatedRun> {
  if (!triggers(workflow, event)) return { ran: [], skipped: workflow.jobs.map((j) => j.id) };
  const results = new Map<string, JobResult>();
  const ran: SimulatedRun["ran"] = [];
  const pending = [...workflow.jobs];
  while (pending.length > 0) {
    const index = pending.findIndex((job) => job.needs.every((need) => results.has(need)));
    if (index < 0) throw new Error(`${workflow.file}: a job needs a job that does not exist`);
    const [job] = pending.splice(index, 1);
    const needs = Object.fromEntries(
      job.needs.map((need) => [need, { result: results.get(need) }]),
    );
    const runs = await evaluateJobIf(job.if, eventContext(event, needs));
    results.set(job.id, runs ? (outcomes[job.id] ?? "success") : "skipped");
    if (runs) ran.push({ job: job.id, environment: job.environment });
  }
  const skipped = workflow.jobs.filter((j) => results.get(j.id) === "skipped").map((j) => j.id);
  return { ran, skipped };
}

function eventContext(event: SimulatedEvent, needs: Record<string, { result?: JobResult }>) {
  const pullRequest =
    event.name === "pull_request"
      ? { head: { repo: { full_name: event.headRepository ?? REPOSITORY } } }
      : undefined;
  return {
    github: {
      event_name: event.name,
      ref: event.ref,
      repository: REPOSITORY,
      event: { schedule: event.schedule, pull_request: pullRequest, inputs: event.inputs },
    },
    inputs: event.inputs ?? {},
    needs,
  };
}

const STATUS_FUNCTIONS = ["success", "failure", "always", "cancelled"];

async function evaluateJobIf(condition: string | undefined, context: Record<string, unknown>) {
  const { Lexer, Parser, Evaluator, data } = await import("@actions/expressions");
  const { truthy } = await import("@actions/expressions/result");
  const needs = Object.values(context.needs as Record<string, { result?: JobResult }>);
  let text = (condition ?? "").trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
  if (wrapped) text = wrapped[1].trim();
  // GitHub adds `success() &&` to a condition that calls no status function.
  const callsStatus = new RegExp(`\\b(${STATUS_FUNCTIONS.join("|")})\\s*\\(`).test(text);
  if (!callsStatus) text = text === "" ? "success()" : `success() && (${text})`;

  const status: Record<string, boolean> = {
    success: needs.every((n) => n.result === "success"),
    failure: needs.some((n) => n.result === "failure"),
    always: true,
    cancelled: false,
  };
  const functions = new Map(
    STATUS_FUNCTIONS.map((name) => [
      name,
      { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(status[name]) },
    ]),
  );
  const { tokens } = new Lexer(text).lex();
  const expression = new Parser(tokens, Object.keys(context), [...functions.values()]).parse();
  const dictionary = JSON.parse(JSON.stringify(context), data.reviver) as InstanceType<
    typeof data.Dictionary
  >;
  return truthy(new Evaluator(expression, dictionary, functions).evaluate());
}
