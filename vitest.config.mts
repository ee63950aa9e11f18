import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Engine tests drive the real Pulumi CLI and spawn provider hosts; they are slow on 2 cores but
    // bounded by their own per-operation limits. Timeouts here only stop a hung run.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Forks, not threads: the Pulumi runtime and the Automation API keep process-global state. One more file than
    // cores: most files are CPU-bound (the Pulumi CLI, provider hosts, bundling), but each also waits on its CLIs,
    // servers and backoffs, and the extra file fills those gaps.
    pool: "forks",
    poolOptions: { forks: { minForks: 1, maxForks: availableParallelism() + 1 } },
    reporters: ["default", "./test/summary-reporter.ts"],
    // One temporary root and a run marker; a process, port or directory left behind fails the run.
    globalSetup: ["./test/support/global-setup.ts"],
    // Secret scanning of what every test writes and prints (test/support/secret-sweep.ts).
    setupFiles: ["./test/support/secret-scan-setup.ts"],
    runner: "./test/support/secret-scan-runner.mts",
  },
});
