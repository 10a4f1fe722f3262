/**
 * Time inside the state model: float64 nanoseconds relative to an anchor second (`ClockAnchor.seconds`,
 * the app's wall clock in Unix seconds, fixed by the first timestamp the model sees). Relative values stay
 * exact to the nanosecond for ±104 days around the anchor, where absolute Unix nanoseconds (~1.8·10^18)
 * would not fit a double. "Absent" is `NaN` so that entity objects keep one shape (see task.ts).
 */
import type { Duration, Timestamp } from "../protocol/messages.ts";

export type TimeNs = number;
export const ABSENT: TimeNs = Number.NaN;

export class ClockAnchor {
  seconds: number | undefined;

  /** Relative ns of a Timestamp (NaN when absent). Sets the anchor on first use. */
  of(t: Timestamp | undefined): TimeNs {
    if (t === undefined) return ABSENT;
    if (this.seconds === undefined) this.seconds = t.seconds;
    return (t.seconds - this.seconds) * 1e9 + t.nanos;
  }

  /** Relative ns → Timestamp (requires an anchor). */
  toTimestamp(ns: TimeNs): Timestamp {
    const base = this.seconds ?? 0;
    let seconds = Math.floor(ns / 1e9);
    let nanos = Math.round(ns - seconds * 1e9);
    if (nanos >= 1e9) {
      seconds += 1;
      nanos -= 1e9;
    }
    return { seconds: base + seconds, nanos };
  }

  /** Relative ns → ISO-8601 with nanoseconds ("2026-11-25T19:42:21.510850476Z"), or null. */
  toIso(ns: TimeNs): string | null {
    if (Number.isNaN(ns)) return null;
    const t = this.toTimestamp(ns);
    const iso = new Date(t.seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "");
    return `${iso}.${String(t.nanos).padStart(9, "0")}Z`;
  }
}

export function durationNs(d: Duration | undefined): number {
  return d === undefined ? 0 : d.seconds * 1e9 + d.nanos;
}

export const has = (t: TimeNs): boolean => !Number.isNaN(t);
