// The sticky preview comment (scripts/gitops/pr-comment.js): its body, its size limit, and one
// comment per stack edited in place across runs.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildPreviewComment,
  findStickyComment,
  postPreviewComment,
  previewMarker,
  summarizePreview,
} from "../../scripts/gitops/pr-comment";
import { GITHUB_BODY_LIMIT } from "../../scripts/gitops/shared";
import { FakeGitHub, HUMAN, recordingCore, workflowContext } from "./fake-github";

const runUrl = "https://github.com/acme/polar-webhooks/actions/runs/4242";
const commitSha = "0123456789abcdef0123456789abcdef01234567";

// Shaped like Pulumi's preview output (pkg/backend/display: step lines, then the summary).
const noChanges = `Previewing update (dev):
     Type                 Name                      Plan
     pulumi:pulumi:Stack  polar-webhooks-dev

Resources:
    14 unchanged
`;
const withChanges = `Previewing update (dev):
     Type                                    Name                Plan
     pulumi:pulumi:Stack                     polar-webhooks-dev
 +   ├─ aws:cloudwatch:MetricAlarm           ingress-dlq-depth   create
 ~   └─ pulumi-nodejs:dynamic:Resource       ingress-endpoint    update     [diff: ~events]

Resources:
    + 1 to create
    ~ 1 to update
    2 changes. 12 unchanged
`;
const failed = `Previewing update (prod):
error: polar-webhooks:events: expected a non-empty list of Polar event types
[stack] failed: error: polar-webhooks:events: expected a non-empty list of Polar event types
`;

const isWellFormed = (text: string) =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

describe("previewMarker", () => {
  it("is a hidden HTML comment that differs per stack", () => {
    expect(previewMarker("dev")).toBe("<!-- polar-webhooks:preview stack=dev -->");
    expect(previewMarker("dev")).not.toBe(previewMarker("prod"));
    // One stack's marker is not part of another's, so a search never picks the wrong comment.
    expect(previewMarker("dev2")).not.toContain(previewMarker("dev"));
  });

  it("refuses a stack name that could end the comment, naming the field", () => {
    expect(() => previewMarker("dev --><script>")).toThrow(/^stack: expected a stack name/);
    expect(() => previewMarker("")).toThrow(/stack/);
  });
});

describe("summarizePreview", () => {
  it("reads Pulumi's Resources block", () => {
    expect(summarizePreview(noChanges)).toEqual({ changes: [], unchanged: 14 });
    expect(summarizePreview(withChanges)).toEqual({
      changes: [
        { symbol: "+", count: 1, operation: "create" },
        { symbol: "~", count: 1, operation: "update" },
      ],
      unchanged: 12,
    });
    expect(
      summarizePreview("Resources:\n    +-1 to replace\n    - 3 to delete\n    4 changes\n"),
    ).toEqual({
      changes: [
        { symbol: "+-", count: 1, operation: "replace" },
        { symbol: "-", count: 3, operation: "delete" },
      ],
      unchanged: 0,
    });
  });

  it("reads coloured output and says undefined when there is no summary", () => {
    expect(
      summarizePreview("\u001b[1mResources:\u001b[0m\n    \u001b[32m+ 2 to create\u001b[0m\n"),
    ).toEqual({
      changes: [{ symbol: "+", count: 2, operation: "create" }],
      unchanged: 0,
    });
    expect(summarizePreview(failed)).toBeUndefined();
  });
});

