/**
 * lambda/index.ts is what the Pulumi program imports (through infra/ingress.ts): loading it must
 * not build any SQS/SSM client. The bundle's entry point (handler.ts) builds none either: it calls
 * AWS through aws-lite, on the first delivery.
 */
import * as path from "node:path";
import { build } from "esbuild";
import { beforeEach, describe, expect, it, vi } from "vitest";

const constructed = vi.hoisted(() => [] as string[]);

vi.mock("@aws-sdk/client-sqs", async (importOriginal) => {
  const sdk = await importOriginal<typeof import("@aws-sdk/client-sqs")>();
  class SQSClient extends sdk.SQSClient {
    constructor(...args: ConstructorParameters<typeof sdk.SQSClient>) {
      super(...args);
      constructed.push("SQSClient");
    }
  }
  return { ...sdk, SQSClient };
});

vi.mock("@aws-sdk/client-ssm", async (importOriginal) => {
  const sdk = await importOriginal<typeof import("@aws-sdk/client-ssm")>();
  class SSMClient extends sdk.SSMClient {
    constructor(...args: ConstructorParameters<typeof sdk.SSMClient>) {
      super(...args);
      constructed.push("SSMClient");
    }
  }
  return { ...sdk, SSMClient };
});

const REPO = path.resolve(__dirname, "../..");

beforeEach(() => {
  vi.resetModules();
  constructed.length = 0;
});

describe("Module: lambda/index.ts", () => {
  it("constructs no SQS or SSM client when imported, and exports what infra/ uses", async () => {
    const lambda = await import("../../lambda/index.js");
    expect(constructed).toEqual([]);
    expect(typeof lambda.createHandler).toBe("function");
    expect(lambda.ENV.QUEUE_URL).toBe("QUEUE_URL");
    expect(lambda.SQS_MAX_MESSAGE_BYTES).toBe(1_048_576);
  });

  it("constructs none through infra/ingress.ts, the program's way to lambda/ either", async () => {
    await import("../../infra/ingress.js");
    expect(constructed).toEqual([]);
  });

  it("does not have lambda/handler.ts in its module graph", async () => {
    const result = await build({
      entryPoints: [path.join(REPO, "lambda/index.ts")],
      absWorkingDir: REPO,
      bundle: true,
      platform: "node",
      packages: "external",
      metafile: true,
      write: false,
      logLevel: "silent",
    });
    const modules = Object.keys(result.metafile.inputs);
    expect(modules).not.toContain("lambda/handler.ts");
    expect(modules).toContain("lambda/receiver.ts");
    // lambda/ holds what runs in a Lambda: no bundler, no local server, no embedded queue; of other parts only the
    // leaf list of Polar's event types.
    expect(modules.filter((m) => !m.startsWith("lambda/"))).toEqual(["providers/polar/events.ts"]);
    const packages = Object.values(result.metafile.inputs).flatMap((i) =>
      i.imports.map((d) => d.path),
    );
    expect(packages.filter((d) => /^(esbuild|fauxqs|node:http|@pulumi\/)/.test(d))).toEqual([]);
  });
});

describe("Module: lambda/handler.ts (the bundle's entry point)", () => {
  it("builds no AWS SDK client at import (aws-lite calls AWS, on the first delivery)", async () => {
    const entry = await import("../../lambda/handler.js");
    expect(constructed).toEqual([]);
    expect(typeof entry.handler).toBe("function");
  });
});

describe("Function: createHandler with SDK client configs", () => {
  it("builds exactly one client of each kind, through the modules mocked here, so the checks above can see one", async () => {
    const lambda = await import("../../lambda/index.js");
    const handler = lambda.createHandler({
      queueUrl: "http://127.0.0.1:9/000000000000/q",
      env: { WEBHOOK_SECRET_PARAMETER: "/p" },
      sqsClientConfig: { region: "us-east-1" },
      ssmClientConfig: { region: "us-east-1" },
      requestBudgetMs: 1,
      log: () => undefined,
    });
    expect(constructed).toEqual([]);
    await handler({
      requestContext: { http: { method: "POST" } },
      headers: { "webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "v1,x" },
      body: "{}",
    } as unknown as Parameters<typeof handler>[0]);
    expect(constructed.sort()).toEqual(["SQSClient", "SSMClient"]);
  });
});
