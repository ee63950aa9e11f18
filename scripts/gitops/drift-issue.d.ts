// Types for drift-issue.js (plain CommonJS so actions/github-script can require it without a build).
import type { WorkflowContext, WorkflowCore } from "./shared";

export interface Issue {
  readonly number: number;
  readonly state?: string;
  readonly title?: string;
  readonly body?: string | null;
  readonly user?: { readonly login: string; readonly type: string } | null;
  readonly pull_request?: unknown;
}

export type DriftPlan =
  | { action: "none" }
  | { action: "create"; title: string; body: string; labels: string[]; issueNumber?: number }
  | { action: "update"; issueNumber: number; title: string; body: string }
  | { action: "close"; issueNumber: number; comment: string }
  | { action: "fail"; message: string };

/** The slice of an Octokit client (github-script's `github`) that the drift report needs. */
export interface IssuesApi {
  paginate<P, T>(method: (params: P) => Promise<{ data: T[] }>, params: P): Promise<T[]>;
  rest: {
    issues: {
      listForRepo(params: {
        owner: string;
        repo: string;
        state?: "open" | "closed" | "all";
        per_page?: number;
        page?: number;
      }): Promise<{ data: Issue[] }>;
      create(params: {
        owner: string;
        repo: string;
        title: string;
        body: string;
        labels?: string[];
      }): Promise<{ data: Issue }>;
      update(params: {
        owner: string;
        repo: string;
        issue_number: number;
        title?: string;
        body?: string;
        state?: "open" | "closed";
        state_reason?: "completed" | "not_planned" | "reopened";
      }): Promise<{ data: Issue }>;
      createComment(params: {
        owner: string;
        repo: string;
        issue_number: number;
        body: string;
      }): Promise<{ data: { id: number } }>;
    };
  };
}

export declare const DRIFT_LABEL: string;
export declare function driftMarker(stack: string): string;
export declare function driftIssueTitle(stack: string): string;
export declare function findDriftIssue<I extends Issue>(
  issues: readonly I[],
  stack: string,
): I | undefined;
export declare function buildDriftIssueBody(args: {
  stack: string;
  output: string;
  runUrl: string;
  checkedAt: string;
}): string;
export declare function planDriftIssue(args: {
  stack: string;
  exitCode: number | null;
  output: string;
  existing: Issue | undefined;
  runUrl: string;
  checkedAt: string;
}): DriftPlan;
export declare function reportDrift(args: {
  github: IssuesApi;
  context: WorkflowContext;
  core: WorkflowCore;
  stack: string;
  directory: string;
  now?: Date;
}): Promise<DriftPlan>;
