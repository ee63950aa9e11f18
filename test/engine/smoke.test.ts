// Proves the toolchain: the real Pulumi CLI, the Automation API inline-program path and the nodejs
// dynamic-provider host all work on this machine, offline, with a file backend.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineStack, outputCollector, type EngineStack } from "./harness";

interface CounterInputs {
  label: string;
}
interface CounterOutputs extends CounterInputs {
  /** Derived by the provider so the test can tell provider output from echoed input. */
  shout: string;
  /** A provider-generated value that must be stored encrypted (additionalSecretOutputs). */
  token: string;
  readCount: number;
}

// Self-contained on purpose: the provider is serialized into state and runs in the provider host.
const counterProvider: pulumi.dynamic.ResourceProvider<CounterInputs, CounterOutputs> = {
  async diff(_id, olds, news) {
    return { changes: olds.label !== news.label };
  },
  async create(inputs) {
    const { randomBytes } = require("node:crypto") as typeof import("node:crypto");
    return {
      id: `counter-${randomBytes(4).toString("hex")}`,
      outs: {
        label: inputs.label,
        shout: inputs.label.toUpperCase(),
        token: `tok_${randomBytes(16).toString("hex")}`,
        readCount: 0,
      },
    };
  },
  async read(id, props) {
    const current = props as CounterOutputs;
    const next = { ...current, readCount: current.readCount + 1 };
    return { id, props: next };
  },
  async update(_id, olds, news) {
    return { outs: { ...olds, label: news.label, shout: news.label.toUpperCase() } };
  },
  async delete() {},
};

class Counter extends pulumi.dynamic.Resource {
  declare readonly shout: pulumi.Output<string>;
  declare readonly token: pulumi.Output<string>;
  declare readonly readCount: pulumi.Output<number>;

  constructor(
    name: string,
    args: { label: pulumi.Input<string> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      counterProvider,
      name,
      { label: args.label, shout: undefined, token: undefined, readCount: undefined },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["token"] }),
      "smoke",
      "Counter",
    );
  }
}

describe("Pulumi engine smoke test (real CLI, inline program, dynamic provider host)", () => {
  let engine: EngineStack;
  const log = outputCollector();

  beforeAll(async () => {
    engine = await createEngineStack({
      projectName: "engine-smoke",
      program: async () => {
        const counter = new Counter("greeting", { label: "hello" });
        return { shout: counter.shout, token: counter.token, readCount: counter.readCount };
      },
    });
  });
  afterAll(async () => {
    await engine?.dispose();
  });

  it("up creates the dynamic resource and returns provider outputs", async () => {
    const result = await engine.stack.up({ onOutput: log.onOutput });
    expect(result.summary.result).toBe("succeeded");
    expect(result.summary.resourceChanges).toEqual({ create: 2 });
    expect(result.outputs.shout).toEqual({ value: "HELLO", secret: false });
    expect(result.outputs.token.secret).toBe(true);
    expect(result.outputs.token.value).toMatch(/^tok_[0-9a-f]{32}$/);
  });

  it("stores the provider-generated secret encrypted in state", async () => {
    const token = (await engine.stack.outputs()).token.value as string;
    const files = await engine.allFiles();
    expect(
      files.some(
        (f) => f.path.endsWith(".json") && f.text.includes("pulumi-nodejs:dynamic/smoke:Counter"),
      ),
    ).toBe(true);
    expect(files.filter((f) => f.text.includes(token)).map((f) => f.path)).toEqual([]);
  });

  it("preview after up reports no changes", async () => {
    const result = await engine.stack.preview({ onOutput: log.onOutput });
    expect(result.changeSummary).toEqual({ same: 2 });
  });

  it("refresh calls the provider's read", async () => {
    const result = await engine.stack.refresh({ onOutput: log.onOutput });
    expect(result.summary.result).toBe("succeeded");
    expect(result.summary.resourceChanges?.same).toBe(2);
    const state = await engine.stack.exportStack();
    const counter = state.deployment.resources.find(
      (r: { type: string }) => r.type === "pulumi-nodejs:dynamic/smoke:Counter",
    );
    expect(counter.outputs.readCount).toBe(1);
  });

  it("destroy deletes everything", async () => {
    const result = await engine.stack.destroy({ onOutput: log.onOutput });
    expect(result.summary.result).toBe("succeeded");
    expect(result.summary.resourceChanges).toEqual({ delete: 2 });
    const state = await engine.stack.exportStack();
    expect(state.deployment.resources ?? []).toEqual([]);
  });
});
