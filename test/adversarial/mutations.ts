/**
 * What the fuzzer does to a valid delivery. Each mutation edits a draft in one phase: `content`
 * (id, timestamp, body: the signed triple), then optionally a re-signature by the sender (so the
 * content change is genuinely signed), then `transport` (signature header, other headers, body
 * encoding, method), which no sender signs. None of them knows what the receiver should answer.
 */
import type { Draft, Signer } from "./drafts";
import type { Prng } from "./prng";
import { CONTENT_MUTATIONS, TIMESTAMP_MUTATIONS } from "./content-mutations";
import { SIGNATURE_MUTATIONS, TRANSPORT_MUTATIONS } from "./transport-mutations";

export interface MutationContext {
  readonly rng: Prng;
  readonly signer: Signer;
  readonly nowSeconds: number;
  readonly maxBodyBytes: number;
}

export interface Mutation {
  readonly name: string;
  readonly phase: "content" | "transport";
  readonly weight: number;
  /** For content mutations: how often the sender signs the result (default RESIGN_PROBABILITY). */
  readonly resign?: number;
  apply(draft: Draft, context: MutationContext): void;
}

/** Content edits the sender signs afresh this often by default; else the old signature stays. */
export const RESIGN_PROBABILITY = 0.4;

/** Every mutation the fuzzer draws from; the order is part of what a seed reproduces. */
export const MUTATIONS: readonly Mutation[] = [
  ...SIGNATURE_MUTATIONS,
  ...TIMESTAMP_MUTATIONS,
  ...CONTENT_MUTATIONS,
  ...TRANSPORT_MUTATIONS,
];
