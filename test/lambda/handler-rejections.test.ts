// The handler in-process: every rejected request gets its status, and nothing is enqueued.
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, StaticSecretProvider, type SecretProvider } from "../../lambda/index";
import {
  apiGatewayEvent,
  legacySecret,
  nowSeconds,
  SCHEME,
  standardSecret,
  TestDelivery,
} from "./support";
import { setUp } from "./handler-support";

describe("Function: handler (in-process, SQS = fauxqs)", () => {
  describe("rejected requests: status, and nothing enqueued", () => {
    const secretA = standardSecret();
    type Case = {
      name: string;
      event: (secret: string) => APIGatewayProxyEventV2;
      status: number;
      outcome: string;
    };
    const signed = (
      secret: string,
      options: Partial<ConstructorParameters<typeof TestDelivery>[0]> = {},
    ) => new TestDelivery({ ...options, secret });
    const cases: Case[] = [
      {
        name: "missing webhook-signature",
        event: (s) => signed(s).event({ headers: { "webhook-signature": "" } }),
        status: 403,
        outcome: "missing_headers",
      },
      {
        name: "missing webhook-id",
        event: (s) => {
          const d = signed(s);
          return apiGatewayEvent({
            body: d.body,
            headers: { ...d.headers(), "webhook-id": undefined },
          });
        },
        status: 403,
        outcome: "missing_headers",
      },
      {
        name: "missing webhook-timestamp",
        event: (s) => {
          const d = signed(s);
          return apiGatewayEvent({
            body: d.body,
            headers: { ...d.headers(), "webhook-timestamp": undefined },
          });
        },
        status: 403,
        outcome: "missing_headers",
      },
      {
        name: "garbled signature",
        event: (s) => signed(s).event({ headers: { "webhook-signature": "v1,not-base64!!" } }),
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "garbled timestamp",
        event: (s) => signed(s).event({ headers: { "webhook-timestamp": "yesterday" } }),
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "wrong secret",
        event: () => signed(standardSecret()).event(),
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "wrong secret, legacy scheme",
        event: () => signed(legacySecret(), { scheme: SCHEME.LEGACY }).event(),
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "stale timestamp (now − 330 s)",
        // 30 s past the tolerance: the case is built before an awaited set-up, and a loaded machine
        // must not move it back inside the window.
        event: (s) => signed(s, { timestamp: nowSeconds() - 330 }).event(),
        status: 403,
        outcome: "stale_timestamp",
      },
      {
        name: "future timestamp (now + 330 s)",
        event: (s) => signed(s, { timestamp: nowSeconds() + 330 }).event(),
        status: 403,
        outcome: "stale_timestamp",
      },
      {
        name: "tampered body",
        event: (s) => {
          const d = signed(s);
          return apiGatewayEvent({
            body: d.body.toString("utf8").replace("order.paid", "order.refunded"),
            headers: d.headers(),
          });
        },
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "oversized body (limit + 1 byte, correctly signed)",
        event: (s) => {
          const prefix = '{"type":"order.paid","data":"';
          return signed(s, {
            body: `${prefix}${"a".repeat(MAX_BODY_BYTES - prefix.length - 1)}"}`,
          }).event();
        },
        status: 413,
        outcome: "payload_too_large",
      },
      {
        name: "isBase64Encoded true on a plain body",
        event: (s) => {
          const d = signed(s);
          const event = d.event();
          event.isBase64Encoded = true;
          return event;
        },
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "isBase64Encoded false on a base64 body",
        event: (s) => {
          const event = signed(s).event({ base64: true });
          event.isBase64Encoded = false;
          return event;
        },
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "signed body that is not valid UTF-8",
        event: (s) => signed(s, { body: Buffer.from([0x7b, 0xff, 0x7d]) }).event({ base64: true }),
        status: 403,
        outcome: "invalid_signature",
      },
      {
        name: "signed non-JSON body",
        event: (s) => signed(s, { body: "type=order.paid" }).event(),
        status: 400,
        outcome: "not_a_polar_event",
      },
      {
        name: "signed JSON without a string type (Slack format)",
        event: (s) => signed(s, { body: '{"text":"order.paid"}' }).event(),
        status: 400,
        outcome: "not_a_polar_event",
      },
      {
        name: "signed empty body",
        event: (s) => signed(s, { body: "" }).event(),
        status: 400,
        outcome: "not_a_polar_event",
      },
      {
        name: "signed event containing U+FFFF (SQS would refuse it)",
        event: (s) => signed(s, { body: '{"type":"order.paid","data":"\uffff"}' }).event(),
        status: 400,
        outcome: "body_not_enqueueable",
      },
      {
        name: "GET",
        event: (s) => signed(s).event({ method: "GET" }),
        status: 405,
        outcome: "method_not_allowed",
      },
      {
        name: "PUT",
        event: (s) => signed(s).event({ method: "PUT" }),
        status: 405,
        outcome: "method_not_allowed",
      },
    ];

    it.each(cases)("$name → $status", async ({ event, status, outcome }) => {
      // Prepare
      const { handler, messages, logs } = await setUp({ current: secretA });
      // Act
      const result = await handler(event(secretA));
      // Assess
      expect(result).toEqual({
        statusCode: status,
        headers: {
          "content-type": "application/json",
          ...(status === 405 ? { allow: "POST" } : {}),
        },
        body: JSON.stringify({ error: outcome }),
      });
      expect(await messages()).toEqual([]);
      expect(logs.map((entry) => [entry.outcome, entry.status, entry.level])).toEqual([
        [outcome, status, status >= 500 ? "error" : "warn"],
      ]);
    });

    it("never consults the secret store for unsigned requests", async () => {
      let lookups = 0;
      const keys = new StaticSecretProvider(secretA);
      const counting: SecretProvider = {
        getKeys: () => {
          lookups += 1;
          return keys.getKeys();
        },
        refreshAfterMiss: () => keys.refreshAfterMiss(),
      };
      const { handler } = await setUp({ secretProvider: counting });
      const result = await handler(apiGatewayEvent({ body: '{"type":"order.paid"}' }));
      expect([result.statusCode, lookups]).toEqual([403, 0]);
    });
  });
});
