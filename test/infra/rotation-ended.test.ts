// A rotation ended early: rotationGraceHours 0 (string form, as `pulumi config set` stores it) drops the previous
// secret from the SSM value.
import { describe } from "vitest";
import { describeRotation } from "./rotation-stack";

describe("Program: prod stack, rotated, rotationGraceHours 0", () => {
  describeRotation({
    stack: "prod",
    config: {
      "polar:accessToken": "polar_oat_prodToken",
      "polar-webhooks:rotationGraceHours": "0",
    },
    secretKeys: ["polar:accessToken"],
    previousExpiresAt: null,
  });
});
