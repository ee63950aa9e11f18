// The GitOps workflows, checked from the parsed YAML: which jobs each event runs and in which
// environment, permissions, concurrency, where secrets can appear, and that the environments the
// docs/gitops.md documents are the ones the workflows use.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  effectivePermissions,
  loadToolchainAction,
  loadWorkflows,
  repoRoot,
  runsCommand,
  scriptOf,
  simulate,
  toolchainActionPath,
  usesAction,
  workflowFiles,
  workflowsDir,
  type Job,
  type SimulatedEvent,
  type Workflow,
} from "./workflows";

const workflows = loadWorkflows();
const workflow = (file: string): Workflow => {
  const found = workflows.find((w) => w.file === file);
  if (!found) throw new Error(`.github/workflows/${file} is missing`);
  return found;
};
const allJobs = workflows.flatMap((w) => w.jobs.map((job) => ({ workflow: w, job })));

const deploys = (job: Job) => runsCommand(job, /npm run up\b/);
const previews = (job: Job) => runsCommand(job, /npm run preview\b/);
const checksDrift = (job: Job) => runsCommand(job, /npm run stack -- drift\b/);
const usesAws = (job: Job) => usesAction(job, "aws-actions/configure-aws-credentials");
const postsPreviewComment = (job: Job) =>
  /scripts\/gitops\/pr-comment\.js/.test(scriptOf(job, "actions/github-script") ?? "");
const reportsDrift = (job: Job) =>
  /scripts\/gitops\/drift-issue\.js/.test(scriptOf(job, "actions/github-script") ?? "");

/** Environments whose credentials can change a stack: those of the jobs that run `npm run up`. */
const writeEnvironments = new Set(
  allJobs.filter(({ job }) => deploys(job)).map(({ job }) => job.environment),
);

const gitopsSection = readFileSync(join(repoRoot, "docs", "gitops.md"), "utf8");

