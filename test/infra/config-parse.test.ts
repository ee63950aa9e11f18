// parseStackConfig as a pure function: every key, with its exact messages, and the example stack files.
import { describe, expect, it } from "vitest";
import { parseStackConfig, StackConfigError } from "../../infra/config";
import { LOG_RETENTION_DAYS } from "../../infra/ingress";
import { readStackFile, toRuntimeConfig } from "./support";

const EVENTS = '["order.paid"]';
const RETENTIONS = LOG_RETENTION_DAYS.join(", ");

/** Runs parseStackConfig on a valid base plus `extra`, returning the problems' messages. */
function problemsOf(extra: Record<string, unknown>): string[] {
  try {
    parseStackConfig({ "polar-webhooks:events": EVENTS, ...extra });
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    return (error as StackConfigError).problems.map((p) => p.message);
  }
  throw new Error("parseStackConfig accepted the config");
}

describe("Function: parseStackConfig", () => {
  it("applies the defaults to a config with only events", () => {
    expect(
      parseStackConfig({ "polar-webhooks:events": EVENTS, "aws:region": "eu-west-1" }),
    ).toEqual({
      server: "sandbox",
      events: ["order.paid"],
      path: "/polar/webhooks",
      queueKind: "standard",
      alarmEmail: undefined,
      secretRotation: undefined,
      rotationGraceHours: 24,
      extraEndpoints: [],
      tags: {},
      consumerTimeoutSeconds: 30,
      consumer: undefined,
      consumerMemorySize: undefined,
      consumerBatchSize: undefined,
      consumerBatchingWindowSeconds: undefined,
      consumerMaxConcurrency: undefined,
      consumerLagAlarmSeconds: undefined,
      reservedConcurrency: undefined,
      logRetentionDays: 30,
      adoptEndpointId: undefined,
      apiVersion: undefined,
      organizationId: undefined,
    });
  });

  it("decodes every key from the runtime's string form", () => {
    const config = parseStackConfig({
      "polar:server": "production",
      "polar-webhooks:events": '["order.paid","subscription.updated"]',
      "polar-webhooks:path": "/hooks/polar",
      "polar-webhooks:queueKind": "fifo",
      "polar-webhooks:alarmEmail": "ops@example.com",
      "polar-webhooks:secretRotation": "2026",
      "polar-webhooks:rotationGraceHours": "168",
      "polar-webhooks:extraEndpoints":
        '[{"name":"slack","url":"https://hooks.slack.com/services/T0/B0/x","events":["order.paid"],"format":"slack"}]',
      "polar-webhooks:tags": '{"team":"billing"}',
      "polar-webhooks:consumerTimeoutSeconds": "900",
      "polar-webhooks:reservedConcurrency": "5",
      "polar-webhooks:logRetentionDays": "365",
      "polar-webhooks:adoptEndpointId": "0b5c7a5e-2f4e-4c39-9d39-6a1f2e0c9a11",
      "polar-webhooks:apiVersion": "2026-10",
      "polar-webhooks:organizationId": "7d3f0c55-3a0e-4a83-b6a0-1c2d3e4f5a6b",
    });
    expect(config).toEqual({
      server: "production",
      events: ["order.paid", "subscription.updated"],
      path: "/hooks/polar",
      queueKind: "fifo",
      alarmEmail: "ops@example.com",
      // JSON-looking markers come back as the string the user typed.
      secretRotation: "2026",
      rotationGraceHours: 168,
      extraEndpoints: [
        {
          name: "slack",
          url: "https://hooks.slack.com/services/T0/B0/x",
          events: ["order.paid"],
          format: "slack",
        },
      ],
      tags: { team: "billing" },
      consumerTimeoutSeconds: 900,
      reservedConcurrency: 5,
      logRetentionDays: 365,
      adoptEndpointId: "0b5c7a5e-2f4e-4c39-9d39-6a1f2e0c9a11",
      apiVersion: "2026-10",
      organizationId: "7d3f0c55-3a0e-4a83-b6a0-1c2d3e4f5a6b",
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "events unset",
      { "polar-webhooks:events": undefined },
      'polar-webhooks:events: (unset) is invalid; use a non-empty list of distinct Polar event types, e.g. ["order.paid", "subscription.updated"]',
    ],
    [
      "events: typos, unknown, duplicate",
      { "polar-webhooks:events": '["order.payed","refund","order.paid","order.paid"]' },
      'polar-webhooks:events: ["order.payed","refund","order.paid","order.paid"] is invalid; [0]: "order.payed" is not a Polar event type (did you mean "order.paid"?); [1]: "refund" is not a Polar event type; [3]: "order.paid" is listed twice; use a non-empty list of distinct Polar event types, e.g. ["order.paid", "subscription.updated"]',
    ],
    [
      "events: empty list",
      { "polar-webhooks:events": "[]" },
      'polar-webhooks:events: [] is invalid; the list is empty; use a non-empty list of distinct Polar event types, e.g. ["order.paid", "subscription.updated"]',
    ],
    [
      "events: not a list",
      { "polar-webhooks:events": "order.paid" },
      'polar-webhooks:events: "order.paid" is invalid; use a non-empty list of distinct Polar event types, e.g. ["order.paid", "subscription.updated"]',
    ],
    [
      "path with a trailing slash",
      { "polar-webhooks:path": "/polar/" },
      'polar-webhooks:path: "/polar/" is invalid; use an absolute path of segments made of letters, digits, "-", "_", ".", "~", without a trailing slash, e.g. "/polar/webhooks"',
    ],
    [
      "path with a route parameter",
      { "polar-webhooks:path": "/polar/{proxy+}" },
      'polar-webhooks:path: "/polar/{proxy+}" is invalid; use an absolute path of segments made of letters, digits, "-", "_", ".", "~", without a trailing slash, e.g. "/polar/webhooks"',
    ],
    [
      "queueKind",
      { "polar-webhooks:queueKind": "FIFO" },
      'polar-webhooks:queueKind: "FIFO" is invalid; use "standard" or "fifo"',
    ],
    [
      "alarmEmail",
      { "polar-webhooks:alarmEmail": "ops-at-example.com" },
      'polar-webhooks:alarmEmail: "ops-at-example.com" is invalid; use an email address, e.g. "ops@example.com", or leave it unset for alarms without notifications',
    ],
    [
      "secretRotation blank",
      { "polar-webhooks:secretRotation": "  " },
      'polar-webhooks:secretRotation: "  " is invalid; use a non-empty marker such as "2026-11"; changing it rotates the signing secret',
    ],
    [
      "rotationGraceHours above 7 days",
      { "polar-webhooks:rotationGraceHours": "169" },
      "polar-webhooks:rotationGraceHours: 169 is invalid; use a whole number of hours from 0 to 168 (7 days, as Stripe's roll secret allows): how long the previous signing secret stays valid after a rotation; 0 ends it at once",
    ],
    [
      "rotationGraceHours negative",
      { "polar-webhooks:rotationGraceHours": "-1" },
      "polar-webhooks:rotationGraceHours: -1 is invalid; use a whole number of hours from 0 to 168 (7 days, as Stripe's roll secret allows): how long the previous signing secret stays valid after a rotation; 0 ends it at once",
    ],
    [
      "rotationGraceHours fractional",
      { "polar-webhooks:rotationGraceHours": "1.5" },
      "polar-webhooks:rotationGraceHours: 1.5 is invalid; use a whole number of hours from 0 to 168 (7 days, as Stripe's roll secret allows): how long the previous signing secret stays valid after a rotation; 0 ends it at once",
    ],
    [
      "rotationGraceHours as words",
      { "polar-webhooks:rotationGraceHours": "24h" },
      'polar-webhooks:rotationGraceHours: "24h" is invalid; use a whole number of hours from 0 to 168 (7 days, as Stripe\'s roll secret allows): how long the previous signing secret stays valid after a rotation; 0 ends it at once',
    ],
    [
      "extraEndpoints: every field of an entry, URL never echoed",
      {
        "polar-webhooks:extraEndpoints": JSON.stringify([
          {
            name: "Slack",
            url: "http://hooks.slack.com/services/T0/B0/secret",
            events: ["order.payed"],
            format: "teams",
          },
        ]),
      },
      'polar-webhooks:extraEndpoints: [{"name":"Slack","url":"<redacted>","events":["order.payed"],"format":"teams"}] is invalid; ' +
        "[0].name: must be 1-40 lower-case letters, digits or -; [0].url: uses http; Polar only delivers to https URLs; " +
        '[0].events[0]: "order.payed" is not a Polar event type (did you mean "order.paid"?); [0].format: must be one of raw, slack, discord; ' +
        "use a list of {name, url, events, format?}: name unique, url an https URL Polar accepts, events Polar event types, format one of raw, slack, discord (default: detected from the url)",
    ],
    [
      "extraEndpoints: private URL, unknown field, missing events",
      {
        "polar-webhooks:extraEndpoints": JSON.stringify([
          { name: "a", url: "https://example.com/a", events: ["order.paid"] },
          { name: "b", url: "https://127.0.0.1/b", extra: true },
        ]),
      },
      'polar-webhooks:extraEndpoints: [{"name":"a","url":"<redacted>","events":["order.paid"]},{"name":"b","url":"<redacted>","extra":true}] is invalid; ' +
        "[1].url: points to localhost or a private IP address, which Polar rejects; expose the receiver on a public https URL (e.g. through a tunnel); " +
        "[1].events: must be a list of Polar event types; " +
        '[1]: Unrecognized key: "extra"; ' +
        "use a list of {name, url, events, format?}: name unique, url an https URL Polar accepts, events Polar event types, format one of raw, slack, discord (default: detected from the url)",
    ],
    [
      "a value longer than 200 characters, shortened",
      { "polar-webhooks:path": `/${"a".repeat(600)}` },
      `polar-webhooks:path: "/${"a".repeat(197)}… is invalid; use an absolute path of segments made of letters, digits, "-", "_", ".", "~", without a trailing slash, e.g. "/polar/webhooks"`,
    ],
    [
      "extraEndpoints: duplicate names",
      {
        "polar-webhooks:extraEndpoints": JSON.stringify([
          { name: "a", url: "https://example.com/a", events: ["order.paid"] },
          { name: "a", url: "https://example.com/b", events: ["order.paid"] },
        ]),
      },
      'polar-webhooks:extraEndpoints: [{"name":"a","url":"<redacted>","events":["order.paid"]},{"name":"a","url":"<redacted>","events":["order.paid"]}] is invalid; [1].name: "a" is used twice; use a list of {name, url, events, format?}: name unique, url an https URL Polar accepts, events Polar event types, format one of raw, slack, discord (default: detected from the url)',
    ],
    [
      "tags",
      { "polar-webhooks:tags": '{"aws:owner":"x","stack":"y","team":5}' },
      'polar-webhooks:tags: {"aws:owner":"x","stack":"y","team":5} is invalid; ["aws:owner"]: is not a valid AWS tag key; stack: is set by the program; team: must be a string (quote it); use a map of tag keys to string values (keys 1-128 characters, not starting with "aws:", values at most 256 characters; project and stack are set by the program)',
    ],
    [
      "consumerTimeoutSeconds above 12 h / 6",
      { "polar-webhooks:consumerTimeoutSeconds": "7201" },
      "polar-webhooks:consumerTimeoutSeconds: 7201 is invalid; use a whole number of seconds from 1 to 7200 (the consumer's timeout, at most 900 with polar-webhooks:consumer; the queue's visibility timeout is 6 times this, at most 12 hours)",
    ],
    [
      "consumerTimeoutSeconds fractional",
      { "polar-webhooks:consumerTimeoutSeconds": "2.5" },
      "polar-webhooks:consumerTimeoutSeconds: 2.5 is invalid; use a whole number of seconds from 1 to 7200 (the consumer's timeout, at most 900 with polar-webhooks:consumer; the queue's visibility timeout is 6 times this, at most 12 hours)",
    ],
    [
      "reservedConcurrency 0 (would disable the function)",
      { "polar-webhooks:reservedConcurrency": "0" },
      "polar-webhooks:reservedConcurrency: 0 is invalid; use a whole number from 1 to 1000, or leave it unset for unreserved concurrency",
    ],
    [
      "logRetentionDays not a CloudWatch value",
      { "polar-webhooks:logRetentionDays": "31" },
      `polar-webhooks:logRetentionDays: 31 is invalid; use one of CloudWatch's retention periods: ${RETENTIONS}`,
    ],
    [
      "adoptEndpointId",
      { "polar-webhooks:adoptEndpointId": "we_123" },
      'polar-webhooks:adoptEndpointId: "we_123" is invalid; use the id (a UUID) of an existing Polar webhook endpoint to take over, or leave it unset',
    ],
    [
      "apiVersion",
      { "polar-webhooks:apiVersion": "2025-01" },
      `polar-webhooks:apiVersion: "2025-01" is invalid; use one of 2026-04, 2026-10, 2027-01, or leave it unset for Polar's default`,
    ],
    [
      "organizationId",
      { "polar-webhooks:organizationId": "acme" },
      'polar-webhooks:organizationId: "acme" is invalid; use your Polar organization id (a UUID); set it only with a personal (user) access token, never with an organization token (polar_oat_…)',
    ],
    [
      "polar:server",
      { "polar:server": "prod" },
      'polar:server: "prod" is invalid; use "sandbox" or "production"',
    ],
    [
      "unknown project key",
      { "polar-webhooks:evnts": '["order.paid"]' },
      'polar-webhooks:evnts: ["order.paid"] is invalid; unknown key (did you mean polar-webhooks:events?); known keys: polar-webhooks:events, polar-webhooks:path, polar-webhooks:queueKind, polar-webhooks:alarmEmail, polar-webhooks:secretRotation, polar-webhooks:rotationGraceHours, polar-webhooks:extraEndpoints, polar-webhooks:tags, polar-webhooks:consumerTimeoutSeconds, polar-webhooks:consumer, polar-webhooks:consumerMemorySize, polar-webhooks:consumerBatchSize, polar-webhooks:consumerBatchingWindowSeconds, polar-webhooks:consumerMaxConcurrency, polar-webhooks:consumerLagAlarmSeconds, polar-webhooks:reservedConcurrency, polar-webhooks:logRetentionDays, polar-webhooks:adoptEndpointId, polar-webhooks:apiVersion, polar-webhooks:organizationId, polar:server',
    ],
  ])("rejects %s with the key, the value and what is allowed", (_case, extra, message) => {
    expect(problemsOf(extra)).toEqual([message]);
  });

  it("lists every bad key in one error", () => {
    // Act
    const act = () =>
      parseStackConfig({
        "polar-webhooks:events": '["order.payed"]',
        "polar-webhooks:queueKind": "lifo",
        "polar:server": "live",
        "polar:accessToken": "polar_oat_not_checked_here",
      });
    // Assess
    expect(act).toThrowError(
      new StackConfigError([
        {
          key: "polar-webhooks:events",
          message:
            'polar-webhooks:events: ["order.payed"] is invalid; [0]: "order.payed" is not a Polar event type (did you mean "order.paid"?); use a non-empty list of distinct Polar event types, e.g. ["order.paid", "subscription.updated"]',
        },
        {
          key: "polar-webhooks:queueKind",
          message: 'polar-webhooks:queueKind: "lifo" is invalid; use "standard" or "fifo"',
        },
        {
          key: "polar:server",
          message: 'polar:server: "live" is invalid; use "sandbox" or "production"',
        },
      ]).message,
    );
    expect(act).toThrowError(
      /^Invalid stack configuration \(3 problems; nothing was created\):\n {2}polar-webhooks:events: /,
    );
  });

  it("accepts both example stack files as the runtime hands them over", () => {
    expect(parseStackConfig(toRuntimeConfig(readStackFile("dev")))).toMatchObject({
      server: "sandbox",
      consumer: "lambda/consumer/example.ts",
      queueKind: "standard",
      logRetentionDays: 14,
      alarmEmail: undefined,
      tags: { environment: "dev", owner: "platform" },
    });
    expect(parseStackConfig(toRuntimeConfig(readStackFile("prod")))).toMatchObject({
      server: "production",
      queueKind: "fifo",
      consumerTimeoutSeconds: 60,
      consumer: "lambda/consumer/example.ts",
      consumerMaxConcurrency: 20,
      reservedConcurrency: 20,
      logRetentionDays: 90,
      alarmEmail: "ops@example.com",
    });
  });

  it("keeps secrets out of the example stack files", () => {
    for (const stack of ["dev", "prod"]) {
      const text = JSON.stringify(readStackFile(stack));
      expect([stack, /polar_(oat|pat)_|whsec_|accessToken|secure:/.test(text)]).toEqual([
        stack,
        false,
      ]);
    }
  });
});
