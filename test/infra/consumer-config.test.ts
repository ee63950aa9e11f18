// The consumer's stack config (polar-webhooks:consumer and its settings) and the component's `consumer` argument:
// exact messages for every bad value and every combination Lambda would refuse at deploy time, the entry checked on
// disk, and the program refusing a bad entry before it declares anything.
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
  consumerEntryProblem,
  parseStackConfig,
  PROJECT_ROOT,
  StackConfigError,
  type ConfigChecks,
} from "../../infra/config";
import { programIsTypeChecked } from "../../infra/config/consumer-types";
import { PolarWebhookIngress } from "../../infra/ingress";
import { installMocks, readStackFile, REPO_ROOT, settle } from "./support";

const BASE = { "polar-webhooks:events": '["order.paid"]' };
const CONSUMER = "lambda/consumer/example.ts";
const NO_HANDLER = "test/infra/fixtures/no-handler-consumer.ts";
const TYPE_ERROR = "test/infra/fixtures/type-error-consumer.ts";
const ENTRY_ALLOWED =
  "use the path of your consumer module relative to the project root (the folder of Pulumi.yaml), a file that " +
  'exports handler = createPolarEventConsumer({ … }), e.g. "lambda/consumer/example.ts", or leave it unset for no consumer';
const NO_HANDLER_REASON =
  'does not export "handler" (export const handler = createPolarEventConsumer({ … }))';
const BATCH_ALLOWED =
  "use a whole number of records per invocation (a FIFO queue takes at most 10; above 10 needs a batching window) " +
  "from 1 to 10000 (default 10)";
const WINDOW_ALLOWED =
  "use a whole number of seconds to gather records (standard queues only) from 0 to 300 (default 0)";
const TIMEOUT_ALLOWED =
  "use a whole number of seconds from 1 to 7200 (the consumer's timeout, at most 900 with polar-webhooks:consumer; " +
  "the queue's visibility timeout is 6 times this, at most 12 hours)";

function problemsOf(extra: Record<string, unknown>, checks?: ConfigChecks): string[] {
  try {
    parseStackConfig({ ...BASE, ...extra }, undefined, checks);
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    return (error as StackConfigError).problems.map((p) => p.message);
  }
  throw new Error("parseStackConfig accepted the config");
}

