/**
 * What the fuzzer does to a valid delivery. Each mutation edits a draft in one phase: `content`
 * (id, timestamp, body: the signed triple), then optionally a re-signature by the sender (so the
 * content change is genuinely signed), then `transport` (signature header, other headers, body
 * encoding, method), which no sender signs. None of them knows what the receiver should answer.
 */
import { MAX_ID_LENGTH, MAX_TYPE_LENGTH } from "./contract";
import type { Draft, HeaderField, Signer } from "./drafts";
import type { Prng } from "./prng";

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

const SIGNATURE_MUTATIONS: Mutation[] = [
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

const TIMESTAMP_MUTATIONS: Mutation[] = [
  {
    name: "timestamp.edge",
    phase: "content",
    resign: 0.9,
    weight: 8,
    apply: (d, { rng, nowSeconds }) => {
      const sign = rng.pick([-1, 1]);
      const offset = rng.weighted<number>([
        [300, 4],
        [301, 4],
        [299, 1],
        [rng.int(302, 100_000), 1],
        [rng.int(0, 300), 1],
      ]);
      d.timestamp = String(nowSeconds + sign * offset);
    },
  },
  {
    name: "timestamp.format",
    phase: "content",
    resign: 0.85,
    weight: 4,
    apply: (d, { rng }) => {
      const ts = d.timestamp;
      d.timestamp = rng.pick([
        `0${ts}`,
        `00${ts}`,
        `000${ts}`,
        `+${ts}`,
        `-${ts}`,
        ` ${ts}`,
        `${ts} `,
        `${ts}.0`,
        `${ts}e0`,
        `0x${Number(ts).toString(16)}`,
        `${ts}000`,
        `${ts},${ts}`,
        "NaN",
        // Arabic-Indic and full-width digits: digits to Unicode, not to the contract.
        ts.replace(/[0-9]/g, (c) => String.fromCharCode(0x0660 + Number(c))),
        ts.replace(/[0-9]/g, (c) => String.fromCharCode(0xff10 + Number(c))),
      ]);
    },
  },
];

/** Characters for ids: what a header can carry (no controls), dots, Latin-1 and BMP letters. */
const ID_CHARACTERS = [..."abcXYZ0189-_.:~ ", "é", "ß", "✓", "日", "本", "Ω"];

const CONTENT_MUTATIONS: Mutation[] = [
  {
    name: "id.length-limit",
    phase: "content",
    resign: 0.9,
    weight: 4,
    apply: (d, { rng }) => {
      const length = rng.pick([MAX_ID_LENGTH - 1, MAX_ID_LENGTH, MAX_ID_LENGTH + 1, 300]);
      d.id = Array.from({ length }, () => rng.pick(ID_CHARACTERS)).join("");
      if (d.id.trim() === "") d.id = `x${d.id.slice(1)}`;
    },
  },
  {
    name: "id.dots-and-unicode",
    phase: "content",
    resign: 0.9,
    weight: 3,
    apply: (d, { rng }) =>
      (d.id = rng.pick([
        `${rng.uuid()}.${rng.uuid()}`,
        `evt.${d.timestamp}.${rng.int(0, 9)}`,
        `Zoë-${rng.uuid()}`,
        `✓日本-${rng.uuid()}`,
        ".",
        "..",
      ])),
  },
  {
    // Same signed text `id.ts.body` read with the boundaries moved: id `a.T2`, ts T, body B becomes
    // id `a`, ts `T2`, body `T.B`. Only the body check stands between this and a forgery.
    name: "id.resplit",
    phase: "content",
    resign: 0,
    weight: 2,
    apply: (d, { rng, signer, nowSeconds }) => {
      const head = rng.uuid();
      const shifted = String(nowSeconds - rng.int(0, 200));
      d.id = `${head}.${shifted}`;
      signer.sign(d, rng);
      d.body = Buffer.concat([Buffer.from(`${d.timestamp}.`), d.body]);
      d.timestamp = shifted;
      d.id = head;
    },
  },
  {
    name: "id.altered",
    phase: "content",
    weight: 2,
    apply: (d, { rng }) =>
      (d.id = rng.pick([d.id.toUpperCase(), `${d.id} `, d.id.slice(1), `${d.id}x`, ""])),
  },
  {
    name: "body.flip-bit",
    phase: "content",
    weight: 5,
    apply: (d, { rng }) => {
      const body = Buffer.from(d.body);
      if (body.length === 0) return;
      const at = rng.int(0, body.length - 1);
      body[at] = body[at]! ^ (1 << rng.int(0, 7));
      d.body = body;
    },
  },
  {
    name: "body.truncate",
    phase: "content",
    weight: 3,
    apply: (d, { rng }) =>
      (d.body = d.body.subarray(0, rng.int(0, Math.max(0, d.body.length - 1)))),
  },
  {
    name: "body.append",
    phase: "content",
    weight: 4,
    apply: (d, { rng }) => {
      const extra = rng.pick<Buffer>([
        Buffer.from(" "),
        Buffer.from("\n"),
        Buffer.from("\r\n"),
        Buffer.from([0]),
        Buffer.from("}"),
        Buffer.from("é"),
        rng.bytes(rng.int(1, 16)),
      ]);
      d.body = rng.chance(0.8) ? Buffer.concat([d.body, extra]) : Buffer.concat([extra, d.body]);
    },
  },
  {
    name: "body.invalid-utf8",
    phase: "content",
    weight: 4,
    apply: (d, { rng }) => {
      const bad = rng.pick([
        [0xff],
        [0xc3, 0x28],
        [0xc0, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xf4, 0x90, 0x80, 0x80],
        [0xe2, 0x82],
        [0x80],
      ]);
      const at = rng.int(0, d.body.length);
      d.body = Buffer.concat([d.body.subarray(0, at), Buffer.from(bad), d.body.subarray(at)]);
      // Such bytes only survive API Gateway base64-encoded.
      d.encoding = "base64";
      d.base64Flag = true;
    },
  },
  {
    // A genuine body with U+FFFD, then those bytes swapped for invalid UTF-8 that decodes to the
    // same text: a verifier that hashes decoded text would accept bytes nobody signed.
    name: "body.replacement-swap",
    phase: "content",
    resign: 0,
    weight: 2,
    apply: (d, { rng, signer }) => {
      const bad = Buffer.from(rng.pick([[0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]));
      const replacements = "\uFFFD".repeat(bad.toString("utf8").length);
      const text = d.body.toString("utf8");
      d.body = Buffer.from(text.replace("Zoë", `Zo${replacements}ë`), "utf8");
      signer.sign(d, rng);
      const at = d.body.indexOf(Buffer.from(replacements, "utf8"));
      if (at < 0) return;
      const end = at + Buffer.byteLength(replacements);
      d.body = Buffer.concat([d.body.subarray(0, at), bad, d.body.subarray(end)]);
      d.encoding = "base64";
      d.base64Flag = true;
    },
  },
  {
    name: "body.noncharacter",
    phase: "content",
    resign: 0.8,
    weight: 3,
    apply: (d, { rng }) => {
      const text = d.body.toString("utf8");
      const char = rng.pick(["\uFFFE", "\uFFFF", "\u0001", "\u007F", "\\u0000", "\\uFFFE"]);
      d.body = Buffer.from(text.replace("Zoë", `Zo${char}ë`), "utf8");
    },
  },
  {
    name: "body.not-polar",
    phase: "content",
    resign: 0.85,
    weight: 5,
    apply: (d, { rng }) => {
      const json = d.body.toString("utf8");
      d.body = Buffer.from(
        rng.pick([
          "",
          "null",
          "[]",
          "{}",
          '"order.paid"',
          "not json",
          '{"type":""}',
          '{"type":1}',
          '{"type":null}',
          '{"type":["order.paid"]}',
          `{"type":"${"t".repeat(MAX_TYPE_LENGTH)}"}`,
          `{"type":"${"t".repeat(MAX_TYPE_LENGTH + 1)}"}`,
          '{"type":1,"type":"order.paid"}',
          ' \n{"type":"order.paid"}\t',
          `\uFEFF${json}`,
          `${json}garbage`,
          json.slice(0, -1),
          `[${json}]`,
        ]),
        "utf8",
      );
    },
  },
  {
    name: "body.size-limit",
    phase: "content",
    resign: 0.9,
    weight: 0.4,
    apply: (d, { rng, maxBodyBytes }) => {
      const target = maxBodyBytes + rng.pick([-1, 0, 0, 1, 1, rng.int(2, 4096)]);
      const head = '{"type":"order.paid","pad":"';
      const room = target - Buffer.byteLength(head) - 2;
      // Two-byte characters: the limit counts bytes, not characters.
      const twoByte = rng.chance(0.5);
      const fill = twoByte
        ? "é".repeat(Math.floor(room / 2)) + (room % 2 ? "a" : "")
        : "a".repeat(room);
      d.body = Buffer.from(`${head}${fill}"}`, "utf8");
      if (rng.chance(0.3)) {
        d.encoding = "base64";
        d.base64Flag = true;
      }
    },
  },
  {
    name: "body.empty",
    phase: "content",
    resign: 0.7,
    weight: 1,
    apply: (d, { rng }) => {
      d.body = Buffer.alloc(0);
      d.bodyAbsent = rng.chance(0.5);
    },
  },
];

const HEADER_FIELDS: readonly HeaderField[] = ["id", "timestamp", "signature"];

function randomCase(name: string, rng: Prng): string {
  return [...name].map((c) => (rng.chance(0.5) ? c.toUpperCase() : c)).join("");
}

const TRANSPORT_MUTATIONS: Mutation[] = [
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

export const MUTATIONS: readonly Mutation[] = [
  ...SIGNATURE_MUTATIONS,
  ...TIMESTAMP_MUTATIONS,
  ...CONTENT_MUTATIONS,
  ...TRANSPORT_MUTATIONS,
];

/** Content edits the sender signs afresh this often by default; else the old signature stays. */
export const RESIGN_PROBABILITY = 0.4;
