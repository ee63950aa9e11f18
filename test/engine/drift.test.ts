// `npm run stack -- drift <stack>` under the real engine against the Polar emulator: the same
// operations the npm scripts run (scripts/operations.ts) on an inline program of WebhookEndpoints
// (the AWS program cannot run here). Each check changes no state; each drift is then fixed the way
// its line says, with `npm run up`, and the next check is clean. Follows the runbook in docs/runbooks.md.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PolarClient, parseName, WebhookEndpoint } from "../../providers/polar";
import { runOperation, type Operation } from "../../scripts/operations";
import { startPolarEmulator, type PolarEmulator } from "../emulators/polar";
import { createEngineStack, outputCollector, type EngineStack } from "./harness";

describe("drift check (npm run stack -- drift)", () => {
  let polar: PolarEmulator;
  let engine: EngineStack;
  const log = outputCollector();

  beforeAll(async () => {
    polar = await startPolarEmulator();
    engine = await createEngineStack({
      projectName: "polar-drift",
      stackName: "prod",
      program: async () => {
        const endpoints = ["orders", "refunds", "alerts"].map(
          (name) =>
            new WebhookEndpoint(name, {
              url: `https://example.com/polar/${name}`,
              events: ["order.paid"],
              name,
            }),
        );
        return Object.fromEntries(endpoints.map((e, i) => [`id${i}`, e.id]));
      },
      config: {
        "polar:accessToken": { value: polar.organizationToken, secret: true },
        "polar:apiUrl": { value: polar.url },
      },
    });
  });
  afterAll(async () => {
    await engine?.dispose();
    await polar?.close();
  });

  /** Runs an operation as `npm run …` would; resolves to its exit code and printed lines. */
  async function run(operation: Operation, json = false) {
    const printed: string[] = [];
    const code = await runOperation(engine.stack, operation, {
      onOutput: log.onOutput,
      print: (line) => printed.push(line),
      json,
    });
    return { code, output: printed.join("\n") };
  }

  /** A drift check must not write state: the backend's files are the same before and after. */
  async function drift(json = false) {
    const before = await engine.backendFiles();
    polar.resetRequests();
    const result = await run("drift", json);
    expect(await engine.backendFiles()).toEqual(before);
    // Reads only.
    expect(polar.requests.filter((r) => r.method !== "GET")).toEqual([]);
    return result;
  }

  const endpointNamed = (name: string) =>
    polar.endpoints().find((e) => parseName(e.name).declared === name)!;

  it("a stack never deployed: says so and exits 2", async () => {
    const { code, output } = await drift();
    expect(code).toBe(2);
    expect(output).toBe(
      "[drift] prod: cannot check for drift: stack prod has never been deployed (no resources in its state), so there is nothing to compare with: deploy it first with `npm run up -- prod`.",
    );
  });

  it("nothing changed since the deployment: exits 0", async () => {
    expect((await run("up")).code).toBe(0);
    expect(polar.endpoints()).toHaveLength(3);
    const { code, output } = await drift();
    expect(code).toBe(0);
    expect(output).toBe("[drift] prod: no drift; every resource matches the last deployment.");
    expect(polar.requests.map((r) => `${r.method} ${r.route}`)).toEqual(
      Array(3).fill("GET /v1/webhooks/endpoints/{id}"),
    );
  });

  // Three kinds of drift at once: each has its own line (and JSON finding), and one `npm run up` fixes them all.
  it("Polar's auto-disable, an edit outside Pulumi, a delete in Polar: exit 1, one line each; one `npm run up` fixes all", async () => {
    const [orders, refunds, alerts] = ["orders", "refunds", "alerts"].map(endpointNamed);
    polar.autoDisable(orders!.id);
    polar.updateEndpointOutOfBand(refunds!.id, {
      events: ["order.paid", "order.refunded"],
      url: "https://example.com/elsewhere",
    });
    polar.deleteEndpointOutOfBand(alerts!.id);

    const lines = {
      disabled: `- Polar disabled webhook endpoint ${orders!.id} (orders) after failed deliveries (or it was turned off in the dashboard): fix the receiver, then \`npm run up -- prod\` re-enables it.`,
      edited: `- Webhook endpoint ${refunds!.id} (refunds) was edited outside Pulumi (url: "https://example.com/polar/refunds" → "https://example.com/elsewhere"; events: [order.paid] → [order.paid, order.refunded]): \`npm run up -- prod\` puts back what the code declares.`,
      deleted: `- Webhook endpoint ${alerts!.id} (alerts) was deleted in Polar: \`npm run up -- prod\` creates it again (with a new secret, which the receiver gets from SSM).`,
    };
    const text = await drift();
    expect(text.code).toBe(1);
    expect(text.output).toBe(
      [
        // By URN: alerts, orders, refunds.
        "[drift] prod: 3 resources drifted from the last deployment:",
        lines.deleted,
        lines.disabled,
        lines.edited,
      ].join("\n"),
    );

    const json = await drift(true);
    expect(json.code).toBe(1);
    const urnOf = (name: string) => expect.stringMatching(new RegExp(`::${name}$`));
    const type = "pulumi-nodejs:dynamic/polar:WebhookEndpoint";
    expect(JSON.parse(json.output)).toEqual({
      stack: "prod",
      drifted: true,
      notes: [],
      findings: [
        {
          urn: urnOf("alerts"),
          type,
          name: "alerts",
          id: alerts!.id,
          kind: "deleted",
          changes: [],
          message: lines.deleted.slice(2),
        },
        {
          urn: urnOf("orders"),
          type,
          name: "orders",
          id: orders!.id,
          kind: "disabled",
          changes: [{ property: "enabled", from: true, to: false }],
          message: lines.disabled.slice(2),
        },
        {
          urn: urnOf("refunds"),
          type,
          name: "refunds",
          id: refunds!.id,
          kind: "edited",
          changes: [
            {
              property: "url",
              from: "https://example.com/polar/refunds",
              to: "https://example.com/elsewhere",
            },
            {
              property: "events",
              from: ["order.paid"],
              to: ["order.paid", "order.refunded"],
            },
          ],
          message: lines.edited.slice(2),
        },
      ],
    });

    await run("up");
    expect(polar.getEndpoint(orders!.id)?.enabled).toBe(true);
    expect(polar.getEndpoint(refunds!.id)).toMatchObject({
      url: "https://example.com/polar/refunds",
      events: ["order.paid"],
      secret: refunds!.secret,
    });
    const recreated = endpointNamed("alerts");
    expect(recreated.id).not.toBe(alerts!.id);
    expect(recreated.secret).not.toBe(alerts!.secret);
    expect((await drift()).code).toBe(0);
  });

  it("a secret reset in the dashboard: exit 1; `npm run up` records the new secret", async () => {
    const orders = endpointNamed("orders");
    const client = new PolarClient({ accessToken: polar.organizationToken, baseUrl: polar.url });
    const reset = await client.resetWebhookEndpointSecret(orders.id).finally(() => client.close());

    const { code, output } = await drift();
    expect(code).toBe(1);
    expect(output).toContain(
      `- The signing secret of webhook endpoint ${orders.id} (orders) was reset outside Pulumi: the receiver rejects deliveries signed with it until \`npm run up -- prod\` writes it to the receiver's SSM parameter.`,
    );
    expect(output).not.toContain(reset.secret);

    await run("up");
    const state = await engine.stack.exportStack();
    const stored = state.deployment.resources.find((r: { id?: string }) => r.id === orders.id);
    expect(stored.outputs.secret.plaintext).toBe(JSON.stringify(reset.secret));
    expect((await drift()).code).toBe(0);
  });

  it("a read-only run (the workflows' previews and drift checks) refuses a token in stack config, and reads with POLAR_ACCESS_TOKEN", async () => {
    // The stack's config holds the organization token, which has webhooks:write.
    const readToken = polar.createToken({ kind: "organization", scopes: ["webhooks:read"] });
    const env = { ...process.env, POLAR_READ_ONLY: "true", POLAR_ACCESS_TOKEN: readToken };
    const refusal =
      "polar:accessToken is set in the stack config, and this run is read-only (POLAR_READ_ONLY=true: a preview or drift check), which never uses a token from stack config";
    const operate = async (operation: Operation) => {
      const printed: string[] = [];
      const code = await runOperation(engine.stack, operation, {
        onOutput: log.onOutput,
        print: (line) => printed.push(line),
        env,
      });
      return { code, output: printed.join("\n") };
    };
    polar.resetRequests();

    const drifted = await operate("drift");
    const previewed = await operate("preview");
    expect([drifted.code, previewed.code]).toEqual([2, 2]);
    expect(drifted.output).toContain(`[drift] prod: cannot check for drift: ${refusal}`);
    expect(previewed.output).toContain(`[preview] prod: refused: ${refusal}`);
    expect(previewed.output).toContain("pulumi config rm polar:accessToken -s <stack>");
    // A plain `pulumi preview` in such a job: the provider refuses the config token too.
    vi.stubEnv("POLAR_READ_ONLY", "true");
    vi.stubEnv("POLAR_ACCESS_TOKEN", readToken);
    try {
      const failure = await engine.stack.preview({ onOutput: log.onOutput }).then(
        () => "",
        (error: Error) => error.message,
      );
      expect(failure).toContain(refusal);
      expect(polar.requests).toEqual([]);

      // The token moved out of the config as the message says, and one `up` by the deploy job
      // (with its token in POLAR_ACCESS_TOKEN), after which the state's provider holds none
      // either: the read-only job reads with its own token, and only reads.
      await engine.stack.removeConfig("polar:accessToken");
      vi.stubEnv("POLAR_READ_ONLY", "");
      vi.stubEnv("POLAR_ACCESS_TOKEN", polar.organizationToken);
      expect((await run("up")).code).toBe(0);
      vi.stubEnv("POLAR_READ_ONLY", "true");
      vi.stubEnv("POLAR_ACCESS_TOKEN", readToken);
      polar.resetRequests();
      expect((await operate("drift")).code).toBe(0);
      expect((await operate("preview")).code).toBe(0);
      expect(polar.requests.length).toBeGreaterThan(0);
      expect(polar.requests.filter((r) => r.method !== "GET")).toEqual([]);
      expect(polar.requests.every((r) => r.status === 200)).toBe(true);
    } finally {
      vi.unstubAllEnvs();
      await engine.stack.setConfig("polar:accessToken", {
        value: polar.organizationToken,
        secret: true,
      });
    }
  });

  it("cannot check without a Polar token: exit 2 with the provider's message", async () => {
    await engine.stack.removeConfig("polar:accessToken");
    try {
      const { code, output } = await drift(true);
      expect(code).toBe(2);
      const report = JSON.parse(output);
      expect(report).toMatchObject({ stack: "prod", drifted: null, findings: [] });
      expect(report.error).toContain("Polar access token is missing");
    } finally {
      await engine.stack.setConfig("polar:accessToken", {
        value: polar.organizationToken,
        secret: true,
      });
    }
  });

  it("destroy (with the current program) removes everything", async () => {
    expect((await run("destroy")).code).toBe(0);
    expect(polar.endpoints()).toEqual([]);
  });
});