describe("buildPreviewComment", () => {
  const build = (output: string, exitCode: number | null, stack = "dev") =>
    buildPreviewComment({ stack, output, exitCode, runUrl, commitSha });

  it("says so when nothing changes, and still shows the output", () => {
    const body = build(noChanges, 0);
    expect(body.startsWith(`${previewMarker("dev")}\n### Pulumi preview: \`dev\``)).toBe(true);
    expect(body).toContain("**No changes.** 14 unchanged.");
    expect(body).toContain("<details><summary>"); // collapsed: nothing to review
    expect(body).toContain("    14 unchanged\n```");
    expect(body).toContain(`Commit 0123456 · [workflow run](${runUrl})`);
  });

  it("counts the changes and opens the output", () => {
    const body = build(withChanges, 0);
    expect(body).toContain("**2 changes**: `+ 1 to create`, `~ 1 to update`; 12 unchanged.");
    expect(body).toContain("<details open>");
    expect(body).toContain("ingress-endpoint    update     [diff: ~events]");
  });

  it("reports a failed preview with its exit code and output", () => {
    const body = build(failed, 1, "prod");
    expect(body).toContain("### Pulumi preview: `prod`");
    expect(body).toContain("**The preview failed** (exit code 1)");
    expect(body).toContain("expected a non-empty list of Polar event types");
    expect(body).not.toContain("No changes");
  });

  it("reports a preview that never finished without an empty code block", () => {
    const body = build("", null);
    expect(body).toContain("**No preview.**");
    expect(body).not.toContain("```");
  });

  it("trims a huge output in the middle to stay under 65,536 characters, and says so", () => {
    const steps = Array.from(
      { length: 6_000 },
      (_, i) => ` +   ├─ aws:sqs:Queue   queue-${i}   create`,
    ).join("\n");
    const output = `Previewing update (dev):\n${steps}\n\nResources:\n    + 6000 to create\n    3 unchanged\n`;
    expect(output.length).toBeGreaterThan(3 * GITHUB_BODY_LIMIT);

    const body = build(output, 0);
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT);
    expect(body.length).toBeGreaterThan(GITHUB_BODY_LIMIT - 2_000); // trimmed to fit, not to nothing
    expect(body).toContain("**6000 changes**: `+ 6000 to create`; 3 unchanged."); // from the whole output
    expect(body).toContain("queue-0   create"); // the head
    expect(body).toContain("Resources:\n    + 6000 to create\n    3 unchanged\n```"); // the tail
    expect(body).toMatch(/… \d+ lines \(\d+ characters\) trimmed …/);
    expect(body).toContain(
      "The output was trimmed in the middle to fit GitHub's 65,536-character limit",
    );
    expect(body).toContain(`[workflow run](${runUrl})`);
    // Outside the <details>, so it shows even when the output is collapsed.
    expect(body.indexOf("The output was trimmed")).toBeGreaterThan(body.indexOf("</details>"));
  });

  it("trims one enormous line (no line breaks to cut at) without splitting a character", () => {
    const output = "🙂".repeat(50_000); // 100,000 UTF-16 units
    const body = build(output, 1);
    expect(body.length).toBeLessThan(GITHUB_BODY_LIMIT);
    expect(isWellFormed(body)).toBe(true);
    expect(body).toContain("trimmed");
  });

  it("keeps output that contains code fences inside its block", () => {
    const output = "error: bad value\n```\n# Injected heading\n````\n";
    const body = build(output, 1);
    expect(body).toContain("`````text\nerror: bad value\n```\n# Injected heading\n````\n`````");
  });

  it("handles outputs with very many backtick runs or long blank stretches", () => {
    const ticks = "`x".repeat(300_000);
    expect(build(ticks, 1).length).toBeLessThan(GITHUB_BODY_LIMIT);
    const blanks = `error: first\n${" ".repeat(200_000)}x\n`;
    expect(build(blanks, 1)).toContain("error: first");
  });

  it("drops terminal colours and carriage returns", () => {
    const body = build("\u001b[32m+ 1 to create\u001b[0m\r\nResources:\r\n    1 unchanged\r\n", 0);
    expect(body).not.toMatch(/\u001b|\r/);
    expect(body).toContain("**No changes.** 1 unchanged.");
  });
});

describe("findStickyComment", () => {
  it("picks the bot's comment with the stack's marker, not a person's quoting it", () => {
    const bot = { login: "github-actions[bot]", type: "Bot" };
    const comments = [
      { id: 1, body: `quoting ${previewMarker("dev")}`, user: HUMAN },
      { id: 2, body: `${previewMarker("prod")}\n…`, user: bot },
      { id: 3, body: `${previewMarker("dev")}\n…`, user: bot },
    ];
    expect(findStickyComment(comments, "dev")?.id).toBe(3);
    expect(findStickyComment(comments, "prod")?.id).toBe(2);
    expect(findStickyComment(comments, "staging")).toBeUndefined();
  });
});

