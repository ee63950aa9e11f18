// PolarWebhookIngress that creates its own Polar endpoint (`endpoint`), as a program that installs the package would
// use it: the endpoint is a child at the API's URL, and its secrets (with the rotation's grace period) reach SSM.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { PolarWebhookIngress } from "../../infra/ingress";
import {
  API_ENDPOINT,
  ENDPOINT_TYPE,
  installMocks,
  isSecretWrapper,
  MOCK_ROTATED_AT,
  named,
  one,
  settle,
  valueOf,
  type Harness,
} from "./support";

const HOUR_MS = 3_600_000;
let harness: Harness;
let endpointId: string;

beforeAll(async () => {
  // Prepare
  harness = await installMocks("component-endpoint", {});
  const { PolarWebhookIngress } = await import("../../infra/ingress.js");
  // Act
  const ingress = new PolarWebhookIngress("hooks", {
    endpoint: {
      events: ["order.paid", "subscription.revoked"],
      apiVersion: "2026-10",
      secretRotation: "2026-12",
      rotationGraceHours: 2,
    },
    code: new pulumi.asset.AssetArchive({}),
  });
  endpointId = await valueOf(ingress.endpoint!.id);
  await settle();
});

describe("Class: PolarWebhookIngress", () => {
  describe("Argument: endpoint", () => {
    it("creates the endpoint as its child, at its own URL, raw, named after the component", () => {
      // Assess
      const endpoint = named(harness, ENDPOINT_TYPE, "hooks-endpoint");
      expect(endpoint.inputs).toMatchObject({
        url: `${API_ENDPOINT}/polar/webhooks`,
        events: ["order.paid", "subscription.revoked"],
        format: "raw",
        name: "hooks",
        apiVersion: "2026-10",
        secretRotation: "2026-12",
      });
      expect(endpoint.inputs.rotationGraceHours).toBeUndefined();
      expect(harness.urns()).toContain(
        `urn:pulumi:component-endpoint::polar-webhooks::polar-webhooks:index:PolarWebhookIngress$${ENDPOINT_TYPE}::hooks-endpoint`,
      );
      expect(endpointId).toBe(endpoint.id);
    });

    it("writes the endpoint's secrets to SSM, the previous one until the rotation + rotationGraceHours", () => {
      // Assess
      const parameter = one(harness, "aws:ssm/parameter:Parameter");
      expect(isSecretWrapper(parameter.inputs.value)).toBe(true);
      expect(JSON.parse((parameter.inputs.value as { value: string }).value)).toEqual({
        current: harness.secrets.get("hooks-endpoint"),
        previous: harness.previousSecrets.get("hooks-endpoint"),
        previousExpiresAt: new Date(Date.parse(MOCK_ROTATED_AT) + 2 * HOUR_MS).toISOString(),
      });
    });
  });

  describe("Method: validateArgs (endpoint)", () => {
    const secrets = { signingSecrets: { current: "whsec_x" } };

    it("needs exactly one of endpoint and signingSecrets", () => {
      expect(() => PolarWebhookIngress.validateArgs("hooks", {})).toThrowError(
        "PolarWebhookIngress hooks: exactly one of [endpoint] and [signingSecrets] must be given",
      );
      expect(() =>
        PolarWebhookIngress.validateArgs("hooks", {
          ...secrets,
          endpoint: { events: ["order.paid"] },
        }),
      ).toThrowError(
        "PolarWebhookIngress hooks: exactly one of [endpoint] and [signingSecrets] must be given",
      );
    });

    it("names a grace period out of range", () => {
      expect(() =>
        PolarWebhookIngress.validateArgs("hooks", {
          endpoint: { events: ["order.paid"], rotationGraceHours: 169 },
        }),
      ).toThrowError(
        "PolarWebhookIngress hooks: [endpoint.rotationGraceHours] must be a whole number from 0 to 168 (got 169)",
      );
    });
  });
});
