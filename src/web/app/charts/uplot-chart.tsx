/** A uPlot chart as a Preact component: created once per options shape, data replaced on change. */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

export interface ChartProps {
  options: Omit<uPlot.Options, "width"> & { width?: number };
  data: uPlot.AlignedData;
  testid?: string;
  /** Called with the chart after creation (e.g. to sync scales). */
  onReady?(chart: uPlot): void;
}

export function UplotChart({ options, data, testid, onReady }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = host.current!;
    const width = options.width ?? Math.max(240, el.clientWidth || 400);
    chart.current = new uPlot({ ...options, width } as uPlot.Options, data, el);
    onReady?.(chart.current);
    const resize = new ResizeObserver(() => {
      if (!options.width && chart.current && el.clientWidth > 0) chart.current.setSize({ width: el.clientWidth, height: options.height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
  }, [options]);
  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);
  return <div class="chart" ref={host} data-testid={testid} />;
}
