/**
 * The receiver checks the event envelope and the SSM value by hand (no schema library at cold
 * start). These tests hold those checks to the zod schemas they replaced, over generated inputs:
 * every input the schema accepted is accepted, every one it refused is refused.
 */
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { parsePolarEvent, parseSecretParameterValue } from "../../lambda/index";

const IsoInstant = z.iso.datetime({ offset: true });
const Envelope = z.object({ type: z.string().check(z.minLength(1), z.maxLength(256)) });
const SecretValue = z.object({
  current: z.string().check(z.minLength(1)),
  previous: z.optional(z.nullable(z.string().check(z.minLength(1)))),
  previousExpiresAt: z.optional(z.unknown()),
});

function accepts(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

/** Instants around every rule: leap years and centuries, month and day bounds, times, offsets. */
function instants(): string[] {
  const years = ["0000", "0004", "1900", "1996", "2000", "2023", "2024", "2100", "2400", "9999"];
  const dates = years.flatMap((year) =>
    ["00", "01", "02", "04", "06", "09", "11", "12", "13"].flatMap((month) =>
      ["00", "01", "28", "29", "30", "31", "32"].map((day) => `${year}-${month}-${day}`),
    ),
  );
  const times = ["00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "12:00", "9:00:00"];
  const fractions = ["", ".0", ".123", ".123456789", ".", ".1a"];
  const zones = ["Z", "z", "+00:00", "-23:59", "+24:00", "+01:60", "+0100", "+01", ""];
  const out: string[] = [];
  for (const [i, date] of dates.entries()) {
    // Every date with a plain time, and a rotating sample of the other parts (kept quick).
    out.push(`${date}T12:00:00Z`);
    const time = times[i % times.length] as string;
    const fraction = fractions[i % fractions.length] as string;
    const zone = zones[i % zones.length] as string;
    out.push(`${date}T${time}${fraction}${zone}`, `${date} ${time}Z`, `${date}t${time}Z`);
  }
  for (const time of times) {
    for (const fraction of fractions) {
      for (const zone of zones) out.push(`2024-02-29T${time}${fraction}${zone}`);
    }
  }
  return out;
}

describe("Function: parseSecretParameterValue, as the zod schema it replaced", () => {
  it("accepts exactly the previousExpiresAt instants zod's iso.datetime({ offset: true }) accepted", () => {
    const cases = instants();
    const differences = cases.filter((instant) => {
      const value = JSON.stringify({
        current: "whsec_a",
        previous: "whsec_b",
        previousExpiresAt: instant,
      });
      const before = IsoInstant.safeParse(instant).success && Number.isFinite(Date.parse(instant));
      return accepts(() => parseSecretParameterValue(value)) !== before;
    });
    expect(cases.length).toBeGreaterThan(1_000);
    expect(differences).toEqual([]);
  });

  it("accepts exactly the values the object schema accepted", () => {
    const fields = [undefined, null, "", "whsec_a", 1, true, [], {}];
    const differences: string[] = [];
    for (const current of fields) {
      for (const previous of fields) {
        for (const shape of ["object", "array", "null", "string"] as const) {
          const object = { current, previous, extra: 1 };
          const json =
            shape === "object"
              ? object
              : shape === "array"
                ? [object]
                : shape === "null"
                  ? null
                  : "x";
          const value = JSON.stringify(json);
          const before = SecretValue.safeParse(JSON.parse(value)).success;
          if (accepts(() => parseSecretParameterValue(value)) !== before) differences.push(value);
        }
      }
    }
    expect(differences).toEqual([]);
  });
});

describe("Function: parsePolarEvent, as the zod schema it replaced", () => {
  it("accepts exactly the envelopes the schema accepted", () => {
    const types = [
      undefined,
      null,
      "",
      "a",
      "order.paid",
      "x".repeat(256),
      "x".repeat(257),
      1,
      {},
      [],
    ];
    const differences: string[] = [];
    for (const type of types) {
      for (const json of [{ type }, { type, data: {} }, [{ type }], type, null]) {
        const text = JSON.stringify(json) ?? "null";
        const before = Envelope.safeParse(JSON.parse(text)).success;
        if (accepts(() => parsePolarEvent(Buffer.from(text))) !== before) differences.push(text);
      }
    }
    expect(differences).toEqual([]);
  });
});
