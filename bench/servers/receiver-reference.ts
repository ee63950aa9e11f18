/**
 * The reference receiver, what a team would write from Polar's docs: express, the raw body,
 * `validateEvent` from `@polar-sh/sdk/2026-10`, 202 on success, 403 on a bad signature. It
 * enqueues nothing (so it does less than ours). Secret: BENCH_WEBHOOK_SECRET.
 */
import type { AddressInfo } from "node:net";
import { webhooks } from "@polar-sh/sdk/2026-10";
import express from "express";
import { likeProduction } from "../lib/production";
import { announce } from "./ipc";

function main(): void {
  likeProduction();
  const secret = process.env["BENCH_WEBHOOK_SECRET"];
  if (!secret) throw new Error("BENCH_WEBHOOK_SECRET is not set");
  const app = express();
  app.post("/polar/webhooks", express.raw({ type: "application/json" }), async (req, res) => {
    try {
      await webhooks.validateEvent(
        req.body as Buffer,
        req.headers as Record<string, string>,
        secret,
      );
      res.status(202).send("");
    } catch (error) {
      if (error instanceof webhooks.PolarWebhookVerificationError) {
        res.status(403).send("");
        return;
      }
      res.status(500).send("");
    }
  });
  const server = app.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    announce({ url: `http://127.0.0.1:${port}/polar/webhooks` }, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  });
}

main();
