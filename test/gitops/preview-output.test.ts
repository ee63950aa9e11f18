// The preview comment built from what the real Pulumi CLI prints: a preview of a new stack, of an
// unchanged one and of an update, taken the way scripts/stack.ts takes them (Automation API,
// `diff: true`, the engine's output as it streams).
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPreviewComment, summarizePreview } from "../../scripts/gitops/pr-comment";
import { createEngineStack, outputCollector, type EngineStack } from "../engine/harness";

interface NoteInputs {
  text: string;
}

// Self-contained: the provider is serialized into the state and runs in the provider host.
const noteProvider: pulumi.dynamic.ResourceProvider<NoteInputs, NoteInputs> = {
  async diff(_id, olds, news) {
    return { changes: olds.text !== news.text };
  },
  async create(inputs) {
    return { id: `note-${inputs.text.length}`, outs: inputs };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete() {},
};

class Note extends pulumi.dynamic.Resource {
  constructor(name: string, text: string) {
    super(noteProvider, name, { text }, {}, "gitops", "Note");
  }
}

describe("the preview comment from real Pulumi output", () => {
  let engine: EngineStack;
  let text = "first";

  beforeAll(async () => {
    engine = await createEngineStack({
      projectName: "gitops-preview",
      stackName: "dev",
      program: async () => {
        new Note("greeting", text);
        new Note("farewell", "bye");
      },
    });
  });
  afterAll(async () => engine?.dispose());

  async function previewOutput(): Promise<string> {
    const log = outputCollector();
    await engine.stack.preview({ onOutput: log.onOutput, diff: true });
    return log.text();
  }
  const comment = (output: string) =>
    buildPreviewComment({
      stack: "dev",
      output,
      exitCode: 0,
      runUrl: "https://github.com/acme/polar-webhooks/actions/runs/1",
      commitSha: "0123456789abcdef",
    });

  it("a new stack: everything to create", async () => {
    const output = await previewOutput();
    expect(summarizePreview(output)).toEqual({
      changes: [{ symbol: "+", count: 3, operation: "create" }],
      unchanged: 0,
    });
    expect(comment(output)).toContain("**3 changes**: `+ 3 to create`; 0 unchanged.");
  });

  it("after `up`, nothing to change: the comment says so", async () => {
    await engine.stack.up();
    const output = await previewOutput();
    expect(summarizePreview(output)).toEqual({ changes: [], unchanged: 3 });
    expect(comment(output)).toContain("**No changes.** 3 unchanged.");
  });

  it("a changed input: one update, shown in the output", async () => {
    text = "second";
    const output = await previewOutput();
    expect(summarizePreview(output)).toEqual({
      changes: [{ symbol: "~", count: 1, operation: "update" }],
      unchanged: 2,
    });
    const body = comment(output);
    expect(body).toContain("**1 change**: `~ 1 to update`; 2 unchanged.");
    expect(body).toContain("greeting");
    expect(body).toContain("second");
  });
});