/** Rows of docs/gitops.md's environment table: name → the "used by" and "protection rules" cells. */
function documentedEnvironments(): Map<string, { usedBy: string; protection: string }> {
  const rows = new Map<string, { usedBy: string; protection: string }>();
  const table = gitopsSection.slice(gitopsSection.indexOf("## GitHub environments"));
  for (const line of table.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const name = /^`([a-z-]+)`$/.exec(cells[1] ?? "")?.[1];
    if (name && cells.length >= 5) rows.set(name, { usedBy: cells[2], protection: cells[3] });
    if (/^#{1,3} /.test(line) && !line.includes("GitHub environments")) break;
  }
  return rows;
}

const pr = (overrides: Partial<SimulatedEvent> = {}): SimulatedEvent => ({
  name: "pull_request",
  ref: "refs/pull/7/merge",
  baseRef: "main",
  ...overrides,
});
const push = (ref: string): SimulatedEvent => ({ name: "push", ref });
const dispatch = (ref: string, stack: string): SimulatedEvent => ({
  name: "workflow_dispatch",
  ref,
  inputs: { stack },
});

/** What `event` starts across the workflows (a manual run starts the one workflow it names). */
async function runAll(event: SimulatedEvent, outcomes = {}, only?: string) {
  const targets = workflows.filter((w) => only === undefined || w.file === only);
  const runs = await Promise.all(targets.map((w) => simulate(w, event, outcomes)));
  return runs.flatMap((run, i) => run.ran.map((r) => ({ workflow: targets[i].file, ...r })));
}
const runDispatch = (file: string, ref: string, stack: string) =>
  runAll(dispatch(ref, stack), {}, file);
const names = (ran: { workflow: string; job: string }[]) =>
  ran.map((r) => `${r.workflow}:${r.job}`).sort();

function cronsOf(file: string) {
  return ((workflow(file).on.schedule as unknown as { cron: string }[]) ?? []).map((s) => s.cron);
}
const isHourly = (cron: string) => /^\d{1,2} \* \* \* \*$/.test(cron);
const isDaily = (cron: string) => /^\d{1,2} \d{1,2} \* \* \*$/.test(cron);

describe("the workflows in .github/workflows", () => {
  it("are preview.yml, deploy.yml and drift.yml (pulumi.yml, which gave pull requests prod credentials, is gone)", () => {
    expect(workflows.map((w) => w.file)).toEqual(["deploy.yml", "drift.yml", "preview.yml"]);
  });

  it("never use pull_request_target (it runs with the base repository's secrets)", () => {
    for (const w of workflows) expect(Object.keys(w.on)).not.toContain("pull_request_target");
  });
});

describe("which jobs each event runs", () => {
  it("a pull request: the tests, a preview per stack in the preview environments, a comment per stack", async () => {
    const ran = await runAll(pr());
    expect(names(ran)).toEqual([
      "preview.yml:comment-dev",
      "preview.yml:comment-prod",
      "preview.yml:preview-dev",
      "preview.yml:preview-prod",
      "preview.yml:test",
    ]);
    expect(ran.find((r) => r.job === "preview-dev")?.environment).toBe("dev-preview");
    expect(ran.find((r) => r.job === "preview-prod")?.environment).toBe("prod-preview");
  });

  it("no job a pull request starts is bound to a write environment, whatever its outcome", async () => {
    for (const outcome of ["success", "failure"] as const) {
      const outcomes = Object.fromEntries(allJobs.map(({ job }) => [job.id, outcome]));
      for (const event of [pr(), pr({ headRepository: "mallory/polar-webhooks" })]) {
        const ran = await runAll(event, outcomes);
        expect(ran.length).toBeGreaterThan(0);
        for (const r of ran) expect(writeEnvironments.has(r.environment)).toBe(false);
      }
    }
    expect([...writeEnvironments].sort()).toEqual(["dev", "prod"]);
  });

  it("a pull request from a fork gets the tests only (no secrets, no OIDC token there)", async () => {
    const ran = await runAll(pr({ headRepository: "mallory/polar-webhooks" }));
    expect(names(ran)).toEqual(["preview.yml:test"]);
  });

  it("a failed preview still updates its comment; a comment waits for its own stack only", async () => {
    const ran = await runAll(pr(), { "preview-prod": "failure" });
    expect(names(ran)).toContain("preview.yml:comment-prod");
    const preview = workflow("preview.yml");
    for (const job of preview.jobs.filter(postsPreviewComment)) {
      expect(job.needs).toHaveLength(1);
      const needed = preview.jobs.find((j) => j.id === job.needs[0]);
      expect(needed && previews(needed)).toBe(true);
      expect(needed?.env.STACK).toBe(job.env.STACK);
    }
  });

  it("a push to main runs the tests and `up` to dev only", async () => {
    const ran = await runAll(push("refs/heads/main"));
    expect(names(ran)).toEqual(["deploy.yml:test", "deploy.yml:up-dev"]);
    expect(ran.find((r) => r.job === "up-dev")?.environment).toBe("dev");
  });

  it("a `v*` tag runs `up` to prod through the prod environment; other tags and branches run nothing", async () => {
    const ran = await runAll(push("refs/tags/v1.4.0"));
    expect(names(ran)).toEqual(["deploy.yml:test", "deploy.yml:up-prod"]);
    expect(ran.find((r) => r.job === "up-prod")?.environment).toBe("prod");
    expect(await runAll(push("refs/tags/nightly"))).toEqual([]);
    expect(await runAll(push("refs/heads/feature/x"))).toEqual([]);
  });

  it("a manual deploy of prod runs from main or a `v*` tag only", async () => {
    expect(names(await runDispatch("deploy.yml", "refs/heads/main", "prod"))).toEqual([
      "deploy.yml:test",
      "deploy.yml:up-prod",
    ]);
    expect(names(await runDispatch("deploy.yml", "refs/tags/v2.0.0", "prod"))).toContain(
      "deploy.yml:up-prod",
    );
    const fromBranch = await runDispatch("deploy.yml", "refs/heads/feature/x", "prod");
    expect(names(fromBranch)).toEqual(["deploy.yml:test"]);
    expect(names(await runDispatch("deploy.yml", "refs/heads/main", "dev"))).toEqual([
      "deploy.yml:test",
      "deploy.yml:up-dev",
    ]);
  });

  it("`up` to prod needs the tests to pass", async () => {
    const ran = await runAll(push("refs/tags/v1.4.0"), { test: "failure" });
    expect(names(ran)).toEqual(["deploy.yml:test"]);
  });

  it("the drift schedule checks prod hourly and dev daily, each reported by its own issue job", async () => {
    const crons = cronsOf("drift.yml");
    const hourly = crons.filter(isHourly);
    const daily = crons.filter(isDaily);
    expect(hourly).toHaveLength(1);
    expect(daily).toHaveLength(1);
    expect(crons).toHaveLength(2);

    const everyHour = await runAll({
      name: "schedule",
      ref: "refs/heads/main",
      schedule: hourly[0],
    });
    expect(names(everyHour)).toEqual(["drift.yml:check-prod", "drift.yml:issue-prod"]);
    expect(everyHour[0].environment).toBe("prod-drift");
    const everyDay = await runAll({ name: "schedule", ref: "refs/heads/main", schedule: daily[0] });
    expect(names(everyDay)).toEqual(["drift.yml:check-dev", "drift.yml:issue-dev"]);
    expect(everyDay[0].environment).toBe("dev-preview");
  });

  it("a drift check can be run by hand for either stack", async () => {
    expect(names(await runDispatch("drift.yml", "refs/heads/main", "prod"))).toEqual([
      "drift.yml:check-prod",
      "drift.yml:issue-prod",
    ]);
    expect(names(await runDispatch("drift.yml", "refs/heads/main", "dev"))).toEqual([
      "drift.yml:check-dev",
      "drift.yml:issue-dev",
    ]);
  });

  it("a drift check that cannot run (its job fails on exit 2) leaves the issue alone", async () => {
    const hourly = cronsOf("drift.yml").filter(isHourly)[0];
    const ran = await runAll(
      { name: "schedule", ref: "refs/heads/main", schedule: hourly },
      { "check-prod": "failure" },
    );
    expect(names(ran)).toEqual(["drift.yml:check-prod"]);
  });

  it("the drift step passes exit 0 and 1 on and fails on any other code", () => {
    for (const job of workflow("drift.yml").jobs.filter(checksDrift)) {
      const run = job.steps.find((s) => s.run?.includes("npm run stack -- drift"))?.run ?? "";
      expect(run).toMatch(/status=\$\{PIPESTATUS\[0\]\}/);
      expect(run).toMatch(/0\)[^;]*;;/);
      expect(run).toMatch(/1\)[^;]*;;/);
      expect(run).toMatch(/\*\)[\s\S]*exit "\$status"/);
    }
  });
});

