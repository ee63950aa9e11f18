/**
 * `checkConsumerEntry`: the synchronous pre-flight the Pulumi program runs before it declares anything. It must
 * accept what `buildConsumerBundle` bundles and refuse, with the same words, what it refuses.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildConsumerBundle,
  checkConsumerEntry,
  ConsumerEntryError,
  EXAMPLE_CONSUMER_ENTRY,
} from "../../lambda/index";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-entry-check-"));
const lambda = path.relative(dir, path.resolve(__dirname, "../../lambda"));

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function entryFile(name: string, source: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return file;
}

/** The error either function throws for `entry`, as `{ message, entry, reason }`. */
async function refusals(entry: string) {
  const describeError = (error: unknown) => {
    expect(error).toBeInstanceOf(ConsumerEntryError);
    const { message, entry, reason } = error as ConsumerEntryError;
    return { message, entry, reason };
  };
  let checked: unknown;
  try {
    checkConsumerEntry({ entry });
  } catch (error) {
    checked = describeError(error);
  }
  const built = await buildConsumerBundle({ entry }).then(
    () => undefined,
    (error: unknown) => describeError(error),
  );
  return { checked, built };
}

describe("Function: checkConsumerEntry", () => {
  it("accepts the example consumer and returns its absolute path", () => {
    expect(checkConsumerEntry({ entry: EXAMPLE_CONSUMER_ENTRY })).toBe(EXAMPLE_CONSUMER_ENTRY);
  });

  it("resolves a relative entry against cwd", () => {
    const entry = entryFile(
      "relative.ts",
      `import { createPolarEventConsumer } from ${JSON.stringify(`${lambda}/index`)};\n` +
        `export const handler = createPolarEventConsumer({ handlers: { "order.paid": async () => {} } });\n`,
    );
    expect(checkConsumerEntry({ entry: "relative.ts", cwd: dir })).toBe(entry);
  });

  it("accepts a handler re-exported through another module, and a CommonJS handler", async () => {
    entryFile(
      "impl.ts",
      `import { createPolarEventConsumer } from ${JSON.stringify(`${lambda}/index`)};\n` +
        "export const handler = createPolarEventConsumer({ handlers: {} });\n",
    );
    const star = entryFile("star.ts", 'export * from "./impl";\n');
    const cjs = entryFile("cjs.js", "exports.handler = async () => ({ batchItemFailures: [] });\n");
    for (const entry of [star, cjs]) {
      expect(checkConsumerEntry({ entry })).toBe(entry);
      expect((await buildConsumerBundle({ entry })).entry).toBe(entry);
    }
  });

  it("refuses a missing file, a module without handler and one that does not compile, as the bundler does", async () => {
    const missing = path.join(dir, "missing.ts");
    const noHandler = entryFile("no-handler.ts", "export const main = async () => ({});\n");
    const broken = entryFile("broken.ts", "export const handler = ;\n");
    const missingImport = entryFile("missing-import.ts", 'export { handler } from "./nowhere";\n');

    expect(await refusals(missing)).toEqual({
      checked: {
        message: `consumer entry ${missing} does not exist (or is not a file)`,
        entry: missing,
        reason: "does not exist (or is not a file)",
      },
      built: {
        message: `consumer entry ${missing} does not exist (or is not a file)`,
        entry: missing,
        reason: "does not exist (or is not a file)",
      },
    });
    const noHandlerReason =
      'does not export "handler" (export const handler = createPolarEventConsumer({ … }))';
    expect(await refusals(noHandler)).toEqual({
      checked: {
        message: `consumer entry ${noHandler} ${noHandlerReason}`,
        entry: noHandler,
        reason: noHandlerReason,
      },
      built: {
        message: `consumer entry ${noHandler} ${noHandlerReason}`,
        entry: noHandler,
        reason: noHandlerReason,
      },
    });
    for (const [entry, detail] of [
      [broken, /^could not be bundled: \S*broken\.ts:1: Unexpected ";"$/],
      [missingImport, /^could not be bundled: .*Could not resolve "\.\/nowhere"/],
    ] as const) {
      const { checked, built } = await refusals(entry);
      expect(checked).toMatchObject({ entry, reason: expect.stringMatching(detail) });
      expect(built).toMatchObject({ entry, reason: expect.stringMatching(detail) });
    }
  });

  it("refuses, as the bundler does, a consumer that imports the Pulumi side instead of bundling it", async () => {
    // Prepare: the package's main entry (the component) and Pulumi itself, imported into Lambda code by mistake.
    const importsPackage = entryFile(
      "imports-package.ts",
      'import { PolarWebhookIngress } from "polar-webhooks-as-code";\n' +
        "export const handler = async () => ({ batchItemFailures: [], kind: typeof PolarWebhookIngress });\n",
    );
    const importsPulumi = entryFile(
      "imports-pulumi.ts",
      'import * as pulumi from "@pulumi/pulumi";\n' +
        "export const handler = async () => ({ batchItemFailures: [], stack: pulumi.getStack() });\n",
    );
    const fix = 'import createPolarEventConsumer from "polar-webhooks-as-code/consumer"';

    for (const [entry, imported] of [
      [importsPackage, "polar-webhooks-as-code"],
      [importsPulumi, "@pulumi/pulumi"],
    ] as const) {
      // Act
      const { checked, built } = await refusals(entry);
      // Assess: the same words both ways, naming the file, the import and the fix.
      const reason =
        `could not be bundled: ${entry} imports "${imported}", which belongs to the Pulumi program, not to a ` +
        `Lambda; ${fix}`;
      expect(checked).toEqual({ message: `consumer entry ${entry} ${reason}`, entry, reason });
      expect(built).toEqual(checked);
    }
  });
});
