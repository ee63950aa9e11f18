// The program under Pulumi's mocks (AWS is not called): the component creates the Polar endpoint at the API's URL,
// writes its secret to SSM, and bundles the receiver and the consumer from the installed package.
import * as assert from "node:assert/strict";
import { before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";

const API_ENDPOINT = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com";
const SECRET = "whsec_dGVzdC1zZWNyZXQtb2YtdGhpcnR5LXR3by1ieXRlcyE=";
const created: pulumi.runtime.MockResourceArgs[] = [];

before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        created.push(args);
        const state: Record<string, unknown> = { ...args.inputs, arn: `arn:aws:mock:${args.name}` };
        if (args.type === "aws:apigatewayv2/api:Api") state.apiEndpoint = API_ENDPOINT;
        if (args.type === "pulumi-nodejs:dynamic/polar:WebhookEndpoint") state.secret = SECRET;
        return { id: `${args.name}-id`, state };
      },
      call: () => ({}),
    },
    "polar-existing-program",
    "test",
  );
  await import("../index");
  // Every registration answered (the endpoint waits for the API's URL, the SSM value for the endpoint's secret).
  await pulumi.runtime.disconnect();
});

function one(type: string): pulumi.runtime.MockResourceArgs {
  const found = created.filter((r) => r.type === type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0];
}

test("creates the Polar endpoint at the ingress's URL", () => {
  const endpoint = one("pulumi-nodejs:dynamic/polar:WebhookEndpoint");
  assert.equal(endpoint.name, "billing-endpoint");
  assert.equal(endpoint.inputs.url, `${API_ENDPOINT}/polar/webhooks`);
  assert.deepEqual(endpoint.inputs.events, ["order.paid", "subscription.revoked"]);
});

test("writes the endpoint's secret to the SSM parameter the receiver reads", () => {
  const parameter = one("aws:ssm/parameter:Parameter");
  const value = JSON.parse((parameter.inputs.value as { value: string }).value);
  assert.deepEqual(value, { current: SECRET, previous: null, previousExpiresAt: null });
});

test("bundles the receiver and the consumer from the installed package", async () => {
  const code = async (name: string) => {
    const fn = created.find((r) => r.type === "aws:lambda/function:Function" && r.name === name);
    assert.ok(fn, name);
    const assets = await fn.inputs.code.assets;
    return (await assets["index.js"].text) as string;
  };
  const receiver = await code("billing-receiver");
  const consumer = await code("billing-consumer");
  assert.match(receiver, /webhook-signature/);
  assert.match(consumer, /subscription\.revoked/);
  assert.doesNotMatch(consumer, /@pulumi\/pulumi/);
});