describe("permissions", () => {
  it("every workflow grants nothing at the top; every job says what it needs", () => {
    for (const w of workflows) {
      expect(w.permissions, w.file).toEqual({});
      for (const job of w.jobs) expect(job.permissions, `${w.file} ${job.id}`).toBeDefined();
    }
  });

  it("write permissions only where a step needs them", () => {
    const needed: Record<string, (job: Job) => boolean> = {
      "pull-requests": postsPreviewComment,
      issues: reportsDrift,
      "id-token": usesAws,
    };
    for (const { workflow: w, job } of allJobs) {
      for (const [scope, level] of Object.entries(effectivePermissions(w, job))) {
        if (level === "read" || level === "none") continue;
        const where = `${w.file} ${job.id}: ${scope}: ${level}`;
        expect(needed[scope], where).toBeDefined();
        expect(needed[scope](job), where).toBe(true);
      }
    }
  });

  it("pull-requests: write is on the comment jobs only; id-token: write on every job that uses AWS", () => {
    const writers = allJobs
      .filter(({ workflow: w, job }) => effectivePermissions(w, job)["pull-requests"] === "write")
      .map(({ workflow: w, job }) => `${w.file}:${job.id}`);
    expect(writers.sort()).toEqual(["preview.yml:comment-dev", "preview.yml:comment-prod"]);
    for (const { workflow: w, job } of allJobs.filter(({ job }) => usesAws(job))) {
      expect(effectivePermissions(w, job)["id-token"], `${w.file} ${job.id}`).toBe("write");
    }
  });

  it("jobs that hold a write token hold no secrets and no environment", () => {
    for (const { workflow: w, job } of allJobs) {
      const permissions = effectivePermissions(w, job);
      const writes = Object.entries(permissions).some(
        ([scope, level]) => level === "write" && scope !== "id-token",
      );
      if (!writes) continue;
      expect(job.environment, `${w.file} ${job.id}`).toBeUndefined();
      expect(job.source, `${w.file} ${job.id}`).not.toMatch(/secrets\./);
    }
  });
});

