// Prints one plain closing line ("tests: N passed, N failed, N skipped") after vitest's own summary, so CI logs state
// the count in a runner-neutral form, and the slowest files, so the next regression in the suite's time shows.

type Task = {
  type: string;
  name?: string;
  filepath?: string;
  mode?: string;
  result?: { state?: string; duration?: number };
  collectDuration?: number;
  setupDuration?: number;
  tasks?: Task[];
};

export const SLOWEST_SHOWN = 10;

export function countTests(files: readonly Task[]): {
  passed: number;
  failed: number;
  skipped: number;
} {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  // A test that never ran because its file or a suite around it failed (say, in beforeAll) is a failure.
  const visit = (task: Task, enclosingFailed: boolean) => {
    const failed = enclosingFailed || (task.type !== "test" && task.result?.state === "fail");
    if (task.tasks) task.tasks.forEach((child) => visit(child, failed));
    if (task.type !== "test") return;
    const state = task.result?.state;
    if (state === "pass") counts.passed++;
    else if (state === "fail" || (failed && task.mode !== "skip" && task.mode !== "todo"))
      counts.failed++;
    else counts.skipped++;
  };
  files.forEach((file) => visit(file, false));
  // A file that failed to load has no tests but is a failure.
  counts.failed += files.filter(
    (f) => f.result?.state === "fail" && !(f.tasks && f.tasks.length),
  ).length;
  return counts;
}

/** A file's own time: loading its modules, its set-up file, then its tests and hooks. */
function fileMs(file: Task): number {
  return (file.collectDuration ?? 0) + (file.setupDuration ?? 0) + (file.result?.duration ?? 0);
}

export function slowestFiles(files: readonly Task[], root: string): string[] {
  return [...files]
    .sort((a, b) => fileMs(b) - fileMs(a))
    .slice(0, SLOWEST_SHOWN)
    .map((f) => {
      const name = (f.filepath ?? f.name ?? "?").replace(`${root}/`, "");
      return `${(fileMs(f) / 1000).toFixed(1).padStart(6)} s  ${name}`;
    });
}

export default class SummaryReporter {
  onFinished(files: Task[] = []): void {
    const slowest = slowestFiles(files, process.cwd());
    if (slowest.length > 0) {
      console.log(`\nslowest ${slowest.length} test files:\n${slowest.join("\n")}`);
    }
    const counts = countTests(files);
    console.log(
      `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    );
  }
}
