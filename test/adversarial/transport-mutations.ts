/** Transport mutations: the signature header, other headers, body encoding and method. */
import type { Draft, HeaderField } from "./drafts";
import type { Mutation, MutationContext } from "./mutations";
import type { Prng } from "./prng";

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The base64 part of the first `v1,` entry (the genuine one unless a mutation replaced it). */
function splitFirstV1(header: string): { before: string; value: string; after: string } {
  const start = header.indexOf("v1,");
  if (start < 0) return { before: header, value: "", after: "" };
  const valueStart = start + 3;
  const end = header.slice(valueStart).search(/[ ,]/);
  const valueEnd = end < 0 ? header.length : valueStart + end;
  return {
    before: header.slice(0, valueStart),
    value: header.slice(valueStart, valueEnd),
    after: header.slice(valueEnd),
  };
}

function editSignatureValue(draft: Draft, edit: (value: string) => string): void {
  const { before, value, after } = splitFirstV1(draft.signature);
  draft.signature = before + edit(value) + after;
}

function decoys(draft: Draft, { rng, signer }: MutationContext): string[] {
  const genuine = draft.signature.slice(3);
  const count = rng.int(1, 5);
  return Array.from({ length: count }, () =>
    rng.weighted<() => string>([
      [() => `v1,${rng.bytes(32).toString("base64")}`, 3],
      [() => signer.signAsStranger(draft, rng), 3],
      [() => `${rng.pick(["v1a", "v2", "V1", "v0"])},${genuine}`, 3],
      [() => `v1a,${rng.bytes(64).toString("base64")}`, 1],
      [() => signer.signWith(rng.pick(signer.secrets.accepted), { ...draft, id: rng.uuid() }), 2],
    ])(),
  );
}

export const SIGNATURE_MUTATIONS: Mutation[] = [
  {
    name: "signature.flip-char",
    phase: "transport",
    weight: 6,
    apply: (d, { rng }) =>
      editSignatureValue(d, (value) => {
        if (value.length === 0) return "A";
        const at = rng.int(0, value.length - 1);
        const others = [...BASE64].filter((c) => c !== value[at]);
        return value.slice(0, at) + rng.pick(others) + value.slice(at + 1);
      }),
  },
  {
    // Same 32 bytes, other text: the 43rd character carries 2 unused bits.
    name: "signature.non-canonical-base64",
    phase: "transport",
    weight: 3,
    apply: (d, { rng }) =>
      editSignatureValue(d, (value) => {
        if (value.length !== 44) return value;
        const index = BASE64.indexOf(value[42]!);
        const changed = (index & ~3) | ((index & 3) ^ rng.int(1, 3));
        return value.slice(0, 42) + BASE64[changed] + value.slice(43);
      }),
  },
  {
    name: "signature.unpadded",
    phase: "transport",
    weight: 2,
    apply: (d) => editSignatureValue(d, (value) => value.replace(/=+$/, "")),
  },
  {
    name: "signature.truncated",
    phase: "transport",
    weight: 3,
    apply: (d, { rng }) => (d.signature = d.signature.slice(0, rng.int(0, d.signature.length - 1))),
  },
  {
    name: "signature.version",
    phase: "transport",
    weight: 4,
    apply: (d, { rng }) =>
      (d.signature = d.signature.replace(
        /^v1/,
        rng.pick(["v1a", "v2", "V1", "v0", "v", "v11", " v1", "v1 ", "\tv1"]),
      )),
  },
  {
    name: "signature.no-comma",
    phase: "transport",
    weight: 2,
    apply: (d, { rng }) => (d.signature = d.signature.replace(/^v1,/, rng.pick(["v1", "v1;"]))),
  },
  {
    name: "signature.empty",
    phase: "transport",
    weight: 1,
    apply: (d, { rng }) => (d.signature = rng.pick(["", "v1,", "v1", " ", ","])),
  },
  {
    name: "signature.valid-among-decoys",
    phase: "transport",
    weight: 6,
    apply: (d, context) => {
      const entries = context.rng.shuffle([d.signature, ...decoys(d, context)]);
      d.signature = entries.join(context.rng.pick([" ", " ", " ", "  "]));
    },
  },
  {
    name: "signature.decoys-only",
    phase: "transport",
    weight: 5,
    apply: (d, context) => (d.signature = decoys(d, context).join(" ")),
  },
  {
    name: "signature.stranger-secret",
    phase: "transport",
    weight: 4,
    apply: (d, { rng, signer }) => (d.signature = signer.signAsStranger(d, rng)),
  },
  {
    // standardwebhooks takes the second comma-separated part and ignores the rest.
    name: "signature.extra-parts",
    phase: "transport",
    weight: 2,
    apply: (d, { rng }) => (d.signature += `,${rng.pick(["", "v1", "AAAA", "x,y"])}`),
  },
  {
    name: "signature.separator",
    phase: "transport",
    weight: 2,
    apply: (d, context) =>
      (d.signature = [...decoys(d, context), d.signature].join(
        context.rng.pick(["\t", ", ", ",", ";", "\n"]),
      )),
  },
  {
    name: "signature.other-encoding",
    phase: "transport",
    weight: 2,
    apply: (d, { rng }) =>
      editSignatureValue(d, (value) => {
        const bytes = Buffer.from(value, "base64");
        return rng.pick([
          bytes.toString("hex"),
          bytes.toString("base64url"),
          value.toLowerCase(),
          ` ${value}`,
        ]);
      }),
  },
];

