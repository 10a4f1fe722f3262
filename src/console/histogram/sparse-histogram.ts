/**
 * A small recorder of durations in console-subscriber's histogram layout (HdrHistogram, 2 significant
 * figures, lowest 1 ns, highest 1 s by default, values above it clamped and counted as high outliers),
 * serialised as the uncompressed HdrHistogram V2 bytes of `DurationHistogram.raw_histogram`.
 *
 * Used to give recordings the poll-time and scheduled-time histograms a subscriber would have sent
 * (recordings have exact Enter/Exit/wake times). Counts are kept sparsely (a Map per task), because a
 * full counts array is ~3,000 buckets × 8 bytes and recordings hold tens of thousands of tasks.
 * hdr-histogram-js can serialise only the compressed form, so the few lines of the V2 layout are written
 * here; tests decode the output with hdr-histogram-js.
 */
import type { DurationHistogram } from "../protocol/messages.ts";
import { HDR_V2_COOKIE } from "./duration-histogram.ts";

const SUB_BUCKET_HALF_MAGNITUDE = 7; // 2 significant figures: 256 sub-buckets, half = 128

/** Counts index of a value (lowest 1, 2 significant figures), as HdrHistogram computes it. */
export function countsIndex(value: number): number {
  const v = Math.max(0, Math.floor(value));
  // bucket = position of the highest bit above the sub-bucket range
  const bits = v <= 255 ? 8 : Math.floor(Math.log2(v)) + 1;
  let bucket = bits - (SUB_BUCKET_HALF_MAGNITUDE + 1);
  // Math.log2 can round up just below a power of two: correct it exactly
  if (bucket > 0 && v < 2 ** (bucket + SUB_BUCKET_HALF_MAGNITUDE)) bucket--;
  const sub = Math.floor(v / 2 ** bucket);
  return ((bucket + 1) << SUB_BUCKET_HALF_MAGNITUDE) + (sub - (1 << SUB_BUCKET_HALF_MAGNITUDE));
}

export class SparseDurationHistogram {
  private readonly counts = new Map<number, number>();
  highOutliers = 0;
  highestOutlier: number | undefined;
  count = 0;

  constructor(readonly maxValue = 1_000_000_000) {}

  record(ns: number): void {
    let v = Math.round(ns);
    if (v < 1) v = 1;
    if (v > this.maxValue) {
      this.highOutliers++;
      if (this.highestOutlier === undefined || v > this.highestOutlier) this.highestOutlier = v;
      v = this.maxValue;
    }
    const i = countsIndex(v);
    this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
    this.count++;
  }

  /** The V2 bytes: 40-byte big-endian header, then ZigZag LEB128 counts (negative = run of zeros). */
  encode(): Uint8Array {
    const indices = [...this.counts.keys()].sort((a, b) => a - b);
    const payload: number[] = [];
    let next = 0;
    for (const i of indices) {
      if (i > next) pushZigZag(payload, -(i - next));
      pushZigZag(payload, this.counts.get(i)!);
      next = i + 1;
    }
    const out = new Uint8Array(40 + payload.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, HDR_V2_COOKIE);
    view.setUint32(4, payload.length);
    view.setUint32(8, 0); // normalizing index offset
    view.setUint32(12, 2); // significant figures
    view.setBigUint64(16, 1n); // lowest discernible value
    view.setBigUint64(24, BigInt(this.maxValue)); // highest trackable value
    view.setFloat64(32, 1); // integer to double conversion ratio
    out.set(payload, 40);
    return out;
  }

  toDurationHistogram(): DurationHistogram {
    const h: DurationHistogram = { rawHistogram: this.encode(), maxValue: this.maxValue, highOutliers: this.highOutliers };
    if (this.highestOutlier !== undefined) h.highestOutlier = this.highestOutlier;
    return h;
  }
}

function pushZigZag(out: number[], n: number): void {
  // ZigZag then LEB128; counts and runs stay far below 2^31 here.
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}
