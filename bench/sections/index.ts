/**
 * The sections of `npm run bench`, in the order they print. Each runs in a process of its own
 * (bench/run-section.ts), loaded lazily so one section's dependencies do not weigh on another.
 * Adding a section is one line here.
 */
import type { SectionModule } from "../lib/report";

export type { SectionModule, SectionOptions } from "../lib/report";

export interface SectionEntry {
  readonly name: string;
  readonly load: () => Promise<SectionModule>;
}

export const SECTIONS: readonly SectionEntry[] = [
  { name: "verify", load: () => import("./verify.js") },
  { name: "receiver", load: () => import("./receiver.js") },
  { name: "cold-init", load: () => import("./cold-init.js") },
  { name: "provider", load: () => import("./provider.js") },
  { name: "pipeline", load: () => import("./pipeline.js") },
  { name: "consumer", load: () => import("./consumer.js") },
  // The receiver fuzzer of npm test (test/adversarial), at 100,000 cases (10,000 with --quick).
  {
    name: "fuzz",
    load: async () => {
      const { receiverFuzzSection, runFuzzTest } = await import("../lib/fuzz-section.js");
      return receiverFuzzSection(runFuzzTest);
    },
  },
];

export function findSection(name: string): SectionEntry {
  const entry = SECTIONS.find((section) => section.name === name);
  if (!entry) {
    throw new Error(
      `no bench section "${name}"; the sections are: ${SECTIONS.map((s) => s.name).join(", ")}`,
    );
  }
  return entry;
}
