/**
 * Numbers behind the receiver's bundling decision (lambda/bundle.ts): bundle size with and without
 * the AWS SDK, cold `require` time of each in a fresh Node 22 process (what a Lambda cold start
 * pays to load the code), and verification cost for a small and a maximum-size body.
 *
 *   bash scripts/with-toolchain.sh tsx bench/lambda-bundle.ts
 */
import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  buildReceiverBundle,
  candidateKeys,
  MAX_BODY_BYTES,
  verifyDelivery,
} from "../lambda/index";

const NODE = fs.realpathSync(path.resolve(__dirname, "../node_modules/.bin/node"));
const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Milliseconds to `require` the file in a fresh process (median of RUNS). */
function coldRequireMs(file: string, nodePath: string | undefined): number {
  const script =
    `const t=process.hrtime.bigint();require(${JSON.stringify(file)});` +
    `process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const out = execFileSync(NODE, ["-e", script], {
      env: { PATH: path.dirname(NODE), ...(nodePath ? { NODE_PATH: nodePath } : {}) },
      encoding: "utf8",
    });
    samples.push(Number(out));
  }
  return median(samples);
}

function verifyMs(bodyBytes: number): number {
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  // Worst case for a valid delivery: signed with the *previous* legacy key, so all four keys are
  // tried.
  const keys = candidateKeys({
    current: `whsec_${randomBytes(32).toString("base64")}`,
    previous: secret,
  });
  const prefix = '{"type":"order.paid","data":"';
  const body = Buffer.from(`${prefix}${"a".repeat(bodyBytes - prefix.length - 2)}"}`);
  const id = "00000000-0000-4000-8000-000000000000";
  const ts = String(Math.floor(Date.now() / 1000));
  const mac = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(`${id}.${ts}.`)
    .update(body)
    .digest("base64");
  const headers = { "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": `v1,${mac}` };
  for (let i = 0; i < 3; i += 1) {
    verifyDelivery(body, headers, keys); // warm-up (JIT)
  }
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    verifyDelivery(body, headers, keys);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "receiver-bench-"));
  try {
    const rows: Array<Record<string, string | number>> = [];
    for (const bundleAwsSdk of [true, false]) {
      const bundle = await buildReceiverBundle({ bundleAwsSdk });
      const file = path.join(dir, `index-${bundleAwsSdk ? "sdk" : "nosdk"}.js`);
      fs.writeFileSync(file, bundle.code);
      // Without the SDK inside, resolve it from the repository's node_modules (stands in for the
      // runtime's copy).
      const nodePath = bundleAwsSdk ? undefined : path.resolve(__dirname, "../node_modules");
      rows.push({
        variant: bundleAwsSdk ? "AWS SDK bundled (chosen)" : "AWS SDK external (runtime copy)",
        "size KB": Math.round(bundle.sizeBytes / 1024),
        "cold require ms (median)": Math.round(coldRequireMs(file, nodePath) * 10) / 10,
      });
    }
    console.table(rows);
    console.table([
      { body: "1 KB", "verify ms (4 keys, median)": Math.round(verifyMs(1024) * 1000) / 1000 },
      {
        body: `${Math.round(MAX_BODY_BYTES / 1024)} KB (limit)`,
        "verify ms (4 keys, median)": Math.round(verifyMs(MAX_BODY_BYTES) * 100) / 100,
      },
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
