/**
 * Verify: one delivery of 2 KB and of 1 MB, ours (common and worst case) beside what users would
 * pick instead (Polar's SDK, standardwebhooks) and the floor (one node:crypto HMAC-SHA256 plus the
 * constant-time compare). All in one process, in rotating rounds (bench/lib/timing.ts).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { webhooks } from "@polar-sh/sdk/2026-10";
import { Webhook } from "standardwebhooks";
import {
  candidateKeys,
  MAX_BODY_BYTES,
  NoMatchingSignatureError,
  parsePolarEvent,
  verifyDelivery,
} from "../../lambda/index";
import {
  polarBody,
  seededSecret,
  signDelivery,
  standardKey,
  webhookIdFor,
} from "../lib/deliveries";
import { formatBytes, formatMs, formatRatio } from "../lib/format";
import { progress } from "../lib/processes";
import { measuredRow, type Row, type SectionResult } from "../lib/report";
import { ratios, summarize } from "../lib/stats";
import { oursFaster, ratioAtMost } from "../lib/targets";
import { measureRounds, type Contestant } from "../lib/timing";
import type { SectionOptions } from "../lib/report";

const FLOOR = "floor: 1 node:crypto HMAC-SHA256 + timingSafeEqual";
const COMMON = "ours, common case (current secret, its scheme first)";
const WORST = "ours, worst case (4 keys tried, none matches)";
const HASHING = "of which hashing: the worst case's 4 HMACs + compares alone";
const PARSED = "ours, common case + envelope parse (as validateEvent parses)";
const LIBRARY = "standardwebhooks Webhook.verify";
const SDK = "Polar SDK validateEvent (@polar-sh/sdk/2026-10)";

async function measureSize(label: string, bytes: number, quick: boolean): Promise<Row[]> {
  const current = seededSecret("bench-current");
  const previous = seededSecret("bench-previous");
  const stranger = seededSecret("bench-stranger");
  const keys = candidateKeys({ current, previous, previousExpiresAt: null });
  const body = polarBody(bytes);
  const id = webhookIdFor(0, 0);
  const timestamp = Math.floor(Date.now() / 1000);
  const valid = signDelivery(current, body, id, timestamp);
  const forged = signDelivery(stranger, body, id, timestamp);
  const floorKey = standardKey(current);
  const expected = Buffer.from(valid.headers["webhook-signature"]!.slice("v1,".length), "base64");
  const library = new Webhook(current);

  const contestants: Contestant[] = [
    {
      name: FLOOR,
      run: () =>
        timingSafeEqual(
          createHmac("sha256", floorKey).update(`${id}.${timestamp}.`).update(body).digest(),
          expected,
        ),
    },
    { name: COMMON, run: () => verifyDelivery(body, valid.headers, keys) },
    {
      name: WORST,
      run: () => {
        try {
          verifyDelivery(body, forged.headers, keys);
        } catch (error) {
          if (error instanceof NoMatchingSignatureError) return;
          throw error;
        }
        throw new Error("a forged delivery verified");
      },
    },
    {
      name: HASHING,
      run: () => {
        for (const key of keys) {
          const mac = createHmac("sha256", key.key).update(`${id}.${timestamp}.`).update(body);
          timingSafeEqual(mac.digest(), expected);
        }
      },
    },
    {
      name: PARSED,
      run: () => {
        verifyDelivery(body, valid.headers, keys);
        return parsePolarEvent(body);
      },
    },
    { name: LIBRARY, run: () => library.verify(body, valid.headers, { jsonParse: false }) },
    { name: SDK, run: () => webhooks.validateEvent(body, valid.headers, current) },
  ];
  progress(`verify ${label}: ${contestants.length} contestants`);
  const samples = await measureRounds(contestants, {
    // Many short rounds: the contestants of one round see the same machine, so the per-round
    // ratios hold up while other processes come and go.
    rounds: quick ? 31 : 101,
    batchMs: quick ? 3 : 5,
    warmupMs: quick ? 150 : 400,
  });
  const series = (name: string) => samples.get(name) as number[];
  const section = `verify ${label}`;
  const toFloor = (name: string) => summarize(ratios(series(name), series(FLOOR))).median;
  const speedUp = (peer: string) => summarize(ratios(series(peer), series(COMMON))).median;
  const row = (name: string, extra: Parameters<typeof measuredRow>[4] = {}) =>
    measuredRow(section, name, series(name), formatMs, extra);
  const common = toFloor(COMMON);
  const worst = toFloor(WORST);
  return [
    row(FLOOR),
    row(COMMON, { vs: `${formatRatio(common)} floor`, verdict: ratioAtMost(common, 1.5, "floor") }),
    row(WORST, { vs: `${formatRatio(worst)} floor`, verdict: ratioAtMost(worst, 4, "floor") }),
    row(HASHING, { vs: `${formatRatio(toFloor(HASHING))} floor` }),
    row(PARSED, { vs: `${formatRatio(toFloor(PARSED))} floor` }),
    ...[LIBRARY, SDK].map((peer) =>
      row(peer, {
        vs: `ours (common) ${formatRatio(speedUp(peer))} faster`,
        verdict: oursFaster(speedUp(peer)),
      }),
    ),
  ];
}

export async function run(options: SectionOptions): Promise<SectionResult> {
  const rows = [
    ...(await measureSize("2 KB", 2048, options.quick)),
    ...(await measureSize("1 MB", MAX_BODY_BYTES, options.quick)),
  ];
  return {
    section: "verify",
    rows,
    notes: [
      `verify: bodies of 2,048 B and ${MAX_BODY_BYTES.toLocaleString("en-US")} B (${formatBytes(MAX_BODY_BYTES)}, the receiver's limit), a Polar customer.state_changed payload padded; ` +
        "secrets current + previous, both standard; the delivery is signed with the current standard key (worst case: with a third secret). " +
        `${options.quick ? 31 : 101} rounds; per round every contestant runs one batch of ~${options.quick ? 3 : 5} ms (at least one call), in rotating order; ratios are per round, then the median. ` +
        "validateEvent tries the UTF-8 key before the base64 one (2 HMACs for a standard secret), awaits Web Crypto and JSON-parses the body; " +
        "standardwebhooks is given the one matching key and jsonParse: false.",
    ],
  };
}
