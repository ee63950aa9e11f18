// Types for shared.js (plain CommonJS so actions/github-script can require it without a build).

export declare const GITHUB_BODY_LIMIT: number;
export declare const BODY_BUDGET: number;

export interface CapturedResult {
  readonly output: string;
  /** null when the step that runs the command never finished. */
  readonly exitCode: number | null;
}

/** The parts of actions/github-script's `context` these scripts read. */
export interface WorkflowContext {
  readonly serverUrl: string;
  readonly runId: number;
  readonly repo: { readonly owner: string; readonly repo: string };
  readonly payload: {
    readonly pull_request?: { readonly number: number; readonly head: { readonly sha: string } };
  };
}

/** The parts of actions/github-script's `core` these scripts call. */
export interface WorkflowCore {
  info(message: string): void;
  warning(message: string): void;
  setFailed(message: string): void;
}

export declare function readCapturedResult(directory: string): Promise<CapturedResult>;
export declare function workflowRunUrl(context: WorkflowContext): string;
export declare function assertStackName(stack: string): void;
export declare function cleanOutput(text: string): string;
export declare function codeBlock(text: string, info?: string): string;
export declare function trimMiddle(
  text: string,
  budget: number,
): { text: string; trimmed: boolean; omittedLines: number };
export declare function bodyWithOutput(parts: {
  before: string;
  output: string;
  afterBlock?: string;
  trimmedNote: string;
  after: string;
}): string;
