// One GitHub issue per stack for drift found by `npm run stack -- drift <stack>` (exit 0: no drift,
// 1: drift, 2: cannot check). Called from .github/workflows/drift.yml through actions/github-script:
//
//   const { reportDrift } = require(`${process.env.GITHUB_WORKSPACE}/scripts/gitops/drift-issue.js`);
//   await reportDrift({ github, context, core, stack: "prod", directory: "drift-prod" });
//
// Drift opens the stack's issue or rewrites it in place (no comment per check, so an hourly check
// does not notify anyone again); the first clean check comments and closes it.
"use strict";

const {
  GITHUB_BODY_LIMIT,
  assertStackName,
  bodyWithOutput,
  cleanOutput,
  readCapturedResult,
  workflowRunUrl,
} = require("./shared.js");

const DRIFT_LABEL = "drift";

function driftMarker(stack) {
  assertStackName(stack);
  return `<!-- polar-webhooks:drift stack=${stack} -->`;
}

function driftIssueTitle(stack) {
  assertStackName(stack);
  return `Drift in stack ${stack}`;
}

/** The open drift issue of `stack` that this workflow opened, if any (pull requests excluded). */
function findDriftIssue(issues, stack) {
  const marker = driftMarker(stack);
  return issues.find(
    (i) =>
      !i.pull_request &&
      i.state !== "closed" &&
      i.user?.type === "Bot" &&
      (i.body ?? "").includes(marker),
  );
}

function buildDriftIssueBody({ stack, output, runUrl, checkedAt }) {
  const command = `npm run stack -- drift ${stack}`;
  return bodyWithOutput({
    before:
      `${driftMarker(stack)}\n` +
      `\`${command}\` found resources of stack **${stack}** that no longer match its last deployment ` +
      `(checked ${checkedAt}, [workflow run](${runUrl})). Each line below names a resource and what to do; ` +
      `\`npm run up -- ${stack}\` (the deploy workflow) puts the stack back to what its code declares.\n\n` +
      "This issue is rewritten by every check while the drift lasts and closed by the first check that finds none.\n\n",
    output: cleanOutput(output) || "(no output)",
    after: "\n",
    trimmedNote:
      `> [!NOTE]\n> The output was trimmed in the middle to fit GitHub's ${GITHUB_BODY_LIMIT.toLocaleString("en-US")}-character ` +
      `limit. The whole output is in the [workflow run](${runUrl}).`,
  });
}

/**
 * What to do with the stack's issue after a check. Pure: `existing` is the open issue found by
 * findDriftIssue. Exit codes other than 0 and 1 mean the check could not run: nothing is changed
 * and the caller fails the job.
 */
function planDriftIssue({ stack, exitCode, output, existing, runUrl, checkedAt }) {
  if (exitCode === 0) {
    if (!existing) return { action: "none" };
    return {
      action: "close",
      issueNumber: existing.number,
      comment: `No drift in stack **${stack}** any more (checked ${checkedAt}, [workflow run](${runUrl})): closing.`,
    };
  }
  if (exitCode === 1) {
    const title = driftIssueTitle(stack);
    const body = buildDriftIssueBody({ stack, output, runUrl, checkedAt });
    if (existing) return { action: "update", issueNumber: existing.number, title, body };
    return { action: "create", title, body, labels: [DRIFT_LABEL] };
  }
  const status = exitCode === null ? "did not finish" : `exited with ${exitCode}`;
  return {
    action: "fail",
    message:
      `The drift check of stack ${stack} ${status}: it could not tell whether anything drifted ` +
      `(a stack never deployed, missing credentials, Polar or AWS unreachable). See the workflow run: ${runUrl}`,
  };
}

/** Reads the captured drift check in `directory` and opens, rewrites or closes the stack's issue. */
async function reportDrift({ github, context, core, stack, directory, now = new Date() }) {
  const { owner, repo } = context.repo;
  const runUrl = workflowRunUrl(context);
  const result = await readCapturedResult(directory);
  const issues = await github.paginate(github.rest.issues.listForRepo, {
    owner,
    repo,
    state: "open",
    per_page: 100,
  });
  const existing = findDriftIssue(issues, stack);
  const plan = planDriftIssue({
    stack,
    ...result,
    existing,
    runUrl,
    checkedAt: now.toISOString(),
  });

  switch (plan.action) {
    case "none":
      core.info(`${stack}: no drift, no open drift issue`);
      break;
    case "create": {
      const { data } = await github.rest.issues.create({
        owner,
        repo,
        title: plan.title,
        body: plan.body,
        labels: plan.labels,
      });
      core.warning(`${stack}: drift found, opened issue #${data.number}`);
      return { ...plan, issueNumber: data.number };
    }
    case "update":
      await github.rest.issues.update({
        owner,
        repo,
        issue_number: plan.issueNumber,
        title: plan.title,
        body: plan.body,
      });
      core.warning(`${stack}: drift found, updated issue #${plan.issueNumber}`);
      break;
    case "close":
      await github.rest.issues.createComment({
        owner,
        repo,
        issue_number: plan.issueNumber,
        body: plan.comment,
      });
      await github.rest.issues.update({
        owner,
        repo,
        issue_number: plan.issueNumber,
        state: "closed",
        state_reason: "completed",
      });
      core.info(`${stack}: no drift, closed issue #${plan.issueNumber}`);
      break;
    case "fail":
      core.setFailed(plan.message);
      break;
  }
  return plan;
}

module.exports = {
  DRIFT_LABEL,
  driftMarker,
  driftIssueTitle,
  findDriftIssue,
  buildDriftIssueBody,
  planDriftIssue,
  reportDrift,
};
