/**
 * vitest runner: the standard one, plus the secret sweep once a test has finished and before its
 * afterEach hooks run, so what a test wrote is scanned before its cleanup removes it. A finding
 * fails that test (label and place, never the value).
 */
import type { RunnerTestCase } from "vitest";
import { VitestTestRunner } from "vitest/runners";
import { expectCleanSweep } from "./secret-sweep.js";

export default class SecretScanningRunner extends VitestTestRunner {
  async onTaskFinished(_test: RunnerTestCase): Promise<void> {
    await expectCleanSweep();
  }
}
