/**
 * Decoding of tokio-console's poll-time / scheduled-time histograms: `DurationHistogram.raw_histogram` is
 * an HdrHistogram V2 serialisation, uncompressed (cookie 0x1c849313), big-endian, ZigZag-LEB128 counts,
 * values in nanoseconds (2 significant figures, lowest 1, highest = max_value).
 *
 * hdr-histogram-js decodes exactly this form through `JsHistogram.decode` (its "not compressed" path;
 * the package's documented entry point is the compressed base64 form), so no decoder is written here.
 * We check the cookie ourselves first so that garbage gets a clear error, and keep only a compact
 * summary (non-empty buckets and tokio-console's percentiles), not the library's counts array.
 */
import hdr from "hdr-histogram-js";
import type { JsHistogram } from "hdr-histogram-js";
import type { DurationHistogram } from "../protocol/messages.ts";

export const HDR_V2_COOKIE = 0x1c849313;

export class HistogramDecodeError extends Error {
  override readonly name = "HistogramDecodeError";
}

/** One non-empty bucket: every recorded value v with `low <= v <= high` (ns) counted together. */
export interface HistogramBucket {
  low: number;
  high: number;
  count: number;
}

/** The percentiles tokio-console shows in its task view. */
export const PERCENTILES = [10, 25, 50, 75, 90, 95, 99] as const;

export interface HistogramSummary {
  /** Number of recorded values (polls, or scheduled waits), outliers included (clamped to max). */
  count: number;
  /** Lowest and highest recorded bucket (ns): min = low of the first bucket, max = high of the last. */
  min: number;
  max: number;
  mean: number;
  /** p → value (ns), each the highest value equivalent to the bucket holding that percentile, as tokio-console shows it. */
  percentiles: Record<(typeof PERCENTILES)[number], number>;
  buckets: HistogramBucket[];
  /** From the enclosing DurationHistogram (0/undefined for a legacy histogram). */
  maxValue: number;
  highOutliers: number;
  highestOutlier?: number;
}

/** `JsHistogram.decode` is attached by the package's encoding module; its d.ts augmentation is not re-exported. */
interface JsHistogramDecoder {
  decode(data: Uint8Array, bitBucketSize: 64): JsHistogram;
}

/** Decodes raw HdrHistogram V2 bytes (uncompressed). */
export function decodeHdrHistogram(raw: Uint8Array): HistogramSummary {
  if (raw.length < 40) throw new HistogramDecodeError(`HdrHistogram too short (${raw.length} bytes)`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const cookie = view.getUint32(0, false);
  if (cookie !== HDR_V2_COOKIE) {
    throw new HistogramDecodeError(`not an uncompressed HdrHistogram V2 (cookie 0x${cookie.toString(16)})`);
  }
  const payload = view.getUint32(4, false);
  if (40 + payload > raw.length) throw new HistogramDecodeError(`HdrHistogram payload of ${payload} bytes past the end (${raw.length - 40} present)`);
  // The library byte-swaps the array it is given in place: hand it a real copy (`Buffer#slice` would be
  // a view, so go through Uint8Array.prototype.slice).
  const h = (hdr.JsHistogram as unknown as JsHistogramDecoder).decode(Uint8Array.prototype.slice.call(raw), 64);
  const buckets: HistogramBucket[] = [];
  for (let i = 0; i < h.countsArrayLength; i++) {
    const count = h.getCountAtIndex(i);
    if (count > 0) {
      const value = h.valueFromIndex(i);
      buckets.push({ low: h.lowestEquivalentValue(value), high: h.highestEquivalentValue(value), count });
    }
  }
  const count = h.totalCount;
  const percentiles = {} as HistogramSummary["percentiles"];
  for (const p of PERCENTILES) percentiles[p] = count === 0 ? 0 : h.getValueAtPercentile(p);
  return {
    count,
    min: buckets.length ? buckets[0].low : 0,
    max: buckets.length ? buckets[buckets.length - 1].high : 0,
    mean: count === 0 ? 0 : h.mean,
    percentiles,
    buckets,
    maxValue: 0,
    highOutliers: 0,
  };
}

/** Decodes a `DurationHistogram` message (raw bytes plus outlier counts). */
export function decodeDurationHistogram(histogram: DurationHistogram): HistogramSummary {
  const summary = decodeHdrHistogram(histogram.rawHistogram);
  summary.maxValue = histogram.maxValue;
  summary.highOutliers = histogram.highOutliers;
  if (histogram.highestOutlier !== undefined) summary.highestOutlier = histogram.highestOutlier;
  return summary;
}
