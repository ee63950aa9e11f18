// `npm run stack -- drift <stack>`: what changed outside Pulumi since the last deployment.
export { checkDrift } from "./check";
export {
  cannotCheck,
  DRIFT_EXIT,
  driftExitCode,
  driftFromEvents,
  engineErrorLines,
  formatDriftReport,
  neverDeployed,
  WEBHOOK_ENDPOINT_TYPE,
  type DriftFinding,
  type DriftKind,
  type DriftReport,
  type PropertyChange,
} from "./findings";
