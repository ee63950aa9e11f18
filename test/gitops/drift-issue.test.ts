// The drift issue (scripts/gitops/drift-issue.js): what each exit code of `npm run stack -- drift`
// does to the stack's one issue, over a sequence of scheduled checks.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  DRIFT_LABEL,
  driftMarker,
  findDriftIssue,
  planDriftIssue,
  reportDrift,
} from "../../scripts/gitops/drift-issue";
import { GITHUB_BODY_LIMIT } from "../../scripts/gitops/shared";
import { FakeGitHub, recordingCore, workflowContext } from "./fake-github";

const runUrl = "https://github.com/acme/polar-webhooks/actions/runs/4242";
const checkedAt = "2026-11-24T10:23:00.000Z";
const disabled =
  "Polar disabled webhook endpoint ingress-endpoint after failed deliveries: fix the receiver, then `npm run up -- prod` re-enables it";
const deleted =
  "Webhook endpoint ingress-endpoint was deleted in Polar: `npm run up -- prod` creates it again (with a new secret)";

describe("planDriftIssue", () => {
  const plan = (exitCode: number | null, existing?: { number: number }) =>
    planDriftIssue({ stack: "prod", exitCode, output: disabled, existing, runUrl, checkedAt });

  it("drift without an open issue opens one, labelled and marked for this stack", () => {
    const result = plan(1);
    expect(result).toMatchObject({
      action: "create",
      title: "Drift in stack prod",
      labels: [DRIFT_LABEL],
    });
    const body = result.action === "create" ? result.body : "";
    expect(body.startsWith(driftMarker("prod"))).toBe(true);
    expect(body).toContain(disabled);
    expect(body).toContain(`checked ${checkedAt}, [workflow run](${runUrl})`);
    expect(body).toContain("`npm run up -- prod`");
  });

  it("drift with an open issue rewrites that issue", () => {
    expect(plan(1, { number: 12 })).toMatchObject({ action: "update", issueNumber: 12 });
  });

  it("no drift closes the open issue with a comment, and otherwise does nothing", () => {
    expect(plan(0, { number: 12 })).toMatchObject({ action: "close", issueNumber: 12 });
    expect(plan(0)).toEqual({ action: "none" });
  });

  it("a check that could not run changes nothing and fails, naming the stack and the exit code", () => {
    for (const existing of [undefined, { number: 12 }]) {
      const result = plan(2, existing);
      expect(result.action).toBe("fail");
      expect(result.action === "fail" && result.message).toMatch(
        /^The drift check of stack prod exited with 2: it could not tell whether anything drifted/,
      );
    }
    expect(plan(null)).toMatchObject({ action: "fail" });
  });

  it("keeps a huge drift report under GitHub's limit", () => {
    const output = Array.from({ length: 20_000 }, (_, i) => `resource-${i}: ${disabled}`).join(
      "\n",
    );
    const result = planDriftIssue({
      stack: "prod",
      exitCode: 1,
      output,
      existing: undefined,
      runUrl,
      checkedAt,
    });
    const body = result.action === "create" ? result.body : "";
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT);
    expect(body).toContain("resource-0:");
    expect(body).toContain("resource-19999:");
    expect(body).toContain("The output was trimmed in the middle");
  });
});

describe("findDriftIssue", () => {
  it("takes the bot's open issue for the stack; not a pull request, a person's issue or another stack's", () => {
    const bot = { login: "github-actions[bot]", type: "Bot" };
    const person = { login: "octocat", type: "User" };
    const issues = [
      { number: 1, body: `${driftMarker("prod")}`, user: person },
      { number: 2, body: `${driftMarker("prod")}`, user: bot, pull_request: {} },
      { number: 3, body: `${driftMarker("dev")}`, user: bot },
      { number: 4, body: `${driftMarker("prod")}`, user: bot, state: "closed" },
      { number: 5, body: `${driftMarker("prod")}`, user: bot, state: "open" },
    ];
    expect(findDriftIssue(issues, "prod")?.number).toBe(5);
    expect(findDriftIssue(issues, "dev")?.number).toBe(3);
  });
});

