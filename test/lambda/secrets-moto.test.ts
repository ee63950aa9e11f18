/**
 * The secret cache and its TTL against moto's SSM (a SecureString, read with decryption), not a stub: the value
 * changes in SSM, the receiver keeps the one it read until the TTL has passed, then reads the new one.
 */
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import type { CandidateKey } from "../../lambda";
import { SsmSecretProvider } from "../../lambda/aws-sdk";
import { useMoto } from "../support/moto";
import { DUMMY_AWS, standardSecret } from "./support";

const moto = useMoto();
/** docs/receiver.md: the secret parameter is cached for 5 minutes. */
const FIVE_MINUTES_MS = 5 * 60 * 1000;

async function putSecrets(name: string, current: string, previous: string | null) {
  await moto.ssm.send(
    new PutParameterCommand({
      Name: name,
      Type: "SecureString",
      Value: JSON.stringify({ current, previous }),
      Overwrite: true,
    }),
  );
}

/** The standard-scheme keys' bytes by slot: a Standard Webhooks secret's key is the base64 after `whsec_`. */
function standardKeys(keys: readonly CandidateKey[]) {
  return Object.fromEntries(
    keys
      .filter((k) => k.scheme === "standard")
      .map((k) => [k.slot, k.key.export().toString("base64")]),
  );
}
const keyOf = (secret: string) => secret.slice("whsec_".length);

describe("Class: SsmSecretProvider, against moto's SSM", () => {
  it("serves what it read until the TTL has passed, then what SSM holds now (a cleared previous is revoked)", async () => {
    // Prepare
    const [first, old, second] = [standardSecret(), standardSecret(), standardSecret()];
    await putSecrets("/polar/webhook-secret", first, old);
    let now = 1_000_000;
    const provider = new SsmSecretProvider({
      parameterName: "/polar/webhook-secret",
      clientConfig: { ...DUMMY_AWS, endpoint: moto.endpoint },
      now: () => now,
    });
    // Act, Assess
    expect(standardKeys(await provider.getKeys())).toEqual({
      current: keyOf(first),
      previous: keyOf(old),
    });
    await putSecrets("/polar/webhook-secret", second, null);
    now += FIVE_MINUTES_MS - 1_000;
    expect(standardKeys(await provider.getKeys())).toEqual({
      current: keyOf(first),
      previous: keyOf(old),
    });
    now += 2_000;
    expect(standardKeys(await provider.getKeys())).toEqual({ current: keyOf(second) });
  });
});