describe("Function: parseStackConfig (consumer keys)", () => {
  it("decodes the entry and every setting, and leaves unset settings to the component", () => {
    const config = parseStackConfig({
      ...BASE,
      "polar-webhooks:consumer": ` ${CONSUMER} `,
      "polar-webhooks:consumerMemorySize": "1024",
      "polar-webhooks:consumerBatchSize": "100",
      "polar-webhooks:consumerBatchingWindowSeconds": "5",
      "polar-webhooks:consumerMaxConcurrency": "50",
      "polar-webhooks:consumerLagAlarmSeconds": "600",
    });
    expect(config).toMatchObject({
      consumer: CONSUMER,
      consumerMemorySize: 1024,
      consumerBatchSize: 100,
      consumerBatchingWindowSeconds: 5,
      consumerMaxConcurrency: 50,
      consumerLagAlarmSeconds: 600,
    });
    const defaults = parseStackConfig({ ...BASE, "polar-webhooks:consumer": CONSUMER });
    expect(defaults.consumerBatchSize).toBeUndefined();
    expect(defaults.consumerMaxConcurrency).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "an absolute entry",
      { "polar-webhooks:consumer": "/srv/consumer.ts" },
      `polar-webhooks:consumer: "/srv/consumer.ts" is invalid; is not relative to the project root; ${ENTRY_ALLOWED}`,
    ],
    [
      "memory below Lambda's 128 MB",
      { "polar-webhooks:consumer": CONSUMER, "polar-webhooks:consumerMemorySize": "64" },
      "polar-webhooks:consumerMemorySize: 64 is invalid; use a whole number of MB from 128 to 10240 (default 512)",
    ],
    [
      "a batch of 0",
      { "polar-webhooks:consumer": CONSUMER, "polar-webhooks:consumerBatchSize": "0" },
      `polar-webhooks:consumerBatchSize: 0 is invalid; ${BATCH_ALLOWED}`,
    ],
    [
      "a batching window over 5 minutes",
      {
        "polar-webhooks:consumer": CONSUMER,
        "polar-webhooks:consumerBatchingWindowSeconds": "301",
      },
      `polar-webhooks:consumerBatchingWindowSeconds: 301 is invalid; ${WINDOW_ALLOWED}`,
    ],
    [
      "a maximum concurrency of 1",
      { "polar-webhooks:consumer": CONSUMER, "polar-webhooks:consumerMaxConcurrency": "1" },
      "polar-webhooks:consumerMaxConcurrency: 1 is invalid; use a whole number of concurrent consumer invocations from 2 to 1000 (default 10)",
    ],
    [
      "a lag alarm under a minute",
      { "polar-webhooks:consumer": CONSUMER, "polar-webhooks:consumerLagAlarmSeconds": "30" },
      "polar-webhooks:consumerLagAlarmSeconds: 30 is invalid; use a whole number of seconds the oldest queued message may wait before the alarm from 60 to 1209600 (default 900)",
    ],
    [
      "a timeout Lambda cannot run",
      { "polar-webhooks:consumer": CONSUMER, "polar-webhooks:consumerTimeoutSeconds": "901" },
      `polar-webhooks:consumerTimeoutSeconds: 901 is invalid; must be at most 900 with a Lambda consumer (Lambda's longest timeout); ${TIMEOUT_ALLOWED}`,
    ],
    [
      "a standard queue's batch above 10 without a window",
      { "polar-webhooks:consumer": CONSUMER, "polar-webhooks:consumerBatchSize": "11" },
      "polar-webhooks:consumerBatchingWindowSeconds: (unset) is invalid; must be at least 1 when " +
        `polar-webhooks:consumerBatchSize is above 10 (Lambda's rule); ${WINDOW_ALLOWED}`,
    ],
  ])("rejects %s with the key, the value and what is allowed", (_case, extra, message) => {
    expect(problemsOf(extra)).toEqual([message]);
  });

  it("refuses a FIFO queue's batch above 10 and any batching window, naming queueKind", () => {
    expect(
      problemsOf({
        "polar-webhooks:queueKind": "fifo",
        "polar-webhooks:consumer": CONSUMER,
        "polar-webhooks:consumerBatchSize": "20",
        "polar-webhooks:consumerBatchingWindowSeconds": "5",
      }),
    ).toEqual([
      `polar-webhooks:consumerBatchSize: 20 is invalid; must be at most 10 with a FIFO queue (polar-webhooks:queueKind "fifo"); ${BATCH_ALLOWED}`,
      "polar-webhooks:consumerBatchingWindowSeconds: 5 is invalid; must be 0 with a FIFO queue " +
        `(polar-webhooks:queueKind "fifo"): Lambda has no batching window for FIFO sources; ${WINDOW_ALLOWED}`,
    ]);
  });

  it("refuses each consumer setting set without a consumer, and allows any timeout then", () => {
    expect(
      problemsOf({
        "polar-webhooks:consumerBatchSize": "5",
        "polar-webhooks:consumerLagAlarmSeconds": "600",
        "polar-webhooks:consumerTimeoutSeconds": "7200",
      }),
    ).toEqual([
      "polar-webhooks:consumerBatchSize: 5 is invalid; it applies only to a consumer; set polar-webhooks:consumer " +
        "to your consumer's entry file, or remove this key",
      "polar-webhooks:consumerLagAlarmSeconds: 600 is invalid; it applies only to a consumer; set " +
        "polar-webhooks:consumer to your consumer's entry file, or remove this key",
    ]);
    expect(
      parseStackConfig({ ...BASE, "polar-webhooks:consumerTimeoutSeconds": "7200" })
        .consumerTimeoutSeconds,
    ).toBe(7200);
  });

  it("names the key, the value, the problem the entry check found and what is allowed", () => {
    const seen: string[] = [];
    const checks = {
      consumerEntry: (entry: string) => {
        seen.push(entry);
        return "/repo/consumers/billing.ts does not exist (or is not a file)";
      },
    };
    expect(problemsOf({ "polar-webhooks:consumer": "consumers/billing.ts" }, checks)).toEqual([
      'polar-webhooks:consumer: "consumers/billing.ts" is invalid; /repo/consumers/billing.ts does not exist ' +
        `(or is not a file); ${ENTRY_ALLOWED}`,
    ]);
    expect(seen).toEqual(["consumers/billing.ts"]);
  });

  it("judges no combination with a key that failed on its own, and checks no entry that failed", () => {
    const checks = { consumerEntry: () => "never asked" };
    expect(
      problemsOf(
        {
          "polar-webhooks:queueKind": "lifo",
          "polar-webhooks:consumer": "/abs.ts",
          "polar-webhooks:consumerBatchSize": "20",
        },
        checks,
      ),
    ).toEqual([
      'polar-webhooks:queueKind: "lifo" is invalid; use "standard" or "fifo"',
      `polar-webhooks:consumer: "/abs.ts" is invalid; is not relative to the project root; ${ENTRY_ALLOWED}`,
    ]);
  });
});

