// An in-memory stand-in for the part of GitHub's REST API the workflow scripts call: issues and
// their comments, as actions/github-script's Octokit exposes them. GitHub cannot run here; this
// keeps the rules the scripts rely on: numbered issues and ids, pages of `per_page`, authorship
// (what the workflow token writes is by github-actions[bot]), `state=open` listings, pull requests
// listed among issues, and the 65,536-character body limit answered with a 422.
import type { CommentsApi, IssueComment } from "../../scripts/gitops/pr-comment";
import type { Issue, IssuesApi } from "../../scripts/gitops/drift-issue";

const BODY_LIMIT = 65_536;
const BOT = { login: "github-actions[bot]", type: "Bot" } as const;
export const HUMAN = { login: "octocat", type: "User" } as const;

type User = { login: string; type: string };
interface StoredComment extends IssueComment {
  issue_number: number;
  body: string;
  user: User;
}
interface StoredIssue extends Issue {
  state: "open" | "closed";
  state_reason?: string | null;
  title: string;
  body: string;
  labels: string[];
  user: User;
}

export class GitHubValidationError extends Error {
  readonly status = 422;
}

function checkBody(body: string): void {
  // GitHub counts characters; a JS string's length (UTF-16 units) is never below that count.
  if ([...body].length > BODY_LIMIT) {
    throw new GitHubValidationError(
      `Validation Failed: body is too long (maximum is ${BODY_LIMIT} characters)`,
    );
  }
}

function page<T>(items: T[], params: { per_page?: number; page?: number }): { data: T[] } {
  const size = params.per_page ?? 30;
  const start = ((params.page ?? 1) - 1) * size;
  return { data: structuredClone(items.slice(start, start + size)) };
}

export class FakeGitHub implements CommentsApi, IssuesApi {
  readonly issues: StoredIssue[] = [];
  readonly comments: StoredComment[] = [];
  /** Every call, in order: "listComments", "updateComment #id", … */
  readonly calls: string[] = [];
  private nextCommentId = 1000;

  /** Opens an issue or pull request as someone else would (not through the scripts). */
  seedIssue(fields: Partial<StoredIssue> & { title: string }): StoredIssue {
    const issue: StoredIssue = {
      number: this.issues.length + 1,
      state: "open",
      body: "",
      labels: [],
      user: HUMAN,
      ...fields,
    };
    this.issues.push(issue);
    return issue;
  }

  seedComment(issueNumber: number, body: string, user: User = HUMAN): StoredComment {
    const comment = { id: this.nextCommentId++, issue_number: issueNumber, body, user };
    this.comments.push(comment);
    return comment;
  }

  commentsOn(issueNumber: number): StoredComment[] {
    return this.comments.filter((c) => c.issue_number === issueNumber);
  }

  async paginate<P, T>(method: (params: P) => Promise<{ data: T[] }>, params: P): Promise<T[]> {
    const all: T[] = [];
    const perPage = (params as { per_page?: number }).per_page ?? 30;
    for (let pageNumber = 1; ; pageNumber++) {
      const { data } = await method({ ...params, page: pageNumber });
      all.push(...data);
      if (data.length < perPage) return all;
    }
  }

  readonly rest = {
    issues: {
      listComments: async (params: { issue_number: number; per_page?: number; page?: number }) => {
        this.calls.push("listComments");
        return page(this.commentsOn(params.issue_number), params);
      },
      createComment: async (params: { issue_number: number; body: string }) => {
        this.calls.push(`createComment on #${params.issue_number}`);
        checkBody(params.body);
        return { data: structuredClone(this.seedComment(params.issue_number, params.body, BOT)) };
      },
      updateComment: async (params: { comment_id: number; body: string }) => {
        this.calls.push(`updateComment ${params.comment_id}`);
        checkBody(params.body);
        const comment = this.comments.find((c) => c.id === params.comment_id);
        if (!comment) throw Object.assign(new Error("Not Found"), { status: 404 });
        comment.body = params.body;
        return { data: structuredClone(comment) };
      },
      listForRepo: async (params: { state?: string; per_page?: number; page?: number }) => {
        this.calls.push(`listForRepo state=${params.state ?? "open"}`);
        const state = params.state ?? "open";
        return page(
          this.issues.filter((i) => state === "all" || i.state === state),
          params,
        );
      },
      create: async (params: { title: string; body: string; labels?: string[] }) => {
        this.calls.push("create");
        checkBody(params.body);
        const issue = this.seedIssue({ ...params, labels: params.labels ?? [], user: BOT });
        return { data: structuredClone(issue) };
      },
      update: async (params: {
        issue_number: number;
        title?: string;
        body?: string;
        state?: "open" | "closed";
        state_reason?: string;
      }) => {
        this.calls.push(`update #${params.issue_number}${params.state ? ` ${params.state}` : ""}`);
        const issue = this.issues.find((i) => i.number === params.issue_number);
        if (!issue) throw Object.assign(new Error("Not Found"), { status: 404 });
        if (params.body !== undefined) checkBody(params.body);
        const { issue_number: _, ...changes } = params;
        Object.assign(issue, changes);
        return { data: structuredClone(issue) };
      },
    },
  };
}

/** actions/github-script's `core`, recording what the scripts report. */
export function recordingCore() {
  const messages: { level: "info" | "warning" | "failed"; text: string }[] = [];
  return {
    messages,
    info: (text: string) => void messages.push({ level: "info", text }),
    warning: (text: string) => void messages.push({ level: "warning", text }),
    setFailed: (text: string) => void messages.push({ level: "failed", text }),
  };
}

export function workflowContext(pullRequestNumber?: number) {
  return {
    serverUrl: "https://github.com",
    runId: 4242,
    repo: { owner: "acme", repo: "polar-webhooks" },
    payload:
      pullRequestNumber === undefined
        ? {}
        : { pull_request: { number: pullRequestNumber, head: { sha: "0123456789abcdef0123" } } },
  };
}
