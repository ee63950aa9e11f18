/**
 * moto_server (SQS, SSM, DynamoDB) for a test file: started on a port the OS picks (`-p 0`, read from the line it
 * prints), so parallel files never race for a port, and stopped after. Set-up installs moto; without it, tests fail.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll } from "vitest";
import { DUMMY_AWS, which } from "../lambda/support";

export interface Moto {
  readonly endpoint: string;
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly ssm: SSMClient;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

export async function startMoto(): Promise<Moto> {
  const command = which("moto_server");
  if (!command) {
    throw new Error(
      "moto_server is not on PATH: these tests need it (Python moto[server] 5.x); `npm run setup` installs it",
    );
  }
  const child: ChildProcess = spawn(command, ["-H", "127.0.0.1", "-p", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  };
  try {
    const endpoint = await listeningAt(child);
    await waitForReady(`${endpoint}/moto-api/`);
    return {
      endpoint,
      sqs: new SQSClient({ ...DUMMY_AWS, endpoint, useQueueUrlAsEndpoint: false }),
      dynamodb: new DynamoDBClient({ ...DUMMY_AWS, endpoint }),
      ssm: new SSMClient({ ...DUMMY_AWS, endpoint }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Werkzeug's " * Running on http://127.0.0.1:<port>" line; the rest of stderr (a line per request) is drained. */
function listeningAt(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () =>
        reject(new Error(`moto_server printed no address within ${READY_TIMEOUT_MS} ms: ${seen}`)),
      READY_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString("utf8")).slice(-4096);
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        child.stderr!.off("data", onData);
        child.stderr!.resume();
        resolve(match[1]!);
      }
    };
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited (${String(code)}) before listening: ${seen}`));
    });
  });
}

async function waitForReady(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not accepting yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`moto_server did not answer at ${url} within ${READY_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * moto for the enclosing test file or `describe`: started before its tests, stopped after them.
 * The returned object reads through to the running server, so tests use it like a `Moto`.
 */
export function useMoto(): Omit<Moto, "stop"> {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });
  const running = (): Moto => {
    if (!moto) throw new Error("moto is not running (use it inside tests)");
    return moto;
  };
  return {
    get endpoint() {
      return running().endpoint;
    },
    get sqs() {
      return running().sqs;
    },
    get dynamodb() {
      return running().dynamodb;
    },
    get ssm() {
      return running().ssm;
    },
  };
}
