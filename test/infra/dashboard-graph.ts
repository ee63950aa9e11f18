// The CloudWatch dashboard of a component already registered under mocks: every metric on it names a resource of
// this stack (its API and stage, its functions, its queues, the metrics of its own log filters), in its region, and
// every part of the pipeline is on it.
import { describe, expect, it } from "vitest";
import { named, ofType, one, REGION, type Harness } from "./support";

export interface DashboardExpectations {
  /** The component's name: the dashboard's, and the prefix of every child. */
  readonly prefix: string;
  readonly consumer: boolean;
}

interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly options: Record<string, unknown>;
}

/** `[namespace, metricName, dimension, value, …, options?]` → its parts; an expression line → undefined. */
function parseLine(line: unknown[]): MetricRef | undefined {
  if (line.length === 1 && typeof line[0] === "object") return undefined;
  const last = line[line.length - 1];
  const options = typeof last === "object" ? (last as Record<string, unknown>) : {};
  const names = line.filter((part): part is string => typeof part === "string");
  const [namespace, metricName, ...pairs] = names;
  expect(pairs.length % 2).toBe(0);
  const dimensions: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) dimensions[pairs[i]] = pairs[i + 1];
  return { namespace, metricName, dimensions, options };
}

export function describeDashboard(harness: () => Harness, e: DashboardExpectations): void {
  const body = () =>
    JSON.parse(
      named(harness(), "aws:cloudwatch/dashboard:Dashboard", `${e.prefix}-dashboard`).inputs
        .dashboardBody,
    ) as { widgets: { type: string; properties: Record<string, any> }[] };
  const metrics = () =>
    body().widgets.flatMap((w) =>
      (w.properties.metrics as unknown[][]).map(parseLine).filter((m) => m !== undefined),
    );

  describe("the dashboard", () => {
    it("is named after the component and shows every part of the pipeline", () => {
      const dashboard = named(
        harness(),
        "aws:cloudwatch/dashboard:Dashboard",
        `${e.prefix}-dashboard`,
      );
      expect(dashboard.inputs.dashboardName).toBe(e.prefix);
      expect(body().widgets.map((w) => w.properties.title)).toEqual([
        "Polar deliveries by status",
        "Receiver latency (ms)",
        "Signature failures (403)",
        "Enqueue failures (503, Polar retries)",
        "Queue",
        "Dead-letter queue",
        ...(e.consumer ? ["Consumer errors"] : []),
      ]);
      for (const widget of body().widgets) {
        expect([widget.properties.title, widget.type, widget.properties.region]).toEqual([
          widget.properties.title,
          "metric",
          REGION,
        ]);
      }
    });

    it("names only this stack's API, functions, queues and log-derived metrics", () => {
      const api = one(harness(), "aws:apigatewayv2/api:Api");
      const stage = one(harness(), "aws:apigatewayv2/stage:Stage");
      const functions = ofType(harness(), "aws:lambda/function:Function").map((f) => f.inputs.name);
      const queues = ofType(harness(), "aws:sqs/queue:Queue").map((q) => q.inputs.name);
      const filters = ofType(harness(), "aws:cloudwatch/logMetricFilter:LogMetricFilter").map(
        (f) => f.inputs.metricTransformation,
      );
      const foreign = metrics().filter((m) => {
        switch (m.namespace) {
          case "AWS/ApiGateway":
            return !(m.dimensions.ApiId === api.id && m.dimensions.Stage === stage.inputs.name);
          case "AWS/Lambda":
            return !functions.includes(m.dimensions.FunctionName);
          case "AWS/SQS":
            return !queues.includes(m.dimensions.QueueName);
          case "PolarWebhooks": {
            const filter = filters.find((f) => f.name === m.metricName);
            return !(
              filter &&
              filter.namespace === m.namespace &&
              Object.keys(m.dimensions).every((d) => d in (filter.dimensions ?? {}))
            );
          }
          default:
            return true;
        }
      });
      expect(foreign).toEqual([]);
      // Dimension-less AWS metrics would be account-wide.
      for (const m of metrics().filter((m) => m.namespace.startsWith("AWS/"))) {
        expect([m.metricName, Object.keys(m.dimensions).length > 0]).toEqual([m.metricName, true]);
      }
    });

    it("covers both queues, every function, and the 403, enqueue-failure and consumer metrics", () => {
      const covered = new Set(
        metrics().map(
          (m) => `${m.namespace} ${m.metricName} ${Object.values(m.dimensions)[0] ?? ""}`,
        ),
      );
      const functions = ofType(harness(), "aws:lambda/function:Function").map((f) => f.inputs.name);
      expect(functions).toHaveLength(e.consumer ? 2 : 1);
      const apiId = one(harness(), "aws:apigatewayv2/api:Api").id;
      const expected = [
        ...["Count", "4xx", "5xx"].map((metric) => `AWS/ApiGateway ${metric} ${apiId}`),
        `AWS/Lambda Duration ${e.prefix}-receiver`,
        ...(e.consumer ? [`AWS/Lambda Errors ${e.prefix}-consumer`] : []),
        ...ofType(harness(), "aws:sqs/queue:Queue").map(
          (q) => `AWS/SQS ApproximateNumberOfMessagesVisible ${q.inputs.name}`,
        ),
        `PolarWebhooks ${e.prefix}-forbidden `,
        `PolarWebhooks ${e.prefix}-enqueue-failures enqueue_failed`,
        `PolarWebhooks ${e.prefix}-enqueue-failures deadline_exceeded`,
        `PolarWebhooks ${e.prefix}-enqueue-failures secret_unavailable`,
        ...(e.consumer ? [`PolarWebhooks ${e.prefix}-consumer-failed-records `] : []),
      ];
      expect(expected.filter((m) => !covered.has(m))).toEqual([]);
    });

    it("counts the receiver's 503s by outcome from its JSON log lines", () => {
      expect(
        named(
          harness(),
          "aws:cloudwatch/logMetricFilter:LogMetricFilter",
          `${e.prefix}-enqueue-failures`,
        ).inputs,
      ).toEqual({
        logGroupName: `/aws/lambda/${e.prefix}-receiver`,
        pattern:
          '{ $.msg = "webhook" && ($.outcome = "enqueue_failed" || ' +
          '$.outcome = "deadline_exceeded" || $.outcome = "secret_unavailable") }',
        metricTransformation: {
          namespace: "PolarWebhooks",
          name: `${e.prefix}-enqueue-failures`,
          value: "1",
          unit: "Count",
          dimensions: { Outcome: "$.outcome" },
        },
      });
    });

    it("derives 2xx from the API's Count, 4xx and 5xx, and shows receiver p50 and p99", () => {
      const [deliveries, latency] = body().widgets.map((w) => w.properties.metrics);
      expect(deliveries[0]).toEqual([
        { expression: "requests - m4xx - m5xx", label: "2xx", id: "m2xx" },
      ]);
      expect(deliveries.slice(1).map((line: unknown[]) => parseLine(line)?.options.id)).toEqual([
        "requests",
        "m4xx",
        "m5xx",
      ]);
      expect(latency.map((line: unknown[]) => parseLine(line)?.options.stat)).toEqual([
        "p50",
        "p99",
      ]);
    });
  });
}