describe("postPreviewComment (against an in-memory GitHub)", () => {
  const scratch = mkdtempSync(join(tmpdir(), "pr-comment-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** What the preview job uploads: the output and the exit code. */
  function captured(name: string, output: string, exitCode: number): string {
    const directory = join(scratch, name);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, "output.txt"), output);
    writeFileSync(join(directory, "exit-code"), `${exitCode}\n`);
    return directory;
  }

  it("keeps one comment per stack, edited in place on every run", async () => {
    const github = new FakeGitHub();
    const pr = github.seedIssue({ title: "Add the refund events", pull_request: {} });
    github.seedComment(pr.number, `Looks good; the bot will post ${previewMarker("dev")} soon`);
    const context = workflowContext(pr.number);
    const core = recordingCore();
    const post = (stack: string, directory: string) =>
      postPreviewComment({ github, context, core, stack, directory });

    const first = await post("dev", captured("run1-dev", withChanges, 0));
    const prod = await post("prod", captured("run1-prod", noChanges.replace("dev", "prod"), 0));
    expect(first.action).toBe("created");
    expect(prod.action).toBe("created");

    const second = await post("dev", captured("run2-dev", noChanges, 0));
    const prodAgain = await post("prod", captured("run2-prod", failed, 1));
    expect(second).toEqual({ action: "updated", id: first.id });
    expect(prodAgain).toEqual({ action: "updated", id: prod.id });

    const comments = github.commentsOn(pr.number);
    expect(comments).toHaveLength(3); // the person's comment and one per stack
    expect(comments[0].body).toContain("Looks good"); // untouched
    expect(comments.find((c) => c.id === first.id)?.body).toContain("**No changes.**");
    expect(comments.find((c) => c.id === prod.id)?.body).toContain("**The preview failed**");
    expect(core.messages.map((m) => m.text)).toEqual([
      `preview of dev: created comment ${first.id}`,
      `preview of prod: created comment ${prod.id}`,
      `preview of dev: updated comment ${first.id}`,
      `preview of prod: updated comment ${prod.id}`,
    ]);
  });

  it("finds its comment on a later page of a long conversation", async () => {
    const github = new FakeGitHub();
    const pr = github.seedIssue({ title: "Busy pull request", pull_request: {} });
    const context = workflowContext(pr.number);
    const core = recordingCore();
    const directory = captured("paged", noChanges, 0);
    for (let i = 0; i < 150; i++) github.seedComment(pr.number, `comment ${i}`);
    const created = await postPreviewComment({ github, context, core, stack: "dev", directory });
    for (let i = 0; i < 120; i++) github.seedComment(pr.number, `later ${i}`);
    const updated = await postPreviewComment({ github, context, core, stack: "dev", directory });
    expect(updated).toEqual({ action: "updated", id: created.id });
    expect(github.commentsOn(pr.number)).toHaveLength(271);
  });

  it("posts a preview over GitHub's limit, trimmed (GitHub would answer 422 otherwise)", async () => {
    const github = new FakeGitHub();
    const pr = github.seedIssue({ title: "Big change", pull_request: {} });
    const huge = `Previewing update (dev):\n${"x".repeat(200_000)}\nResources:\n    + 1 to create\n`;
    const directory = captured("huge", huge, 0);
    await expect(
      github.rest.issues.createComment({ issue_number: pr.number, body: huge }),
    ).rejects.toThrow(/body is too long/);

    const result = await postPreviewComment({
      github,
      context: workflowContext(pr.number),
      core: recordingCore(),
      stack: "dev",
      directory,
    });
    expect(result.action).toBe("created");
    expect(github.commentsOn(pr.number)[0].body.length).toBeLessThan(GITHUB_BODY_LIMIT);
  });

  it("says there was no preview when the job left no output", async () => {
    const github = new FakeGitHub();
    const pr = github.seedIssue({ title: "Rejected prod preview", pull_request: {} });
    await postPreviewComment({
      github,
      context: workflowContext(pr.number),
      core: recordingCore(),
      stack: "prod",
      directory: join(scratch, "never-downloaded"),
    });
    expect(github.commentsOn(pr.number)[0].body).toContain("**No preview.**");
  });

  it("refuses to run outside a pull request", async () => {
    await expect(
      postPreviewComment({
        github: new FakeGitHub(),
        context: workflowContext(),
        core: recordingCore(),
        stack: "dev",
        directory: scratch,
      }),
    ).rejects.toThrow(/not a pull_request event/);
  });
});
