/**
 * A clock that never repeats itself: Polar lists by `created_at DESC`, and a strictly increasing clock keeps that
 * order deterministic even when two endpoints are created within the same millisecond.
 */
import { timestampFromMicros, type Timestamp } from "../../providers/polar/samples";

export {
  timestampFromDate,
  timestampFromMicros,
  type Timestamp,
} from "../../providers/polar/samples";

export class MonotonicClock {
  private lastMicros = 0;

  now(): Timestamp {
    const micros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return timestampFromMicros(micros);
  }
}
