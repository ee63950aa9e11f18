/**
 * The fuzzer's raw material: the secrets (derived from the seed), realistic Polar bodies, and a
 * mutable draft of one delivery that mutations edit before it is turned into an API Gateway
 * request. Drafts only generate requests: what the receiver must answer is decided afresh from the
 * final request by the contract (contract.ts).
 */
import { sampleWebhookPayload, WEBHOOK_EVENT_TYPES } from "../emulators/polar";
import { signature, tripleKey, type FuzzRequest, type SignedTriple } from "./contract";
import type { Prng } from "./prng";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export interface FuzzSecrets {
  /** Standard format (`whsec_` + base64 of 32 bytes), as Polar generates since 2026-09-08. */
  readonly current: string;
  /** Legacy format (`whsec_` + 43 alphanumerics), as before. */
  readonly previous: string;
  /** Both keys of each: the receiver holds all four (a legacy secret still base64-decodes). */
  readonly accepted: readonly Buffer[];
  /** Secrets the receiver does not hold, and their keys. */
  readonly strangerSecrets: readonly string[];
  readonly strangers: readonly Buffer[];
}

function keysOf(secret: string): Buffer[] {
  return [Buffer.from(secret.slice("whsec_".length), "base64"), Buffer.from(secret, "utf8")];
}

function legacySecret(rng: Prng): string {
  return `whsec_${Array.from({ length: 43 }, () => rng.pick([...ALPHANUMERIC])).join("")}`;
}

export function fuzzSecrets(rng: Prng): FuzzSecrets {
  const current = `whsec_${rng.bytes(32).toString("base64")}`;
  const previous = legacySecret(rng);
  const strangerSecrets = [`whsec_${rng.bytes(32).toString("base64")}`, legacySecret(rng)];
  return {
    current,
    previous,
    accepted: [...keysOf(current), ...keysOf(previous)],
    strangerSecrets,
    strangers: strangerSecrets.flatMap(keysOf),
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * One payload per Polar event type, as the emulator renders them, with the random ids replaced by
 * the seed's (so a seed reproduces every byte) and non-ASCII text so byte-exact checks mean
 * something. BMP only: fauxqs 2.4.1 refuses characters above U+FFFF that real SQS accepts.
 */
export function polarBodies(rng: Prng, nowMs: number): Buffer[] {
  return WEBHOOK_EVENT_TYPES.map((type) => {
    const text = sampleWebhookPayload(type, {
      organizationId: rng.uuid(),
      now: new Date(nowMs),
      data: { metadata: { note: "Zoë Ågren — café ✓ 日本語" } },
    }).replace(UUID, () => rng.uuid());
    return Buffer.from(text, "utf8");
  });
}

export type HeaderField = "id" | "timestamp" | "signature";

export const HEADER_NAMES: Record<HeaderField, string> = {
  id: "webhook-id",
  timestamp: "webhook-timestamp",
  signature: "webhook-signature",
};

/** One delivery being built; mutations edit it in place. */
export interface Draft {
  method: string | undefined;
  id: string;
  timestamp: string;
  body: Buffer;
  /** The event has no body field at all (not even ""). */
  bodyAbsent: boolean;
  signature: string;
  /** How each webhook header's name is spelled (API Gateway lower-cases; other callers may not). */
  readonly names: Record<HeaderField, string>;
  readonly omitted: Set<HeaderField>;
  /** Sent after the webhook headers, e.g. noise or a second spelling of an unrelated header. */
  readonly extraHeaders: [string, string][];
  noHeaders: boolean;
  /** How `body` is carried, and what isBase64Encoded says (they may disagree on purpose). */
  encoding: "utf8" | "base64";
  base64Flag: boolean | undefined;
  readonly labels: string[];
}

/** Signs like Polar; remembers every triple signed with a key the receiver holds. */
export class Signer {
  readonly #signed = new Set<string>();

  constructor(readonly secrets: FuzzSecrets) {}

  sign(draft: Draft, rng: Prng): void {
    draft.signature = this.signWith(rng.pick(this.secrets.accepted), draft);
    this.#signed.add(tripleKey(draft));
  }

  /** A signature a stranger (or an outdated derivation) made: never remembered as signed. */
  signAsStranger(draft: Draft, rng: Prng): string {
    return this.signWith(rng.pick(this.secrets.strangers), draft);
  }

  signWith(key: Buffer, draft: Pick<Draft, "id" | "timestamp" | "body">): string {
    return signature(key, draft.id, draft.timestamp, draft.body);
  }

  /** Whether a holder of the receiver's secrets ever signed exactly this. */
  wasSigned(triple: SignedTriple): boolean {
    return this.#signed.has(tripleKey(triple));
  }
}

export function newDraft(
  rng: Prng,
  signer: Signer,
  bodies: readonly Buffer[],
  nowSeconds: number,
): Draft {
  const draft: Draft = {
    method: "POST",
    id: rng.uuid(),
    timestamp: String(nowSeconds - rng.int(0, 5)),
    body: rng.pick(bodies),
    bodyAbsent: false,
    signature: "",
    names: { ...HEADER_NAMES },
    omitted: new Set(),
    extraHeaders: [],
    noHeaders: false,
    encoding: "utf8",
    base64Flag: false,
    labels: [],
  };
  signer.sign(draft, rng);
  return draft;
}

const BASE_HEADERS: readonly (readonly [string, string])[] = [
  ["content-type", "application/json"],
  ["user-agent", "polar.sh webhooks"],
  ["x-forwarded-for", "3.134.238.10"],
];

export function toRequest(draft: Draft): FuzzRequest {
  const values: Record<HeaderField, string> = {
    id: draft.id,
    timestamp: draft.timestamp,
    signature: draft.signature,
  };
  const webhook = (Object.keys(values) as HeaderField[])
    .filter((field) => !draft.omitted.has(field))
    .map((field) => [draft.names[field], values[field]] as const);
  return {
    method: draft.method,
    headers: draft.noHeaders ? undefined : [...BASE_HEADERS, ...webhook, ...draft.extraHeaders],
    body: draft.bodyAbsent ? undefined : draft.body.toString(draft.encoding),
    isBase64Encoded: draft.base64Flag,
  };
}
