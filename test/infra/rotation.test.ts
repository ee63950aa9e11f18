// The SSM value after a rotation, as pure functions: signingSecretsFor (from the endpoint's outputs and the grace
// period) and secretParameterValue (its JSON), read back by the receiver's own parser.
import { describe, expect, it } from "vitest";
import { secretParameterValue } from "../../infra/ingress";
import { signingSecretsFor } from "../../infra/ingress";
import { parseSecretParameterValue } from "../../lambda/index";

const CURRENT = "whsec_Y3VycmVudC1zZWNyZXQtMzItYnl0ZXMtbG9uZy1rZXk=";
const PREVIOUS = "whsec_cHJldmlvdXMtc2VjcmV0LTMyLWJ5dGVzLWxvbmcta2V5";
const ROTATED_AT = "2026-11-24T09:30:00.123Z";

describe("Function: signingSecretsFor", () => {
  it("expires the previous secret grace hours after secretRotatedAt", () => {
    const endpoint = { secret: CURRENT, previousSecret: PREVIOUS, secretRotatedAt: ROTATED_AT };
    expect(signingSecretsFor(endpoint, 24)).toEqual({
      current: CURRENT,
      previous: PREVIOUS,
      previousExpiresAt: "2026-11-25T09:30:00.123Z",
    });
    expect(signingSecretsFor(endpoint, 168).previousExpiresAt).toBe("2026-12-01T09:30:00.123Z");
    expect(signingSecretsFor(endpoint, 1).previousExpiresAt).toBe("2026-11-24T10:30:00.123Z");
  });

  it("writes no previous secret before any rotation", () => {
    expect(signingSecretsFor({ secret: CURRENT }, 24)).toEqual({
      current: CURRENT,
      previous: null,
      previousExpiresAt: null,
    });
  });

  it("drops the previous secret with a grace of 0: it would be expired from the start", () => {
    expect(
      signingSecretsFor(
        { secret: CURRENT, previousSecret: PREVIOUS, secretRotatedAt: ROTATED_AT },
        0,
      ),
    ).toEqual({ current: CURRENT, previous: null, previousExpiresAt: null });
  });

  it("counts from modifiedAt for state without secretRotatedAt, and drops the secret without either", () => {
    const older = { secret: CURRENT, previousSecret: PREVIOUS, modifiedAt: "2026-11-24T09:30:00Z" };
    expect(signingSecretsFor(older, 2).previousExpiresAt).toBe("2026-11-24T11:30:00.000Z");
    expect(signingSecretsFor({ secret: CURRENT, previousSecret: PREVIOUS }, 2)).toEqual({
      current: CURRENT,
      previous: null,
      previousExpiresAt: null,
    });
  });

  it.each([-1, 169, 1.5, Number.NaN])(
    "refuses a grace of %s hours, naming the setting",
    (hours) => {
      expect(() => signingSecretsFor({ secret: CURRENT }, hours)).toThrowError(
        `rotationGraceHours must be a whole number of hours from 0 to 168, got ${hours}`,
      );
    },
  );
});

describe("Function: secretParameterValue", () => {
  it("writes the three fields the receiver parses, the expiry as an instant", () => {
    const value = secretParameterValue(
      signingSecretsFor(
        { secret: CURRENT, previousSecret: PREVIOUS, secretRotatedAt: ROTATED_AT },
        24,
      ),
    );
    expect(JSON.parse(value)).toEqual({
      current: CURRENT,
      previous: PREVIOUS,
      previousExpiresAt: "2026-11-25T09:30:00.123Z",
    });
    expect(parseSecretParameterValue(value)).toEqual({
      current: CURRENT,
      previous: PREVIOUS,
      previousExpiresAt: Date.parse("2026-11-25T09:30:00.123Z"),
    });
  });

  it("writes no expiry without a previous secret, and null for a caller that gave none", () => {
    expect(
      JSON.parse(secretParameterValue({ current: CURRENT, previousExpiresAt: ROTATED_AT })),
    ).toEqual({ current: CURRENT, previous: null, previousExpiresAt: null });
    expect(JSON.parse(secretParameterValue({ current: CURRENT, previous: PREVIOUS }))).toEqual({
      current: CURRENT,
      previous: PREVIOUS,
      previousExpiresAt: null,
    });
  });
});
