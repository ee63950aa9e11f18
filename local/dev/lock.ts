/**
 * One `npm run dev` per cache directory: a second one would take over (and, on exit, destroy) the
 * first one's local stack. The lock is a file holding the pid; a lock whose process is gone is
 * stale and taken over.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalStackSettings } from "./stack";

export class AlreadyRunningError extends Error {
  constructor(pid: number, directory: string) {
    super(
      `npm run dev is already running (pid ${pid}) with ${directory}: stop it first, ` +
        "or give a second one its own POLAR_WEBHOOKS_CACHE directory",
    );
    this.name = "AlreadyRunningError";
  }
}

/** Takes the lock; returns its release. */
export function acquireDevLock(settings: LocalStackSettings): () => void {
  const file = join(settings.directory, "dev.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx", mode: 0o600 });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new AlreadyRunningError(pid, settings.directory);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