describe("concurrency", () => {
  it("every `up` is in a per-stack group that never cancels a running deployment", () => {
    const deployJobs = allJobs.filter(({ job }) => deploys(job));
    expect(deployJobs.map(({ job }) => job.id).sort()).toEqual(["up-dev", "up-prod"]);
    const groups = new Set<string>();
    for (const { workflow: w, job } of deployJobs) {
      expect(job.concurrency, job.id).toBeDefined();
      expect(job.concurrency?.["cancel-in-progress"], job.id).toBe(false);
      expect(w.concurrency?.["cancel-in-progress"] ?? false, w.file).toBe(false);
      expect(job.concurrency?.group).toContain(job.env.STACK);
      groups.add(job.concurrency!.group);
    }
    expect(groups.size).toBe(deployJobs.length);
    // No other job shares a deploy group (a cancelling job there would cancel the deployment).
    for (const { job } of allJobs.filter(({ job }) => !deploys(job))) {
      expect(groups.has(job.concurrency?.group ?? "")).toBe(false);
    }
  });

  it("previews of a pull request cancel the older previews of the same pull request", () => {
    const preview = workflow("preview.yml");
    expect(preview.concurrency?.["cancel-in-progress"]).toBe(true);
    expect(preview.concurrency?.group).toContain("github.event.pull_request.number");
  });
});

describe("environments and secrets", () => {
  const documented = documentedEnvironments();

  it("docs/gitops.md documents every environment the workflows use, and the jobs that use it", () => {
    const used = new Set(allJobs.map(({ job }) => job.environment).filter(Boolean));
    expect([...used].sort()).toEqual([...documented.keys()].sort());
    for (const { workflow: w, job } of allJobs.filter(({ job }) => job.environment)) {
      expect(documented.get(job.environment!)?.usedBy).toContain(`\`${w.file}\` \`${job.id}\``);
    }
  });

  it("prod deploys and prod previews use environments documented with required reviewers", () => {
    const prodJobs = allJobs.filter(
      ({ job }) => job.env.STACK === "prod" && (deploys(job) || previews(job)),
    );
    expect(prodJobs.map(({ job }) => job.id).sort()).toEqual(["preview-prod", "up-prod"]);
    for (const { job } of prodJobs) {
      expect(documented.get(job.environment ?? "")?.protection, job.id).toMatch(
        /required reviewers/,
      );
    }
  });

  it("a scheduled job's environment has no required reviewers (nobody approves an hourly run)", () => {
    for (const { job } of allJobs.filter(({ job }) => checksDrift(job))) {
      const protection = documented.get(job.environment ?? "")?.protection;
      expect(protection, job.id).toBeDefined();
      expect(protection, job.id).not.toMatch(/required reviewers/);
      expect(writeEnvironments.has(job.environment)).toBe(false);
    }
  });

  it("no `secrets.` reference outside a job bound to an environment, nor in the toolchain action", () => {
    for (const { workflow: w, job } of allJobs) {
      if (/secrets\./.test(job.source))
        expect(job.environment, `${w.file} ${job.id}`).toBeDefined();
    }
    expect(loadToolchainAction().source).not.toMatch(/secrets\./);
  });

  it("every stack job gets its token, passphrase and S3 backend from its environment", () => {
    const stackJobs = allJobs.filter(
      ({ job }) => deploys(job) || previews(job) || checksDrift(job),
    );
    expect(stackJobs).toHaveLength(6);
    for (const { workflow: w, job } of stackJobs) {
      const step = job.steps.find((s) => /npm run (up|preview|stack)/.test(s.run ?? ""));
      expect(step?.env, `${w.file} ${job.id}`).toEqual({
        PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
        PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
        POLAR_ACCESS_TOKEN: "${{ secrets.POLAR_ACCESS_TOKEN }}",
        // Previews and drift checks refuse a Polar token kept in the stack's config.
        ...(deploys(job) ? {} : { POLAR_READ_ONLY: "true" }),
      });
      const aws = job.steps.find((s) =>
        s.uses?.startsWith("aws-actions/configure-aws-credentials"),
      );
      expect(aws?.with).toEqual({
        "role-to-assume": "${{ vars.AWS_ROLE_ARN }}",
        "aws-region": "${{ vars.AWS_REGION }}",
      });
      expect(job.environment).toBeDefined();
    }
  });

  it("docs/gitops.md names every secret and variable the workflows read", () => {
    const sources = allJobs.map(({ job }) => job.source).join("\n");
    const referenced = new Set(
      [...sources.matchAll(/\b(secrets|vars)\.([A-Z_]+)/g)].map((m) => m[2]),
    );
    expect([...referenced].sort()).toEqual([
      "AWS_REGION",
      "AWS_ROLE_ARN",
      "POLAR_ACCESS_TOKEN",
      "PULUMI_BACKEND_URL",
      "PULUMI_CONFIG_PASSPHRASE",
    ]);
    for (const name of referenced) expect(gitopsSection).toContain(`\`${name}\``);
  });
});

