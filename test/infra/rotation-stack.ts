// The program under mocks in the middle of a rotation: the WebhookEndpoint mock reports a previous secret and
// `secretRotatedAt` (MOCK_ROTATED_AT) for an endpoint with `secretRotation`, as after the `up` that rotated it.
// One stack per test file (setMocks is process-global): rotation-dev.test.ts and rotation-prod.test.ts.
import { beforeAll, expect, it } from "vitest";
import {
  ENDPOINT_TYPE,
  installMocks,
  isSecretWrapper,
  MOCK_ROTATED_AT,
  named,
  ofType,
  one,
  readStackFile,
  settle,
  valueOf,
  type Harness,
} from "./support";

export interface RotationCase {
  readonly stack: "dev" | "prod";
  /** Added to the example stack file, e.g. the grace period. */
  readonly config: Record<string, unknown>;
  readonly secretKeys?: readonly string[];
  /** `previousExpiresAt` the program must write; null: the previous secret is not written. */
  readonly previousExpiresAt: string | null;
}

export function describeRotation(rotation: RotationCase): void {
  let harness: Harness;
  let program: typeof import("../../infra/index");
  const endpointName = `polar-webhooks-${rotation.stack}-endpoint`;

  beforeAll(async () => {
    harness = await installMocks(
      rotation.stack,
      {
        ...readStackFile(rotation.stack),
        "polar-webhooks:secretRotation": "2026-11",
        ...rotation.config,
      },
      rotation.secretKeys,
    );
    program = await import("../../infra/index.js");
    await valueOf(program.webhookUrl);
    await settle();
  });

  it("passes the marker to the endpoint and exports when the rotation took effect", async () => {
    expect(named(harness, ENDPOINT_TYPE, endpointName).inputs.secretRotation).toBe("2026-11");
    expect(await valueOf(program.secretRotatedAt)).toBe(MOCK_ROTATED_AT);
  });

  it("writes {current, previous, previousExpiresAt} into the secret SecureString", () => {
    const parameter = one(harness, "aws:ssm/parameter:Parameter");
    expect(parameter.inputs.type).toBe("SecureString");
    expect(isSecretWrapper(parameter.inputs.value)).toBe(true);
    const stored = JSON.parse((parameter.inputs.value as { value: string }).value);
    expect(stored).toEqual({
      current: harness.secrets.get(endpointName),
      previous:
        rotation.previousExpiresAt === null ? null : harness.previousSecrets.get(endpointName),
      previousExpiresAt: rotation.previousExpiresAt,
    });
    expect(stored.current).toMatch(/^whsec_/);
  });

  it("puts neither secret into any Lambda's environment", () => {
    const functions = ofType(harness, "aws:lambda/function:Function");
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      for (const secret of [...harness.secrets.values(), ...harness.previousSecrets.values()]) {
        expect(JSON.stringify(fn.inputs)).not.toContain(secret);
      }
    }
  });
}
