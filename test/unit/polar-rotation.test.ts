// rotationInstant: which clock `secretRotatedAt` comes from.
import { describe, expect, it } from "vitest";
import { rotationInstant } from "../../providers/polar";

const NOW = new Date("2026-11-24T12:00:00.000Z");

describe("Function: rotationInstant", () => {
  it("takes Polar's modified_at of the reset, normalized to a UTC instant in milliseconds", () => {
    expect(rotationInstant("2026-11-24T11:59:58.123456Z", "2026-11-20T08:00:00Z", NOW)).toBe(
      "2026-11-24T11:59:58.123Z",
    );
    expect(rotationInstant("2026-11-24T13:59:58+02:00", null, NOW)).toBe(
      "2026-11-24T11:59:58.000Z",
    );
  });

  it("falls back to the provider's clock when modified_at is missing or not an instant", () => {
    for (const modifiedAt of [null, undefined, "", "yesterday", "2026-11-24"])
      expect(rotationInstant(modifiedAt, "2026-11-20T08:00:00Z", NOW)).toBe(NOW.toISOString());
  });

  it("falls back to the provider's clock when modified_at predates the state last recorded", () => {
    expect(rotationInstant("2026-11-19T08:00:00Z", "2026-11-20T08:00:00Z", NOW)).toBe(
      NOW.toISOString(),
    );
    // Equal is possible (same microsecond is not, but a truncated clock could): accepted.
    expect(rotationInstant("2026-11-20T08:00:00Z", "2026-11-20T08:00:00Z", NOW)).toBe(
      "2026-11-20T08:00:00.000Z",
    );
  });
});
