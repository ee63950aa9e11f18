/**
 * pydantic's `UUID4` validation of a JSON string, with the error texts it reports.
 *
 * pydantic-core parses with the Rust `uuid` crate (simple, hyphenated, `{braced}` and
 * `urn:uuid:` forms) and then compares the version nibble. Error texts follow polar-api.md §4
 * ("invalid character: found `n` at 1": the index is 1-based, in bytes, as the crate counts).
 */

export type UuidProblem =
  | { readonly type: "uuid_type"; readonly msg: string }
  | {
      readonly type: "uuid_parsing";
      readonly msg: string;
      readonly ctx: { readonly error: string };
    }
  | {
      readonly type: "uuid_version";
      readonly msg: string;
      readonly ctx: { readonly expected_version: 4 };
    };

export type UuidValidation =
  | { readonly ok: true; readonly uuid: string }
  | { readonly ok: false; readonly problem: UuidProblem };

const HEX32 = /^[0-9a-fA-F]{32}$/;
const HYPHENATED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const GROUP_STARTS = [0, 9, 14, 19, 24] as const;
const GROUP_LENGTHS = [8, 4, 4, 4, 12] as const;

/** Validates a value as a UUID version 4; returns it in canonical lower-case hyphenated form. */
export function validateUuid4(value: unknown): UuidValidation {
  if (typeof value !== "string") {
    return {
      ok: false,
      problem: { type: "uuid_type", msg: "UUID input should be a string, bytes or UUID object" },
    };
  }
  const hex = parseUuidHex(value);
  if (hex === undefined) {
    const error = describeUuidError(value);
    return {
      ok: false,
      problem: {
        type: "uuid_parsing",
        msg: `Input should be a valid UUID, ${error}`,
        ctx: { error },
      },
    };
  }
  if (hex[12] !== "4") {
    return {
      ok: false,
      problem: {
        type: "uuid_version",
        msg: "UUID version 4 expected",
        ctx: { expected_version: 4 },
      },
    };
  }
  return { ok: true, uuid: canonical(hex) };
}

/** The 32 lower-case hex digits of a UUID in any form the `uuid` crate accepts. */
function parseUuidHex(value: string): string | undefined {
  let body = value;
  if (value.length === 38 && value.startsWith("{") && value.endsWith("}")) {
    body = value.slice(1, -1);
  } else if (value.length === 45 && value.startsWith("urn:uuid:")) {
    body = value.slice("urn:uuid:".length);
  }
  if (value.length === 32 && HEX32.test(value)) {
    return value.toLowerCase();
  }
  if (body.length === 36 && HYPHENATED.test(body)) {
    return body.replaceAll("-", "").toLowerCase();
  }
  return undefined;
}

/** Mirrors `uuid::InvalidUuid::into_err`: the first bad character, else a length problem. */
function describeUuidError(value: string): string {
  let body = value;
  let offset = 0;
  let simple = true;
  if (value.length >= 2 && value.startsWith("{") && value.endsWith("}")) {
    body = value.slice(1, -1);
    offset = 1;
    simple = false;
  } else if (value.startsWith("urn:uuid:")) {
    body = value.slice("urn:uuid:".length);
    offset = "urn:uuid:".length;
    simple = false;
  }
  const hyphens: number[] = [];
  let byteIndex = 0;
  for (const character of body) {
    if (character === "-") {
      hyphens.push(byteIndex);
    } else if (!/^[0-9a-fA-F]$/.test(character)) {
      return `invalid character: found \`${character}\` at ${byteIndex + offset + 1}`;
    }
    byteIndex += Buffer.byteLength(character, "utf8");
  }
  if (hyphens.length === 0 && simple) {
    return `invalid length: expected length 32 for simple format, found ${value.length}`;
  }
  if (hyphens.length !== 4) {
    return `invalid group count: expected 5, found ${hyphens.length + 1}`;
  }
  for (let group = 0; group < 4; group++) {
    const start = GROUP_STARTS[group] ?? 0;
    const next = GROUP_STARTS[group + 1] ?? 0;
    const hyphen = hyphens[group] ?? 0;
    if (hyphen !== next - 1) {
      return `invalid group length in group ${group}: expected ${GROUP_LENGTHS[group]}, found ${hyphen - start}`;
    }
  }
  return `invalid group length in group 4: expected 12, found ${body.length - GROUP_STARTS[4]}`;
}

function canonical(hex: string): string {
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join("-");
}
