// The prod example stack during a rotation: a 7-day grace period, then the same rotation ended early with 0.
import { describe } from "vitest";
import { describeRotation } from "./rotation-stack";

describe("Program: prod stack, rotated, rotationGraceHours 168", () => {
  describeRotation({
    stack: "prod",
    config: {
      "polar:accessToken": "polar_oat_prodToken",
      "polar-webhooks:rotationGraceHours": 168,
    },
    secretKeys: ["polar:accessToken"],
    previousExpiresAt: "2026-12-01T09:30:00.000Z",
  });
});