describe("Function: consumerEntryProblem", () => {
  it("accepts the example consumer, relative to the project root", () => {
    expect(PROJECT_ROOT).toBe(REPO_ROOT);
    expect(consumerEntryProblem(CONSUMER)).toBeUndefined();
  });

  it("names the absolute path of a missing file and of a module without handler", () => {
    expect(consumerEntryProblem("consumers/billing.ts")).toBe(
      `${path.join(REPO_ROOT, "consumers/billing.ts")} does not exist (or is not a file)`,
    );
    expect(consumerEntryProblem(NO_HANDLER)).toBe(
      `${path.join(REPO_ROOT, NO_HANDLER)} ${NO_HANDLER_REASON}`,
    );
  });

  it("type-checks the entry only when Pulumi's runner type-checks the program", () => {
    expect(programIsTypeChecked({ PULUMI_NODEJS_TYPESCRIPT: "true" })).toBe(true);
    expect(
      programIsTypeChecked({
        PULUMI_NODEJS_TYPESCRIPT: "true",
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      }),
    ).toBe(false);
    // Automation API programs, mocks and plain JavaScript: nothing asked for a type check.
    expect(programIsTypeChecked({})).toBe(false);
  });

  it("with type-checking, names the file, line and compiler error of a consumer that does not type-check", () => {
    // The example type-checks; TYPE_ERROR bundles (esbuild strips types) but assigns a string to a number.
    expect(consumerEntryProblem(CONSUMER, true)).toBeUndefined();
    expect(consumerEntryProblem(TYPE_ERROR, false)).toBeUndefined();
    expect(consumerEntryProblem(TYPE_ERROR, true)).toBe(
      `${path.join(REPO_ROOT, TYPE_ERROR)} does not type-check: ` +
        `${TYPE_ERROR}(9,13): error TS2322: Type 'string' is not assignable to type 'number'`,
    );
  });
});

