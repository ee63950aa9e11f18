/** Error message parts: a value shown short and without credentials, a field path as `[0].url`. */
import type { z } from "zod";

export interface StackConfigProblem {
  /** Full config key, e.g. `polar-webhooks:events`. */
  readonly key: string;
  /** One line: `<key>: <value> is invalid; <details; ><what is allowed>`. */
  readonly message: string;
}

export function problem(
  key: string,
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
  allowed: string,
): StackConfigProblem {
  // Our own checks (code "custom") and nested field checks explain what is wrong; a top-level type or range
  // mismatch is fully said by `allowed`, so zod's generic wording would only repeat it.
  const details = issues
    .filter((issue) => issue.code === "custom" || issue.path.length > 0)
    .map((issue) =>
      issue.path.length > 0 ? `${formatPath(issue.path)}: ${issue.message}` : issue.message,
    );
  const unique = [...new Set(details)];
  return {
    key,
    message: `${key}: ${display(key.endsWith(":extraEndpoints") ? redactUrls(value) : value)} is invalid; ${[...unique, allowed].join("; ")}`,
  };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === "number"
        ? `[${segment}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(segment))
          ? `${index === 0 ? "" : "."}${String(segment)}`
          : `[${JSON.stringify(String(segment))}]`,
    )
    .join("");
}

const MAX_DISPLAY = 200;

export function display(value: unknown): string {
  const text = value === undefined ? "(unset)" : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_DISPLAY ? `${text.slice(0, MAX_DISPLAY - 1)}…` : text;
}

/** Extra endpoint URLs may be Slack/Discord webhook URLs, i.e. credentials: never print them. */
function redactUrls(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((entry: unknown) =>
    entry !== null && typeof entry === "object" && "url" in entry
      ? { ...entry, url: "<redacted>" }
      : entry,
  );
}
