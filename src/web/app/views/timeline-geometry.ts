/** Pure helpers of the Timeline canvas: the visible window, binary searches and tick steps. */

/** First index i in [lo, hi) with values[i] >= x (NaN counts as +∞: an open poll). */
export function lowerBound(values: Float64Array, x: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid]!;
    if (v < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Tick spacing (ns) giving about `target` ticks over `span` ns: 1, 2, 5 × 10^k. */
export function tickStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** Zooms [t0, t1] by `factor` (< 1 zooms in) around `at`, clamped to at least `minSpan`. */
export function zoomRange(t0: number, t1: number, at: number, factor: number, minSpan = 1000): [number, number] {
  const span = Math.max(minSpan, (t1 - t0) * factor);
  const ratio = (at - t0) / (t1 - t0 || 1);
  const start = at - ratio * span;
  return [start, start + span];
}

export function formatOffset(ns: number): string {
  const abs = Math.abs(ns);
  if (abs >= 1e9) return `${(ns / 1e9).toFixed(abs >= 1e10 ? 1 : 3).replace(/\.?0+$/, "")}s`;
  if (abs >= 1e6) return `${(ns / 1e6).toFixed(3).replace(/\.?0+$/, "")}ms`;
  if (abs >= 1e3) return `${(ns / 1e3).toFixed(3).replace(/\.?0+$/, "")}µs`;
  return `${Math.round(ns)}ns`;
}
