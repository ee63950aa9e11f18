// The webhook API's 5 paths (polar-api.md §1), matched as Starlette does.
import { decodePath } from "./request";

export interface RouteMatch {
  readonly template: string;
  readonly id: string | undefined;
}

export const ROUTE_TEMPLATES = [
  { template: "/v1/webhooks/endpoints", pattern: /^\/v1\/webhooks\/endpoints$/ },
  { template: "/v1/webhooks/endpoints/{id}", pattern: /^\/v1\/webhooks\/endpoints\/([^/]+)$/ },
  {
    template: "/v1/webhooks/endpoints/{id}/secret",
    pattern: /^\/v1\/webhooks\/endpoints\/([^/]+)\/secret$/,
  },
  { template: "/v1/webhooks/deliveries", pattern: /^\/v1\/webhooks\/deliveries$/ },
  {
    template: "/v1/webhooks/events/{id}/redeliver",
    pattern: /^\/v1\/webhooks\/events\/([^/]+)\/redeliver$/,
  },
] as const;

/** Which route a path belongs to (Starlette matches the percent-decoded path). */
export function matchRoute(rawPath: string): RouteMatch | undefined {
  const path = decodePath(rawPath);
  for (const { template, pattern } of ROUTE_TEMPLATES) {
    const match = pattern.exec(path);
    if (match !== null) {
      return { template, id: match[1] };
    }
  }
  return undefined;
}
