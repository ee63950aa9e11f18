// The dev example stack during a rotation, with the default grace period (24 hours).
import { describe } from "vitest";
import { describeRotation } from "./rotation-stack";

describe("Program: dev stack, rotated, default rotationGraceHours", () => {
  describeRotation({ stack: "dev", config: {}, previousExpiresAt: "2026-11-25T09:30:00.000Z" });
});
