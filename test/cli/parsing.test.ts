// Pure parts of the CLI: durations and times, argument parsing and help, command lookup.
import { describe, expect, it } from "vitest";
import { helpText, parseCommandArgs } from "../../cli/args";
import { formatAge, parseDuration, parseSince, SINCE_FORMS } from "../../cli/duration";
import { UsageError } from "../../cli/errors";
import { COMMANDS, findCommand } from "../../cli/polar";
import { LOCAL_DEV_STACK_NAME } from "../../cli/stack";
import { LOCAL_STACK } from "../../local/dev";

const NOW = new Date("2026-11-30T12:00:00Z");

describe("parseSince", () => {
  it.each([
    ["90s", "2026-11-30T11:58:30.000Z"],
    ["15m", "2026-11-30T11:45:00.000Z"],
    ["2h", "2026-11-30T10:00:00.000Z"],
    ["1h30m", "2026-11-30T10:30:00.000Z"],
    ["7d", "2026-11-23T12:00:00.000Z"],
    ["2w", "2026-11-16T12:00:00.000Z"],
    ["2H", "2026-11-30T10:00:00.000Z"],
    ["2026-11-30T08:00:00Z", "2026-11-30T08:00:00.000Z"],
    ["2026-11-30T09:15+01:00", "2026-11-30T08:15:00.000Z"],
    ["2026-11-29T23:59:59.123456Z", "2026-11-29T23:59:59.123Z"],
    ["2026-11-30", "2026-11-30T00:00:00.000Z"],
  ])("reads %s", (text, expected) => {
    const result = parseSince(text, NOW);
    expect(result).toEqual({ ok: true, since: new Date(expected) });
  });

  it.each([
    ["yesterday", "is neither a duration nor an ISO 8601 time"],
    ["2 hours", "is neither a duration nor an ISO 8601 time"],
    ["-2h", "is neither a duration nor an ISO 8601 time"],
    ["", "is neither a duration nor an ISO 8601 time"],
    ["0m", "is zero; give a duration such as 2h"],
    ["2026-11-30T08:00", "has no time zone; add Z (UTC) or an offset such as +01:00"],
    ["2026-13-45", "is not a valid date"],
    ["2026-12-01T00:00:00Z", "is in the future"],
  ])("refuses %j: %s", (text, problem) => {
    expect(parseSince(text, NOW)).toEqual({ ok: false, problem });
  });

  it("names every accepted form", () => {
    for (const form of [
      "90s",
      "2h",
      "1h30m",
      "7d",
      "2w",
      "2026-11-30T12:00:00Z",
      "+01:00",
      "2026-11-30",
    ]) {
      expect(SINCE_FORMS).toContain(form);
    }
  });

  it("parses durations and prints ages", () => {
    expect(parseDuration("1w2d3h4m5s")).toBe(((7 + 2) * 24 * 3600 + 3 * 3600 + 4 * 60 + 5) * 1000);
    expect(parseDuration("h")).toBeUndefined();
    expect(
      [0, 59_999, 60_000, 3_599_999, 3_600_000, 47 * 3_600_000, 48 * 3_600_000].map(formatAge),
    ).toEqual(["0s", "59s", "1m", "59m", "1h", "47h", "2d"]);
    expect(formatAge(-5_000)).toBe("0s");
  });
});

describe("parseCommandArgs", () => {
  const deliveries = COMMANDS.find((c) => c.name === "deliveries")!;
  const redeliver = COMMANDS.find((c) => c.name === "redeliver")!;

  it("collects repeatable options and positionals", () => {
    const args = parseCommandArgs(deliveries, [
      "--type",
      "order.paid",
      "--type",
      "order.refunded",
      "--failed",
    ]);
    expect(args.values).toMatchObject({ type: ["order.paid", "order.refunded"], failed: true });
    expect(parseCommandArgs(redeliver, ["a", "b"]).positionals).toEqual(["a", "b"]);
  });

  it("names an unknown option, a missing value and a stray argument", () => {
    const attempt = (spec: (typeof COMMANDS)[number], argv: string[]) => {
      try {
        parseCommandArgs(spec, argv);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as UsageError).message;
      }
      throw new Error("expected a UsageError");
    };
    expect(attempt(deliveries, ["--failde"])).toBe("Unknown option '--failde'");
    expect(attempt(deliveries, ["--since"])).toContain("--since <value>' argument missing");
    expect(attempt(deliveries, ["extra"])).toBe('unexpected argument "extra"');
    expect(
      attempt(
        COMMANDS.find((c) => c.name === "trigger")!,
        [],
      ),
    ).toBe("missing <event-type>");
  });

  it("gives every command a help text listing each of its options", () => {
    for (const command of COMMANDS) {
      const help = helpText(command);
      expect(help).toContain(`Usage: polar-webhooks ${command.name}`);
      for (const option of Object.keys(command.options)) expect(help).toContain(`--${option}`);
      expect(help).toContain("-h, --help");
      expect(parseCommandArgs(command, ["--help"]).values.help).toBe(true);
    }
  });
});

describe("findCommand", () => {
  it("finds one- and two-word commands", () => {
    expect(findCommand(["deliveries", "--failed"])).toMatchObject({ rest: ["--failed"] });
    expect(findCommand(["dlq", "redrive", "--stack", "dev"]).spec.name).toBe("dlq redrive");
    expect(findCommand(["queue", "peek"]).spec.name).toBe("queue peek");
  });

  it("suggests the nearest command and lists a group's subcommands", () => {
    expect(() => findCommand(["redeliever"])).toThrow(
      'unknown command "redeliever"; did you mean "redeliver"?',
    );
    expect(() => findCommand(["dlq"])).toThrow("dlq needs a subcommand: dlq peek, dlq redrive");
    expect(() => findCommand(["queue", "drain"])).toThrow(
      'unknown command "queue drain"; queue has: queue peek',
    );
    expect(() => findCommand(["zzz"])).toThrow(/^unknown command "zzz"$/);
  });
});

describe("the local stack", () => {
  it("is npm run dev's stack, by the name its contract gives", () => {
    expect(LOCAL_DEV_STACK_NAME).toBe(LOCAL_STACK.stackName);
  });
});
