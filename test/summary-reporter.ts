// Prints one plain closing line ("tests: N passed, N failed, N skipped") after vitest's own summary,
// so CI logs state the count in a runner-neutral form.

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

export default class SummaryReporter {
  onFinished(files: Task[] = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const visit = (task: Task) => {
      if (task.tasks) task.tasks.forEach(visit);
      if (task.type !== "test") return;
      const state = task.result?.state;
      if (state === "pass") counts.passed++;
      else if (state === "fail") counts.failed++;
      else counts.skipped++;
    };
    files.forEach(visit);
    // A file that failed to load has no tests but is a failure.
    counts.failed += files.filter(
      (f) => f.result?.state === "fail" && !(f.tasks && f.tasks.length),
    ).length;
    console.log(
      `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    );
  }
}
