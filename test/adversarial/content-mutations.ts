/** Content mutations: edits of the signed triple (timestamp, id, body). */
import { MAX_ID_LENGTH, MAX_TYPE_LENGTH } from "./contract";
import type { Mutation } from "./mutations";

export const TIMESTAMP_MUTATIONS: Mutation[] = [
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

export const CONTENT_MUTATIONS: Mutation[] = [
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