describe("reportDrift over a series of checks (against an in-memory GitHub)", () => {
  const scratch = mkdtempSync(join(tmpdir(), "drift-issue-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let runs = 0;

  const github = new FakeGitHub();
  github.seedIssue({ title: "Unrelated bug" });
  const core = recordingCore();

  /** One scheduled check: the drift job's artifact, then the issue job. */
  async function check(stack: string, exitCode: number, output: string, hour: number) {
    const directory = join(scratch, `run-${++runs}`);
    mkdirSync(directory);
    writeFileSync(join(directory, "output.txt"), output);
    writeFileSync(join(directory, "exit-code"), String(exitCode));
    const now = new Date(Date.UTC(2026, 10, 24, hour, 23));
    return reportDrift({ github, context: workflowContext(), core, stack, directory, now });
  }
  const driftIssues = (stack: string) =>
    github.issues.filter((i) => i.body.includes(driftMarker(stack)));

  it("opens one issue on drift", async () => {
    const plan = await check("prod", 1, disabled, 10);
    expect(plan.action).toBe("create");
    expect(driftIssues("prod")).toMatchObject([
      { state: "open", title: "Drift in stack prod", labels: ["drift"] },
    ]);
  });

  it("rewrites the same issue while the drift lasts, without a comment per check", async () => {
    await check("prod", 1, disabled, 11);
    await check("prod", 1, `${disabled}\n${deleted}`, 12);
    const [issue] = driftIssues("prod");
    expect(driftIssues("prod")).toHaveLength(1);
    expect(issue.body).toContain(deleted);
    expect(issue.body).toContain("checked 2026-11-24T12:23:00.000Z");
    expect(github.commentsOn(issue.number)).toHaveLength(0);
  });

  it("keeps each stack's drift in its own issue", async () => {
    await check("dev", 1, "dev drift", 12);
    expect(driftIssues("dev")).toHaveLength(1);
    expect(driftIssues("prod")).toHaveLength(1);
    expect(driftIssues("dev")[0].number).not.toBe(driftIssues("prod")[0].number);
  });

  it("leaves the issue alone and fails the job when the check could not run", async () => {
    const before = structuredClone(github.issues);
    const calls = github.calls.length;
    const plan = await check("prod", 2, "error: no stack named 'prod' found", 13);
    expect(plan.action).toBe("fail");
    expect(github.issues).toEqual(before);
    expect(github.calls.slice(calls)).toEqual(["listForRepo state=open"]);
    expect(core.messages.at(-1)).toMatchObject({ level: "failed" });
    expect(core.messages.at(-1)?.text).toContain("The drift check of stack prod exited with 2");
  });

  it("comments and closes the issue on the first clean check; later clean checks do nothing", async () => {
    const [issue] = driftIssues("prod");
    expect((await check("prod", 0, "no drift", 14)).action).toBe("close");
    expect(issue.state).toBe("closed");
    expect(issue.state_reason).toBe("completed");
    expect(github.commentsOn(issue.number).map((c) => c.body)).toEqual([
      `No drift in stack **prod** any more (checked 2026-11-24T14:23:00.000Z, [workflow run](${runUrl})): closing.`,
    ]);
    expect((await check("prod", 0, "no drift", 15)).action).toBe("none");
    expect(driftIssues("dev")[0].state).toBe("open"); // the other stack's issue is untouched
  });

  it("opens a new issue when drift comes back after the issue was closed", async () => {
    await check("prod", 1, disabled, 16);
    const issues = driftIssues("prod");
    expect(issues.map((i) => i.state)).toEqual(["closed", "open"]);
    expect(github.issues.find((i) => i.title === "Unrelated bug")?.state).toBe("open");
  });
});
