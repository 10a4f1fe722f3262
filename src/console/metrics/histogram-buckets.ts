/**
 * Prometheus/OpenTelemetry explicit buckets filled from tokio-console's HDR histograms (poll times and
 * scheduled times): each HDR bucket's count goes to the first bound ≥ its highest equivalent value, the
 * value tokio-console shows for it. HDR keeps 2 significant figures, so a value is placed at most 1 %
 * above where it was measured; no poll is ever counted below its real duration.
 *
 * Bounds (seconds): fixed for every series so that groups and targets aggregate, from 10 µs (a typical
 * poll) to 1 s (console-subscriber's histogram maximum; longer values are clamped to it and counted as
 * outliers by the subscriber).
 */
import type { HistogramSummary } from "../histogram/duration-histogram.ts";

export const BUCKET_BOUNDS_SECONDS = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] as const;
const BOUNDS_NS = BUCKET_BOUNDS_SECONDS.map((s) => s * 1e9);

/** Per-bound counts (not cumulative; the last slot is +Inf), the sum (s) and the count. */
export interface BucketCounts {
  counts: Float64Array;
  sum: number;
  count: number;
}

export function emptyBuckets(): BucketCounts {
  return { counts: new Float64Array(BOUNDS_NS.length + 1), sum: 0, count: 0 };
}

export function bucketsOf(summary: HistogramSummary): BucketCounts {
  const out = emptyBuckets();
  for (const b of summary.buckets) {
    let i = 0;
    while (i < BOUNDS_NS.length && b.high > BOUNDS_NS[i]!) i++;
    out.counts[i]! += b.count;
    out.count += b.count;
  }
  out.sum = (summary.mean * summary.count) / 1e9;
  return out;
}

export function addBuckets(into: BucketCounts, from: BucketCounts, sign = 1): void {
  for (let i = 0; i < into.counts.length; i++) into.counts[i]! += sign * from.counts[i]!;
  into.sum += sign * from.sum;
  into.count += sign * from.count;
}
