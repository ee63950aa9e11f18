// The provider's event types must be the emulator's (written independently, from Polar's enum): a type only one
// side knows would pass our checks and be refused by Polar, or the other way round.
import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS } from "../../providers/polar";
import {
  WEBHOOK_EVENT_TYPES as EMULATOR_EVENT_TYPES,
  WEBHOOK_FORMATS as EMULATOR_FORMATS,
} from "../emulators/polar";

describe("WEBHOOK_EVENT_TYPES parity with the Polar emulator", () => {
  it("lists the same 42 event types in the same order", () => {
    expect(WEBHOOK_EVENT_TYPES).toHaveLength(42);
    expect([...WEBHOOK_EVENT_TYPES]).toEqual([...EMULATOR_EVENT_TYPES]);
  });

  it("lists the same payload formats", () => {
    expect([...WEBHOOK_FORMATS].sort()).toEqual([...EMULATOR_FORMATS].sort());
  });
});