const HEADER_FIELDS: readonly HeaderField[] = ["id", "timestamp", "signature"];

function randomCase(name: string, rng: Prng): string {
  return [...name].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c)).join("");
}

export const TRANSPORT_MUTATIONS: Mutation[] = [
  {
    name: "headers.casing",
    phase: "transport",
    weight: 4,
    apply: (d, { rng }) => {
      for (const field of HEADER_FIELDS) d.names[field] = randomCase(d.names[field], rng);
    },
  },
  {
    // API Gateway joins a repeated header's values with commas.
    name: "headers.duplicate",
    phase: "transport",
    weight: 5,
    apply: (d, context) => {
      const { rng } = context;
      const field = rng.pick(HEADER_FIELDS);
      const own = { id: d.id, timestamp: d.timestamp, signature: d.signature }[field];
      const other = {
        id: rng.pick([d.id, rng.uuid()]),
        timestamp: rng.pick([d.timestamp, String(context.nowSeconds)]),
        signature: rng.pick([d.signature, ...decoys(d, context)]),
      }[field];
      const joined = rng.chance(0.5) ? `${own},${other}` : `${other},${own}`;
      if (field === "id") d.id = joined;
      else if (field === "timestamp") d.timestamp = joined;
      else d.signature = joined;
    },
  },
  {
    name: "headers.missing",
    phase: "transport",
    weight: 3,
    apply: (d, { rng }) => d.omitted.add(rng.pick(HEADER_FIELDS)),
  },
  {
    name: "headers.none",
    phase: "transport",
    weight: 0.5,
    apply: (d) => (d.noHeaders = true),
  },
  {
    name: "headers.noise",
    phase: "transport",
    weight: 2,
    apply: (d, { rng }) =>
      d.extraHeaders.push(
        rng.pick<[string, string]>([
          ["x-webhook-signature", d.signature],
          ["webhook-signature-2", "v1,AAAA"],
          ["svix-id", rng.uuid()],
          ["Content-Type", "text/plain"],
          ["webhook-api-version", "2026-04"],
        ]),
      ),
  },
  {
    name: "encoding.base64",
    phase: "transport",
    weight: 5,
    apply: (d) => {
      d.encoding = "base64";
      d.base64Flag = true;
    },
  },
  {
    name: "encoding.flag-mismatch",
    phase: "transport",
    weight: 4,
    apply: (d, { rng }) => {
      d.encoding = rng.pick(["utf8", "base64"] as const);
      d.base64Flag = d.encoding === "utf8" ? rng.pick([true, true, undefined]) : false;
    },
  },
  {
    name: "method.other",
    phase: "transport",
    weight: 3,
    apply: (d, { rng }) =>
      (d.method = rng.pick(["GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "", "POST "])),
  },
  {
    name: "method.no-request-context",
    phase: "transport",
    weight: 0.5,
    apply: (d) => (d.method = undefined),
  },
];
