import { describe, expect, it } from "vitest";
import fc from "fast-check";
import hdr, { type JsHistogram } from "hdr-histogram-js";
import { countsIndex, SparseDurationHistogram } from "../../../src/console/histogram/sparse-histogram.ts";
import { decodeDurationHistogram } from "../../../src/console/histogram/duration-histogram.ts";

describe("SparseDurationHistogram (HdrHistogram V2 writer)", () => {
  it("puts values in the same buckets as hdr-histogram-js (2 significant figures, lowest 1)", () => {
    // JsHistogram (what build() returns without WebAssembly) has the equivalent-value helpers
    const reference = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1_000_000_000, numberOfSignificantValueDigits: 2, bitBucketSize: 64 }) as unknown as JsHistogram;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), (v) => {
        const h = new SparseDurationHistogram();
        h.record(v);
        const decoded = decodeDurationHistogram(h.toDurationHistogram());
        expect(decoded.buckets).toHaveLength(1);
        expect(decoded.buckets[0].low).toBe(reference.lowestEquivalentValue(v));
        expect(decoded.buckets[0].high).toBe(reference.highestEquivalentValue(v));
      }),
      { numRuns: 500 },
    );
    for (const v of [1, 127, 128, 255, 256, 257, 511, 512, 2 ** 20 - 1, 2 ** 20, 299_892_736, 300_400_000]) {
      const h = new SparseDurationHistogram();
      h.record(v);
      expect(decodeDurationHistogram(h.toDurationHistogram()).buckets[0].low, String(v)).toBe(reference.lowestEquivalentValue(v));
    }
    expect(countsIndex(0)).toBe(0);
  });

  it("round-trips counts, zero runs and outliers through the real decoder", () => {
    const h = new SparseDurationHistogram();
    for (let i = 0; i < 1000; i++) h.record(500 + (i % 40));
    h.record(300_400_000);
    h.record(300_400_000);
    h.record(300_400_000);
    h.record(2_000_100_000); // above the 1 s maximum: clamped, counted as an outlier
    const d = decodeDurationHistogram(h.toDurationHistogram());
    expect(d.count).toBe(1004);
    expect(d.highOutliers).toBe(1);
    expect(d.highestOutlier).toBe(2_000_100_000);
    expect(d.buckets.find((b) => b.low <= 300_400_000 && 300_400_000 <= b.high)?.count).toBe(3);
    expect(d.max).toBeGreaterThanOrEqual(1_000_000_000);
  });
});
