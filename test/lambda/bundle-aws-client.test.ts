/**
 * The bundle's AWS client (aws-lite) in a clean Node 22 process, where the Lambda contract says
 * more than moto or fauxqs check: each service's endpoint variable before AWS_ENDPOINT_URL (mapped
 * by us: aws-lite reads only the generic one), requests signed as AWS checks them with the
 * Lambda's session credentials, a silent attempt given up and retried, a failing SSM read not
 * retried past one call, and AWS's error named in the log.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReceiverBundle } from "../../infra/bundle";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { startMoto, type Moto } from "../consumer/support";
import { registerSecret } from "../support/secret-scan";
import { writeBundle, type BundleDirectory } from "./bundle-process";
import {
  AWS_ERROR,
  parameterAnswer,
  startScriptedAws,
  type ScriptedAnswer,
  type ScriptedRequest,
} from "./scripted-aws";
import {
  attributesOf,
  createQueue,
  DUMMY_AWS,
  REFUSED_ENDPOINT,
  receiveAll,
  standardSecret,
  startTestSqs,
  TestDelivery,
  type TestSqs,
} from "./support";

let directory: BundleDirectory;
let moto: Moto;
let fauxqs: TestSqs;
let ssm: SSMClient;

beforeAll(async () => {
  [directory, moto, fauxqs] = await Promise.all([
    buildReceiverBundle().then(writeBundle),
    startMoto(),
    startTestSqs(),
  ]);
  ssm = new SSMClient({ ...DUMMY_AWS, endpoint: moto.endpoint });
}, 60_000);

afterAll(async () => {
  directory?.dispose();
  await Promise.all([moto?.stop(), fauxqs?.stop()]);
});

async function secretParameter(secret: string): Promise<string> {
  const name = `/polar-webhooks-test/secret-${randomBytes(4).toString("hex")}`;
  await ssm.send(
    new PutParameterCommand({
      Name: name,
      Type: "SecureString",
      Value: JSON.stringify({ current: secret, previous: null }),
    }),
  );
  return name;
}

const SENT: ScriptedAnswer = { status: 200, json: { MessageId: "m-1", MD5OfMessageBody: "-" } };

describe("Artifact: receiver bundle, its AWS client (aws-lite)", () => {
  it("reads SSM at AWS_ENDPOINT_URL_SSM (moto) and sends to AWS_ENDPOINT_URL_SQS (fauxqs), not AWS_ENDPOINT_URL", async () => {
    // Prepare: the generic variable points at a port nobody listens on.
    const secret = standardSecret();
    const queueUrl = await fauxqs.createQueue();
    const delivery = new TestDelivery({ secret });
    // Act
    const run = await directory.run([delivery.event()], {
      QUEUE_URL: queueUrl,
      WEBHOOK_SECRET_PARAMETER: await secretParameter(secret),
      AWS_ENDPOINT_URL: REFUSED_ENDPOINT,
      AWS_ENDPOINT_URL_SSM: moto.endpoint,
      AWS_ENDPOINT_URL_SQS: fauxqs.endpoint,
    });
    // Assess
    expect(run.results.map((result) => result.statusCode)).toEqual([202]);
    const messages = await receiveAll(fauxqs.client, queueUrl);
    expect(messages.map(attributesOf)).toEqual([
      {
        "webhook-id": delivery.webhookId,
        "webhook-timestamp": delivery.timestamp,
        "event-type": "order.paid",
      },
    ]);
  });

  it("sends to moto through AWS_ENDPOINT_URL_SQS as well", async () => {
    const secret = standardSecret();
    const queueUrl = await createQueue(moto.sqs);
    const delivery = new TestDelivery({ secret });
    const run = await directory.run([delivery.event()], {
      QUEUE_URL: queueUrl,
      WEBHOOK_SECRET_PARAMETER: await secretParameter(secret),
      AWS_ENDPOINT_URL: REFUSED_ENDPOINT,
      AWS_ENDPOINT_URL_SSM: moto.endpoint,
      AWS_ENDPOINT_URL_SQS: moto.endpoint,
    });
    expect(run.results.map((result) => result.statusCode)).toEqual([202]);
    const messages = await receiveAll(moto.sqs, queueUrl);
    expect(messages.map((message) => attributesOf(message)["webhook-id"])).toEqual([
      delivery.webhookId,
    ]);
  });

  it("signs both calls with the Lambda's session credentials as AWS's own signer does", async () => {
    // Prepare: credentials as Lambda sets them (a session's), in another region than the default.
    const credentials = {
      accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
      secretAccessKey: registerSecret(randomBytes(30).toString("base64"), "AWS secret access key"),
      sessionToken: registerSecret(randomBytes(48).toString("base64"), "AWS session token"),
    };
    const region = "eu-central-1";
    const secret = standardSecret();
    const aws = await startScriptedAws((request) =>
      request.operation === "GetParameter"
        ? parameterAnswer(JSON.stringify({ current: secret, previous: null }))
        : SENT,
    );
    try {
      // Act
      const run = await directory.run([new TestDelivery({ secret }).event()], {
        QUEUE_URL: `${aws.endpoint}/000000000000/webhooks`,
        WEBHOOK_SECRET_PARAMETER: "/polar/webhook-secret",
        AWS_ENDPOINT_URL: aws.endpoint,
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken,
      });
      // Assess
      expect(run.results.map((result) => result.statusCode)).toEqual([202]);
      expect(aws.requests.map((request) => request.operation)).toEqual([
        "GetParameter",
        "SendMessage",
      ]);
      for (const [request, service] of [
        [aws.requests[0]!, "ssm"],
        [aws.requests[1]!, "sqs"],
      ] as const) {
        expect(request.headers["x-amz-security-token"]).toBe(credentials.sessionToken);
        const sent = authorization(request);
        expect(sent.credential).toBe(
          `${credentials.accessKeyId}/${sent.date}/${region}/${service}/aws4_request`,
        );
        expect(sent.signedHeaders).toEqual(
          expect.arrayContaining(["host", "x-amz-date", "x-amz-security-token", "x-amz-target"]),
        );
        expect(
          await expectedSignature(request, sent.signedHeaders, service, region, credentials),
        ).toBe(sent.signature);
      }
      expect(aws.requests[0]!.input).toEqual({
        Name: "/polar/webhook-secret",
        WithDecryption: true,
      });
      expect(JSON.stringify(run.logs)).not.toContain(credentials.secretAccessKey);
    } finally {
      await aws.close();
    }
  });

  it("gives up on a silent GetParameter attempt and makes it again, within the budget", async () => {
    // Prepare: the first attempt is accepted and never answered; the second is.
    const secret = standardSecret();
    let attempts = 0;
    const aws = await startScriptedAws(() =>
      ++attempts === 1
        ? "hang"
        : parameterAnswer(JSON.stringify({ current: secret, previous: null })),
    );
    const queueUrl = await fauxqs.createQueue();
    try {
      // Act: the function has 6 s, the attempt timeout is 2 s.
      const run = await directory.run(
        [new TestDelivery({ secret }).event()],
        {
          QUEUE_URL: queueUrl,
          WEBHOOK_SECRET_PARAMETER: "/polar/webhook-secret",
          AWS_ENDPOINT_URL_SSM: aws.endpoint,
          AWS_ENDPOINT_URL_SQS: fauxqs.endpoint,
        },
        6_000,
      );
      // Assess
      expect(run.results.map((result) => result.statusCode)).toEqual([202]);
      expect(aws.requests.map((request) => request.operation)).toEqual([
        "GetParameter",
        "GetParameter",
      ]);
      expect(run.logs[0]?.latencyMs).toBeGreaterThanOrEqual(2_000);
      expect(await receiveAll(fauxqs.client, queueUrl)).toHaveLength(1);
    } finally {
      await aws.close();
    }
  });

  it("makes one GetParameter call (3 attempts) for a flood of forged requests while SSM fails", async () => {
    const aws = await startScriptedAws(() => AWS_ERROR.internal);
    try {
      const forged = Array.from({ length: 20 }, () =>
        new TestDelivery({ secret: standardSecret() }).event(),
      );
      const run = await directory.run(forged, {
        QUEUE_URL: await fauxqs.createQueue(),
        WEBHOOK_SECRET_PARAMETER: "/polar/webhook-secret",
        AWS_ENDPOINT_URL_SSM: aws.endpoint,
        AWS_ENDPOINT_URL_SQS: fauxqs.endpoint,
      });
      expect(new Set(run.results.map((result) => result.statusCode))).toEqual(new Set([503]));
      expect(aws.requests.map((request) => request.operation)).toEqual([
        "GetParameter",
        "GetParameter",
        "GetParameter",
      ]);
      expect(run.logs[0]).toMatchObject({
        outcome: "secret_unavailable",
        cause: "InternalServerError",
      });
    } finally {
      await aws.close();
    }
  });

  it("names AWS's error and a refused connection in the log, answering 503", async () => {
    const secret = standardSecret();
    const missingQueue = await directory.run([new TestDelivery({ secret }).event()], {
      QUEUE_URL: `${moto.endpoint}/123456789012/missing-${randomBytes(4).toString("hex")}`,
      POLAR_WEBHOOK_SECRET: secret,
      AWS_ENDPOINT_URL_SQS: moto.endpoint,
    });
    const refused = await directory.run([new TestDelivery({ secret }).event()], {
      QUEUE_URL: `${moto.endpoint}/123456789012/q`,
      POLAR_WEBHOOK_SECRET: secret,
      AWS_ENDPOINT_URL_SQS: REFUSED_ENDPOINT,
    });
    expect([...missingQueue.results, ...refused.results].map((r) => r.statusCode)).toEqual([
      503, 503,
    ]);
    expect(missingQueue.logs[0]).toMatchObject({
      outcome: "enqueue_failed",
      cause: "QueueDoesNotExist",
    });
    expect(refused.logs[0]).toMatchObject({ outcome: "enqueue_failed", cause: "ECONNREFUSED" });
  });
});

/** The parts of SigV4's Authorization header. */
function authorization(request: ScriptedRequest) {
  const header = request.headers["authorization"] ?? "";
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      header,
    );
  expect(match, header).not.toBeNull();
  const [, credential, signedHeaders, signature] = match as unknown as string[];
  return {
    credential: credential as string,
    date: (credential as string).split("/")[1] as string,
    signedHeaders: (signedHeaders as string).split(";"),
    signature: signature as string,
  };
}

/** The signature AWS computes for the request, by the AWS SDK's own SigV4 signer. */
async function expectedSignature(
  request: ScriptedRequest,
  signedHeaders: readonly string[],
  service: string,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
): Promise<string> {
  const signer = new SignatureV4({
    service,
    region,
    credentials,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const amzDate = request.headers["x-amz-date"] ?? "";
  const signingDate = new Date(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"),
  );
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: request.headers["host"] ?? "",
      path: request.path,
      query: {},
      headers: Object.fromEntries(signedHeaders.map((name) => [name, request.headers[name] ?? ""])),
      body: request.body,
    },
    { signingDate },
  );
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers["authorization"]))?.[1] ?? "";
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** SHA-256 and HMAC-SHA256 from node:crypto, in the shape the SDK's signer takes. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string") return data;
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
