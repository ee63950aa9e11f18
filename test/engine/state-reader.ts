/**
 * The stack's state as `pulumi stack export --show-secrets` prints it, read from the file backend's checkpoint and
 * decrypted here, with Pulumi's own scheme (passphrase secrets: PBKDF2-SHA256, 1,000,000 rounds, over the salt the
 * checkpoint records; values AES-256-GCM, `v1:<nonce>:<ciphertext>`). The key is derived once per stack, where every
 * CLI start derives it again: the tests inspect state after nearly every step.
 */
import { createDecipheriv, pbkdf2Sync } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { SECRET_SIGNATURE } from "../../cli/state";

const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export interface StateLocation {
  /** The file backend's directory (`file://<backendDir>`). */
  readonly backendDir: string;
  readonly projectName: string;
  readonly stackName: string;
  readonly passphrase: string;
}

interface Checkpoint {
  readonly version: number;
  readonly checkpoint: {
    readonly latest?: {
      readonly secrets_providers?: { readonly state?: { readonly salt?: string } };
      readonly [key: string]: unknown;
    };
  };
}

const keys = new Map<string, Buffer>();

function keyFor(passphrase: string, salt: string): Buffer {
  const cacheKey = `${passphrase}\0${salt}`;
  let key = keys.get(cacheKey);
  if (!key) {
    // "v1:<base64 salt>:<a value encrypted with the key, to check the passphrase>"
    key = pbkdf2Sync(
      passphrase,
      Buffer.from(salt.split(":")[1] ?? "", "base64"),
      1_000_000,
      32,
      "sha256",
    );
    keys.set(cacheKey, key);
  }
  return key;
}

export function decryptValue(ciphertext: string, key: Buffer): string {
  const [version, nonce, sealed] = ciphertext.split(":");
  if (version !== "v1" || nonce === undefined || sealed === undefined) {
    throw new Error(`not a Pulumi passphrase ciphertext: ${ciphertext.slice(0, 12)}…`);
  }
  const bytes = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([
    decipher.update(bytes.subarray(0, bytes.length - 16)),
    decipher.final(),
  ]).toString("utf8");
}

/** Secrets as `--show-secrets` prints them: `{ <sig>: <secret sig>, plaintext: <the value as JSON> }`. */
function reveal(value: unknown, key: () => Buffer): unknown {
  if (Array.isArray(value)) return value.map((item) => reveal(item, key));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIGNATURE] === SECRET_SIG_VALUE && typeof record.ciphertext === "string") {
    return {
      [SECRET_SIGNATURE]: SECRET_SIG_VALUE,
      plaintext: decryptValue(record.ciphertext, key()),
    };
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, reveal(v, key)]));
}

/** What `pulumi stack export --show-secrets` prints for the stack, from the checkpoint on disk. */
export async function exportFromDisk(
  location: StateLocation,
): Promise<{ version: number; deployment: unknown }> {
  const file = join(
    location.backendDir,
    ".pulumi",
    "stacks",
    location.projectName,
    `${location.stackName}.json`,
  );
  const checkpoint = JSON.parse(await readFile(file, "utf8")) as Checkpoint;
  const latest = checkpoint.checkpoint.latest ?? {};
  const salt = latest.secrets_providers?.state?.salt;
  const key = () => {
    if (salt === undefined)
      throw new Error(`${file}: a secret, but no passphrase salt in the checkpoint`);
    return keyFor(location.passphrase, salt);
  };
  return { version: 3, deployment: reveal(latest, key) };
}
