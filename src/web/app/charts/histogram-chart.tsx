/** A poll-time or scheduled-time histogram (tokio-console's HdrHistogram buckets) as uPlot bars on a log time axis, with its percentiles. */
import { useMemo } from "preact/hooks";
import uPlot from "uplot";
import type { HistogramView } from "../../shared/api-types.ts";
import { formatDurationNs } from "../format.ts";
import { UplotChart } from "./uplot-chart.tsx";

export function HistogramChart({ histogram, title, testid }: { histogram: HistogramView; title: string; testid: string }) {
  const data = useMemo<uPlot.AlignedData>(() => {
    // Bucket midpoints in µs (x must be > 0 on a log scale).
    const xs = histogram.buckets.map((b) => Math.max(0.001, (b.low + b.high) / 2 / 1e3));
    return [xs, histogram.buckets.map((b) => b.count)];
  }, [histogram]);
  const options = useMemo(
    () => ({
      height: 160,
      legend: { show: false },
      cursor: { show: true, points: { show: false } },
      scales: { x: { time: false, distr: 3 as const, log: 10 as const }, y: { range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, Math.max(1, max * 1.1)] } },
      // Log axis: label the decades only (1µs, 10µs, … 1s), the other ticks stay as grid lines.
      axes: [{ values: (_u: uPlot, vals: number[]) => vals.map((v) => (Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? formatDurationNs(v * 1e3, 0) : "")) }, { size: 40 }],
      series: [{}, { label: "count", stroke: "#3a6ea5", fill: "rgba(58,110,165,0.45)", paths: uPlot.paths.bars!({ size: [0.9, 12] }), points: { show: false } }],
    }),
    [],
  );
  const p = histogram.percentiles;
  return (
    <figure class="histogram">
      <figcaption>
        {title}: {histogram.count} values · min {formatDurationNs(histogram.min)} · mean {formatDurationNs(histogram.mean)} · max {formatDurationNs(histogram.max)}
        {histogram.highOutliers > 0 ? ` · ${histogram.highOutliers} above the histogram's max` : ""}
      </figcaption>
      <UplotChart options={options} data={data} testid={testid} />
      <table class="percentiles" data-testid={`${testid}-percentiles`}>
        <tbody>
          <tr>
            {Object.keys(p).map((k) => (
              <th key={k}>{k}</th>
            ))}
          </tr>
          <tr>
            {Object.values(p).map((v, i) => (
              <td key={i}>{formatDurationNs(v)}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </figure>
  );
}