describe("steps", () => {
  const allSteps = [
    ...allJobs.flatMap(({ job }) => job.steps),
    ...loadToolchainAction().runs.steps,
  ];

  it("pin every third-party action to a commit SHA, with its version as a comment", () => {
    const files = [...workflowFiles().map((file) => join(workflowsDir, file)), toolchainActionPath];
    const lines = files.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => /^\s*(- )?uses: /.test(line) && !/uses: \.\//.test(line))
        .map((line) => line.replace(/^\s*(- )?uses: /, "")),
    );
    expect(lines.length).toBeGreaterThanOrEqual(7);
    for (const line of lines) {
      expect(line).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
    // Parsed, the comment is gone: what GitHub runs is the SHA alone.
    for (const step of allSteps.filter((s) => s.uses && !s.uses.startsWith("./"))) {
      expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
    }
  });

  it("check out without leaving the token in .git/config", () => {
    for (const step of allSteps.filter((s) => s.uses?.startsWith("actions/checkout@"))) {
      expect(step.with?.["persist-credentials"]).toBe(false);
    }
  });

  it("each comment job posts its own stack's comment through scripts/gitops/pr-comment.js", () => {
    const commentJobs = workflow("preview.yml").jobs.filter(postsPreviewComment);
    expect(commentJobs.map((job) => job.env.STACK).sort()).toEqual(["dev", "prod"]);
    for (const job of commentJobs) {
      expect(scriptOf(job, "actions/github-script")).toMatch(/stack: ?process\.env\.STACK|stack,/);
    }
  });

  it("the toolchain action caches the CLI builds, the Go modules, npm and the Pulumi plugins", () => {
    const action = loadToolchainAction();
    expect(action.runs.using).toBe("composite");
    const cached = action.runs.steps
      .filter((s) => s.uses?.startsWith("actions/cache@"))
      .map((s) => ({ path: s.with?.path, key: String(s.with?.key) }));
    expect(cached.map((c) => c.path)).toEqual([
      "~/.cache/polar-webhooks-as-code",
      "~/go/pkg/mod",
      "~/.npm",
      "~/.pulumi/plugins",
    ]);
    for (const c of cached.slice(0, 2)) {
      expect(c.key).toContain(
        "hashFiles('scripts/setup-pulumi.sh', 'scripts/setup-actionlint.sh')",
      );
    }
    expect(action.runs.steps.at(-1)?.run).toBe("bash scripts/setup.sh");
  });
});
