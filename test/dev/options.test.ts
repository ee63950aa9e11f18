import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  parseDevArguments,
  parseDevStackConfig,
  readDevStackConfig,
  StackConfigFileError,
  UsageError,
} from "../../local/dev/options";

const repoRoot = resolve(__dirname, "../..");

describe("parseDevArguments", () => {
  it("has defaults for every flag", () => {
    expect(parseDevArguments([])).toEqual({
      demo: false,
      allEvents: false,
      configFile: "Pulumi.dev.yaml",
      json: false,
      port: 0,
      timeoutSeconds: 30,
      help: false,
    });
  });

  it("reads every flag", () => {
    expect(
      parseDevArguments([
        "--demo",
        "--consumer",
        "lambda/consumer/example.ts",
        "--all-events",
        "--config",
        "Pulumi.prod.yaml",
        "--json",
        "--port",
        "3001",
        "--timeout",
        "2.5",
      ]),
    ).toEqual({
      demo: true,
      consumer: "lambda/consumer/example.ts",
      allEvents: true,
      configFile: "Pulumi.prod.yaml",
      json: true,
      port: 3001,
      timeoutSeconds: 2.5,
      help: false,
    });
  });

  it.each([
    [["--demoo"], "Unknown option '--demoo'"],
    [["--port", "70000"], "--port must be a whole number from 0 to 65535, got 70000"],
    [["--timeout", "0"], "--timeout must be a number of seconds above 0, got 0"],
    [["--consumer", " "], "--consumer needs the path of a module that exports handler"],
    [["order.paid"], "Unexpected argument 'order.paid'"],
  ])("%j → %s", (args, message) => {
    expect(() => parseDevArguments(args)).toThrow(UsageError);
    expect(() => parseDevArguments(args)).toThrow(message);
  });
});

describe("parseDevStackConfig", () => {
  it("takes the events, path and consumer of the repository's Pulumi.dev.yaml", () => {
    const config = readDevStackConfig("Pulumi.dev.yaml", repoRoot);
    const text = readFileSync(resolve(repoRoot, "Pulumi.dev.yaml"), "utf8");
    expect(config.file).toBe("Pulumi.dev.yaml");
    expect(config.events).toContain("order.paid");
    expect(config.events.every((event) => text.includes(`- ${event}`))).toBe(true);
    expect(config.path).toBe("/polar/webhooks");
  });

  it("reads polar-webhooks:consumer, :apiVersion and drops duplicate events", () => {
    const text = [
      "config:",
      "  polar-webhooks:events: [order.paid, order.paid, subscription.updated]",
      "  polar-webhooks:consumer: lambda/consumer/example.ts",
      "  polar-webhooks:apiVersion: '2026-10'",
    ].join("\n");
    expect(parseDevStackConfig(text, "Pulumi.x.yaml")).toEqual({
      file: "Pulumi.x.yaml",
      events: ["order.paid", "subscription.updated"],
      path: "/polar/webhooks",
      apiVersion: "2026-10",
      consumer: "lambda/consumer/example.ts",
    });
  });

  it.each([
    ["config: {}", "Pulumi.x.yaml: polar-webhooks:events must be a non-empty list"],
    ["nothing: here", "Pulumi.x.yaml has no config: section"],
    ["config: [", "Pulumi.x.yaml is not valid YAML"],
    [
      "config:\n  polar-webhooks:events: [order.payed, 42]",
      'polar-webhooks:events[0] "order.payed" is not a Polar event type; did you mean "order.paid"?; polar-webhooks:events[1] 42 is not a Polar event type; allowed: checkout.created, checkout.updated',
    ],
    [
      "config:\n  polar-webhooks:events: [order.paid]\n  polar-webhooks:consumer: ''",
      "Pulumi.x.yaml: polar-webhooks:consumer must be a non-empty string",
    ],
  ])("%j fails naming the problem", (text, message) => {
    expect(() => parseDevStackConfig(text, "Pulumi.x.yaml")).toThrow(StackConfigFileError);
    expect(() => parseDevStackConfig(text, "Pulumi.x.yaml")).toThrow(message);
  });

  it("names a file that cannot be read", () => {
    expect(() => readDevStackConfig("Pulumi.nope.yaml", repoRoot)).toThrow(
      `cannot read ${resolve(repoRoot, "Pulumi.nope.yaml")}: give an existing stack file with --config`,
    );
  });
});
