// NoMatchingSignatureError is what every forged request ends in, so it is built without a stack
// trace (bench/sections/verify.ts: capturing one cost more than the HMACs). It must still be an
// ordinary error to everything that handles it, and leave the process's stack setting alone.
import { describe, expect, it } from "vitest";
import { InvalidSignatureError } from "../../lambda/errors";
import { NoMatchingSignatureError, OUTCOME, candidateKeys, verifyDelivery } from "../../lambda";
import { expectThrows, standardSecret, TestDelivery } from "./support";

describe("Class: NoMatchingSignatureError", () => {
  it("is an invalid signature (403) with its name and message, and no stack frames", () => {
    // Act
    const error = new NoMatchingSignatureError();
    // Assess
    expect(error).toBeInstanceOf(InvalidSignatureError);
    expect(error.outcome).toBe(OUTCOME.INVALID_SIGNATURE);
    expect(error.name).toBe("NoMatchingSignatureError");
    expect(error.message).toBe("No matching signature found");
    expect(error.stack?.split("\n").filter((line) => line.trim().startsWith("at "))).toEqual([]);
  });

  it("leaves Error.stackTraceLimit as it found it, so other errors keep their stacks", () => {
    // Prepare
    const before = Error.stackTraceLimit;
    // Act
    new NoMatchingSignatureError("x", { cause: new Error("cause") });
    const other = new Error("other");
    // Assess
    expect(Error.stackTraceLimit).toBe(before);
    expect(other.stack).toContain("    at ");
  });

  it("is what verifyDelivery throws for a delivery signed with another secret", () => {
    // Prepare
    const delivery = new TestDelivery({ secret: standardSecret() });
    const keys = candidateKeys({ current: standardSecret(), previous: null });
    // Act / Assess
    expectThrows(
      () => verifyDelivery(delivery.body, delivery.headers(), keys),
      NoMatchingSignatureError,
      "No matching signature found",
    );
  });
});