describe("Class: PolarWebhookIngress", () => {
  describe("Method: validateArgs (consumer)", () => {
    const secrets = { signingSecrets: { current: "whsec_x" } };
    const code = { code: "archive" as never };

    it("names every bad consumer argument in one error", () => {
      expect(() =>
        PolarWebhookIngress.validateArgs("hooks", {
          ...secrets,
          consumerTimeoutSeconds: 901,
          consumer: {
            entry: path.join(REPO_ROOT, CONSUMER),
            ...code,
            memorySize: 64,
            batchSize: 0,
            batchingWindowSeconds: 301,
            maxConcurrency: 1001,
            lagAlarmSeconds: 1.5,
          },
        }),
      ).toThrowError(
        "PolarWebhookIngress hooks: [consumer] needs exactly one of [consumer.entry] and [consumer.code]; " +
          "[consumer.memorySize] must be a whole number from 128 to 10240 (got 64); " +
          "[consumer.batchSize] must be a whole number from 1 to 10000 (got 0); " +
          "[consumer.batchingWindowSeconds] must be a whole number from 0 to 300 (got 301); " +
          "[consumer.maxConcurrency] must be a whole number from 2 to 1000 (got 1001); " +
          "[consumer.lagAlarmSeconds] must be a whole number from 60 to 1209600 (got 1.5); " +
          "[consumerTimeoutSeconds] must be at most 900 with a Lambda consumer (Lambda's longest timeout) (got 901)",
      );
      expect(() =>
        PolarWebhookIngress.validateArgs("hooks", { ...secrets, consumer: {} }),
      ).toThrowError(
        "PolarWebhookIngress hooks: [consumer] needs exactly one of [consumer.entry] and [consumer.code]",
      );
    });

    it("applies Lambda's batching rules to FIFO and standard queues", () => {
      expect(() =>
        PolarWebhookIngress.validateArgs("hooks", {
          ...secrets,
          queueKind: "fifo",
          consumer: { ...code, batchSize: 11, batchingWindowSeconds: 1 },
        }),
      ).toThrowError(
        'PolarWebhookIngress hooks: [consumer.batchSize] must be at most 10 with a FIFO queue ([queueKind] "fifo") (got 11); ' +
          '[consumer.batchingWindowSeconds] must be 0 with a FIFO queue ([queueKind] "fifo"): Lambda has no ' +
          "batching window for FIFO sources (got 1)",
      );
      expect(() =>
        PolarWebhookIngress.validateArgs("hooks", {
          ...secrets,
          consumer: { ...code, batchSize: 100 },
        }),
      ).toThrowError(
        "PolarWebhookIngress hooks: [consumer.batchingWindowSeconds] must be at least 1 when " +
          "[consumer.batchSize] is above 10 (Lambda's rule) (got 0)",
      );
      expect(
        PolarWebhookIngress.validateArgs("hooks", {
          ...secrets,
          consumer: { ...code, batchSize: 100, batchingWindowSeconds: 1 },
        }),
      ).toBe(undefined);
    });

    it("names the entry's absolute path when it is missing or exports no handler", () => {
      const cwd = process.cwd();
      expect(() =>
        PolarWebhookIngress.validateArgs("hooks", {
          ...secrets,
          consumer: { entry: "consumers/billing.ts" },
        }),
      ).toThrowError(
        `PolarWebhookIngress hooks: [consumer.entry] ${path.join(cwd, "consumers/billing.ts")} does not exist (or is not a file)`,
      );
      expect(() =>
        PolarWebhookIngress.validateArgs("hooks", {
          ...secrets,
          consumer: { entry: path.join(REPO_ROOT, NO_HANDLER) },
        }),
      ).toThrowError(
        `PolarWebhookIngress hooks: [consumer.entry] ${path.join(REPO_ROOT, NO_HANDLER)} ${NO_HANDLER_REASON}`,
      );
    });
  });
});

describe("Program: a bad polar-webhooks:consumer", () => {
  it.each([
    ["does not exist", "consumers/billing.ts", "does not exist (or is not a file)"],
    ["exports no handler", NO_HANDLER, NO_HANDLER_REASON],
  ])(
    "fails on import when the entry %s, naming the key and the path, and declares nothing",
    async (_case, entry, reason) => {
      // Prepare: the dev stack as shipped, its consumer pointed elsewhere; a fresh program per case.
      vi.resetModules();
      const harness = await installMocks("dev", {
        ...readStackFile("dev"),
        "polar-webhooks:consumer": entry,
      });
      // Act
      const loading = import("../../infra/index.js");
      // Assess
      await expect(loading).rejects.toThrowError(
        "Invalid stack configuration (1 problem; nothing was created):\n" +
          `  polar-webhooks:consumer: ${JSON.stringify(entry)} is invalid; ${path.join(REPO_ROOT, entry)} ` +
          `${reason}; ${ENTRY_ALLOWED}`,
      );
      await settle();
      expect(harness.resources).toEqual([]);
    },
  );
});
