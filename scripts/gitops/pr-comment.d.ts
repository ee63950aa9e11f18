// Types for pr-comment.js (plain CommonJS so actions/github-script can require it without a build).
import type { WorkflowContext, WorkflowCore } from "./shared";

export interface PreviewSummary {
  readonly changes: { symbol: string; count: number; operation: string }[];
  readonly unchanged: number;
}

export interface IssueComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user?: { readonly login: string; readonly type: string } | null;
}

/** The slice of an Octokit client (github-script's `github`) that the comment needs. */
export interface CommentsApi {
  paginate<P, T>(method: (params: P) => Promise<{ data: T[] }>, params: P): Promise<T[]>;
  rest: {
    issues: {
      listComments(params: {
        owner: string;
        repo: string;
        issue_number: number;
        per_page?: number;
        page?: number;
      }): Promise<{ data: IssueComment[] }>;
      createComment(params: {
        owner: string;
        repo: string;
        issue_number: number;
        body: string;
      }): Promise<{ data: IssueComment }>;
      updateComment(params: {
        owner: string;
        repo: string;
        comment_id: number;
        body: string;
      }): Promise<{ data: IssueComment }>;
    };
  };
}

export declare function previewMarker(stack: string): string;
export declare function summarizePreview(output: string): PreviewSummary | undefined;
export declare function buildPreviewComment(args: {
  stack: string;
  output: string;
  exitCode: number | null;
  runUrl: string;
  commitSha: string;
}): string;
export declare function findStickyComment<C extends IssueComment>(
  comments: readonly C[],
  stack: string,
): C | undefined;
export declare function postPreviewComment(args: {
  github: CommentsApi;
  context: WorkflowContext;
  core: WorkflowCore;
  stack: string;
  directory: string;
}): Promise<{ action: "created" | "updated"; id: number }>;
