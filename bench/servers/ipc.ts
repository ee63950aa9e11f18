/** How a bench server talks to the section that started it: its address, then its CPU time. */
import { CPU_USAGE_REQUEST } from "../lib/processes";

/** Sends the address, answers CPU-time requests, and exits when the section goes away. */
export function announce(ready: object, stop: () => void): void {
  process.on("message", (message) => {
    if (message === CPU_USAGE_REQUEST) {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMs: (user + system) / 1000 });
    }
  });
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.on("disconnect", stop);
  process.send?.(ready);
}
