import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "../../providers/polar";
import {
  completeEventType,
  parsePromptLine,
  PROMPT_HELP,
  startPrompt,
} from "../../local/dev/prompt";

describe("completeEventType", () => {
  it.each([
    ["order.p", ["order.paid"]],
    ["subscription.c", ["subscription.canceled", "subscription.created", "subscription.cycled"]],
    ["  checkout.", ["checkout.created", "checkout.expired", "checkout.updated"]],
  ])("%j → %j", (line, hits) => {
    expect(completeEventType(line)).toEqual([hits, line.trim()]);
  });

  it("offers every type when nothing matches or nothing was typed", () => {
    expect(completeEventType("")[0]).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(completeEventType("zzz")[0]).toHaveLength(42);
  });
});

describe("parsePromptLine", () => {
  it.each([
    [" order.paid ", { kind: "emit", type: "order.paid" }],
    ["", { kind: "nothing" }],
    ["help", { kind: "help" }],
    ["?", { kind: "help" }],
    ["quit", { kind: "quit" }],
    ["exit", { kind: "quit" }],
    [
      "order.payd",
      {
        kind: "unknown",
        message: 'unknown event type "order.payd"; did you mean "order.paid"? (nothing sent)',
      },
    ],
    [
      "refund everything",
      {
        kind: "unknown",
        message: 'unknown event type "refund everything"; type help for the list (nothing sent)',
      },
    ],
  ])("%j", (line, command) => {
    expect(parsePromptLine(line)).toEqual(command);
  });
});

describe("startPrompt (not a terminal)", () => {
  it("emits typed types, explains unknown ones, and quits on quit", async () => {
    // Prepare
    const input = new PassThrough();
    const output = new PassThrough();
    const seen: string[] = [];
    const quit = new Promise<void>((resolve) => {
      startPrompt(input, output, {
        emit: (type) => seen.push(`emit ${type}`),
        print: (line) => seen.push(`print ${line}`),
        quit: () => resolve(),
        interrupt: () => seen.push("interrupt"),
      });
    });
    // Act
    input.write("order.paid\norder.payd\nhelp\nquit\n");
    await quit;
    // Assess
    expect(seen).toEqual([
      "emit order.paid",
      'print unknown event type "order.payd"; did you mean "order.paid"? (nothing sent)',
      `print ${PROMPT_HELP}`,
    ]);
  });

  it("keeps running when a pipe closes, and writes lines through", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let quit = false;
    const prompt = startPrompt(input, output, {
      emit: () => undefined,
      print: () => undefined,
      quit: () => (quit = true),
      interrupt: () => undefined,
    });
    input.end();
    await new Promise((resolve) => setImmediate(resolve));
    prompt.write("a journey line");
    expect(quit).toBe(false);
    expect(output.read()?.toString()).toBe("a journey line\n");
    prompt.close();
  });
});
