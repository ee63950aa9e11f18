// One sticky pull-request comment per stack with that stack's `npm run preview` output, edited in
// place on every push. Called from .github/workflows/preview.yml through actions/github-script:
//
//   const { postPreviewComment } = require(`${process.env.GITHUB_WORKSPACE}/scripts/gitops/pr-comment.js`);
//   await postPreviewComment({ github, context, core, stack: "dev", directory: "preview-dev" });
//
// pulumi/actions' own `comment-on-pr` keeps one comment per workflow, which the stacks would
// overwrite (pulumi/actions#563, #715); a hidden marker per stack keeps them apart.
"use strict";

const {
  GITHUB_BODY_LIMIT,
  assertStackName,
  bodyWithOutput,
  cleanOutput,
  readCapturedResult,
  workflowRunUrl,
} = require("./shared.js");

function previewMarker(stack) {
  assertStackName(stack);
  return `<!-- polar-webhooks:preview stack=${stack} -->`;
}

/**
 * The counts from the "Resources:" block Pulumi prints at the end of a preview
 * (pulumi/pulumi pkg/backend/display/diff.go, renderSummaryEvent):
 *
 *   Resources:
 *       + 1 to create
 *       ~ 2 to update
 *       3 changes. 4 unchanged
 *
 * Undefined when the output has no such block (the preview failed before the summary).
 */
function summarizePreview(output) {
  const lines = cleanOutput(output).split("\n");
  const start = lines.findLastIndex((line) => line.trim() === "Resources:");
  if (start < 0) return undefined;
  const changes = [];
  let unchanged = 0;
  for (const line of lines.slice(start + 1)) {
    const change = /^\s+(?:([^\s\d]{1,2})\s*)?(\d+) to ([a-z-]+)\s*$/.exec(line);
    const same = /^\s+(?:\d+ changes?\. )?(\d+) unchanged\s*$/.exec(line);
    if (change) {
      changes.push({ symbol: change[1] ?? "", count: Number(change[2]), operation: change[3] });
    } else if (same) {
      unchanged = Number(same[1]);
    } else if (!/^\s+\d+ changes?\s*$/.test(line)) {
      break;
    }
  }
  return { changes, unchanged };
}

function statusLine(exitCode, summary) {
  if (exitCode === null) {
    return (
      "⚠️ **No preview.** The job ended before the preview finished (set-up failed, the approval " +
      "was rejected or the run was cancelled): see the workflow run."
    );
  }
  if (exitCode !== 0) {
    return `❌ **The preview failed** (exit code ${exitCode}). The end of the output says why.`;
  }
  if (!summary) return "The preview finished, but its output has no `Resources:` summary.";
  const unchanged = `${summary.unchanged} unchanged`;
  if (summary.changes.length === 0) return `✅ **No changes.** ${unchanged}.`;
  const total = summary.changes.reduce((sum, change) => sum + change.count, 0);
  const parts = summary.changes.map(
    (c) => `\`${[c.symbol, c.count, "to", c.operation].filter((p) => p !== "").join(" ")}\``,
  );
  return `**${total} change${total === 1 ? "" : "s"}**: ${parts.join(", ")}; ${unchanged}.`;
}

/**
 * The whole comment for one stack: marker, status line, the output (middle trimmed so the body
 * stays under GitHub's 65,536 characters) and a footer. Also built when nothing changes, so the
 * comment never shows a stale plan.
 */
function buildPreviewComment({ stack, output, exitCode, runUrl, commitSha }) {
  const text = cleanOutput(output);
  const summary = exitCode === 0 ? summarizePreview(text) : undefined;
  const footer = `\n\n<sub>Commit ${commitSha.slice(0, 7)} · [workflow run](${runUrl}) · updated on every push</sub>\n`;
  const before =
    `${previewMarker(stack)}\n### Pulumi preview: \`${stack}\`\n\n` + statusLine(exitCode, summary);
  if (exitCode === null) return `${before}${footer}`;

  const open = exitCode !== 0 || !summary || summary.changes.length > 0;
  return bodyWithOutput({
    before: `${before}\n\n<details${open ? " open" : ""}><summary>Output of <code>npm run preview -- ${stack}</code></summary>\n\n`,
    output: text || "(no output)",
    afterBlock: "\n\n</details>",
    after: footer,
    trimmedNote:
      `> [!NOTE]\n> The output was trimmed in the middle to fit GitHub's ${GITHUB_BODY_LIMIT.toLocaleString("en-US")}-character ` +
      `limit for a comment. The whole output is in the [workflow run](${runUrl}).`,
  });
}

/** The comment this workflow posted for `stack` earlier, if any (the oldest, should there be two). */
function findStickyComment(comments, stack) {
  const marker = previewMarker(stack);
  return comments.find((c) => c.user?.type === "Bot" && (c.body ?? "").includes(marker));
}

/** Reads the captured preview in `directory` and creates or edits the stack's comment. */
async function postPreviewComment({ github, context, core, stack, directory }) {
  const pullRequest = context.payload.pull_request;
  if (!pullRequest) {
    throw new Error("postPreviewComment: not a pull_request event (context.payload.pull_request)");
  }
  const { owner, repo } = context.repo;
  const result = await readCapturedResult(directory);
  const body = buildPreviewComment({
    stack,
    ...result,
    runUrl: workflowRunUrl(context),
    commitSha: pullRequest.head.sha,
  });

  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: pullRequest.number,
    per_page: 100,
  });
  const existing = findStickyComment(comments, stack);
  if (existing) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    core.info(`preview of ${stack}: updated comment ${existing.id}`);
    return { action: "updated", id: existing.id };
  }
  const { data } = await github.rest.issues.createComment({
    owner,
    repo,
    issue_number: pullRequest.number,
    body,
  });
  core.info(`preview of ${stack}: created comment ${data.id}`);
  return { action: "created", id: data.id };
}

module.exports = {
  previewMarker,
  summarizePreview,
  buildPreviewComment,
  findStickyComment,
  postPreviewComment,
};
