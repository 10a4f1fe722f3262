/**
 * Timeline: tasks as rows on a canvas; a recording's polls as bars (from Enter/Exit), sampled sources'
 * busy share per update interval as shaded bars; wakes as markers with waker → wakee arrows; spawns and
 * drops as ticks. Worker utilisation (uPlot) on top shares the time axis. Ctrl+wheel or the buttons zoom,
 * drag pans, Shift+drag brushes a window; the scrubber sets the time the Tasks view shows (recordings).
 *
 * The rows are drawn by hand on a canvas: no charting library draws a Gantt of a million intervals at
 * 60 fps; the drawing is one filled path per row with bars merged below a pixel, and wakes de-duplicated
 * per pixel, so a frame costs O(visible rows × width) whatever the zoom.
 */
import { useContext, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";
import type { DiagnosesView, SourceInfo, TimelineView as TimelineData } from "../../shared/api-types.ts";
import { UplotChart } from "../charts/uplot-chart.tsx";
import { AppContext } from "../context.ts";
import { formatDurationNs } from "../format.ts";
import { useData } from "../use-data.ts";
import { formatOffset, lowerBound, tickStep, zoomRange } from "./timeline-geometry.ts";

const ROW_H = 18;
const AXIS_H = 22;
const LABEL_W = 180;
const MAX_ARROWS = 3000;

interface Binary {
  starts: Float64Array;
  ends: Float64Array;
  wakeAt: Float64Array;
  wakee: Int32Array;
  waker: Int32Array;
  self: Uint8Array;
}

function splitBinary(buffer: ArrayBuffer, polls: number, wakes: number): Binary {
  return {
    starts: new Float64Array(buffer, 0, polls),
    ends: new Float64Array(buffer, polls * 8, polls),
    wakeAt: new Float64Array(buffer, polls * 16, wakes),
    wakee: new Int32Array(buffer, polls * 16 + wakes * 8, wakes),
    waker: new Int32Array(buffer, polls * 16 + wakes * 12, wakes),
    self: new Uint8Array(buffer, polls * 16 + wakes * 16, wakes),
  };
}

/** What the last frame drew, for tests and benchmarks (window.__asyncDoctorTimeline[source]). */
export interface FrameStats {
  barsByKey: Record<string, number>;
  wakesDrawn: number;
  arrowsDrawn: number;
  rowsDrawn: number;
  frameMs: number;
  range: [number, number];
}

declare global {
  interface Window {
    __asyncDoctorTimeline?: Record<number, FrameStats>;
  }
}

export function TimelineView({ source }: { source: SourceInfo }) {
  const app = useContext(AppContext);
  const version = app.versions[source.index] ?? 0;
  // Recordings do not change once read: fetch them once they are done.
  const data = useData<TimelineData>(source.kind === "recording" && !source.done ? null : `/api/s/${source.index}/timeline`, version);
  const diagnoses = useData<DiagnosesView>(`/api/s/${source.index}/diagnoses`, version);
  const [binary, setBinary] = useState<Binary | null>(null);
  const [binaryError, setBinaryError] = useState<string | null>(null);
  const t = data.data;

  useEffect(() => {
    if (!t || t.mode !== "polls") return;
    app.data
      .binary(`/api/s/${source.index}/timeline/bin`)
      .then((buffer) => setBinary(splitBinary(buffer, t.polls, t.wakes)))
      .catch((e: unknown) => setBinaryError(e instanceof Error ? e.message : String(e)));
  }, [t?.polls, t?.wakes, t?.mode]);

  if (source.kind === "recording" && !source.done) return <p class="note">reading the recording…</p>;
  if (data.error) return <p class="error">{data.error}</p>;
  if (!t) return <p class="note">loading…</p>;
  if (t.mode === "polls" && !binary) return binaryError ? <p class="error">{binaryError}</p> : <p class="note">loading polls…</p>;
  return <TimelineCanvas source={source} t={t} binary={binary} diagnosed={new Set((diagnoses.data?.diagnoses ?? []).map((d) => d.taskKey ?? ""))} />;
}

function TimelineCanvas({ source, t, binary, diagnosed }: { source: SourceInfo; t: TimelineData; binary: Binary | null; diagnosed: Set<string> }) {
  const app = useContext(AppContext);
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [showInternal, setShowInternal] = useState(false);
  const [nameFilter, setNameFilter] = useState("");
  const [status, setStatus] = useState("");
  const fullSpan: [number, number] = [t.start, Math.max(t.end, t.start + 1)];
  const view = useRef<[number, number]>(fullSpan);
  const brush = useRef<[number, number] | null>(null);
  const frame = useRef(0);
  const chart = useRef<uPlot | null>(null);
  const origin = t.start;
  const at = app.timeAt[source.index] ?? null;

  const rows = useMemo(() => {
    const needle = nameFilter.trim().toLowerCase();
    const list: number[] = [];
    t.tasks.forEach((task, i) => {
      if (!showInternal && task.runtimeInternal) return;
      if (needle && !`${task.name} ${task.id}`.toLowerCase().includes(needle)) return;
      list.push(i);
    });
    return list;
  }, [t, showInternal, nameFilter]);
  const rowOf = useMemo(() => {
    const map = new Int32Array(t.tasks.length).fill(-1);
    rows.forEach((taskIndex, r) => (map[taskIndex] = r));
    return map;
  }, [rows, t]);

  const draw = () => {
    frame.current = 0;
    const c = canvas.current;
    const sc = scroller.current;
    if (!c || !sc) return;
    const began = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const width = sc.clientWidth;
    const height = sc.clientHeight;
    if (c.width !== Math.round(width * dpr) || c.height !== Math.round(height * dpr)) {
      c.width = Math.round(width * dpr);
      c.height = Math.round(height * dpr);
      c.style.width = `${width}px`;
      c.style.height = `${height}px`;
    }
    const ctx = c.getContext("2d")!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const [t0, t1] = view.current;
    const plotW = Math.max(1, width - LABEL_W);
    const scale = plotW / (t1 - t0);
    const px = (x: number) => LABEL_W + (x - t0) * scale;
    const scrollTop = sc.scrollTop;
    const first = Math.floor(scrollTop / ROW_H);
    const visibleRows = Math.ceil((height - AXIS_H) / ROW_H) + 1;
    const last = Math.min(rows.length, first + visibleRows);
    const yOf = (r: number) => AXIS_H + r * ROW_H - scrollTop;
    const stats: FrameStats = { barsByKey: {}, wakesDrawn: 0, arrowsDrawn: 0, rowsDrawn: 0, frameMs: 0, range: [t0, t1] };

    // Row backgrounds, lifetimes, spawn/drop ticks, bars.
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    for (let r = first; r < last; r++) {
      const ti = rows[r]!;
      const task = t.tasks[ti]!;
      const y = yOf(r);
      if (r % 2 === 1) {
        ctx.fillStyle = "#f6f7f9";
        ctx.fillRect(0, y, width, ROW_H);
      }
      const born = task.spawnedAt ?? t.start;
      const died = task.closedAt ?? t.end;
      if (died >= t0 && born <= t1) {
        ctx.fillStyle = "#c9ced6";
        ctx.fillRect(Math.max(LABEL_W, px(born)), y + ROW_H / 2 - 0.5, Math.min(width, px(died)) - Math.max(LABEL_W, px(born)), 1);
        if (task.spawnedAt !== null && born >= t0) {
          ctx.fillStyle = "#27ae60";
          ctx.fillRect(px(born) - 1, y + 3, 2, ROW_H - 6);
        }
        if (task.closedAt !== null && died <= t1) {
          ctx.fillStyle = "#7f8c8d";
          ctx.fillRect(px(died) - 1, y + 3, 2, ROW_H - 6);
        }
      }
      let bars = 0;
      if (binary) {
        const end = task.pollOffset + task.pollCount;
        let i = lowerBound(binary.ends, t0, task.pollOffset, end);
        ctx.beginPath();
        let runStart = -1;
        let runEnd = -1;
        for (; i < end; i++) {
          const s = binary.starts[i]!;
          if (s > t1) break;
          const e = binary.ends[i]!;
          const x0 = Math.max(LABEL_W, px(s));
          const x1 = Math.max(x0 + 1, Math.min(width, px(Number.isNaN(e) ? t.end : e)));
          if (runStart >= 0 && x0 <= runEnd) runEnd = Math.max(runEnd, x1);
          else {
            if (runStart >= 0) ctx.rect(runStart, y + 3, runEnd - runStart, ROW_H - 6);
            runStart = x0;
            runEnd = x1;
            bars++;
          }
        }
        if (runStart >= 0) ctx.rect(runStart, y + 3, runEnd - runStart, ROW_H - 6);
        ctx.fillStyle = task.kind === "blocking" ? "#8e7cc3" : "#3a6ea5";
        ctx.fill();
      } else if (t.busy) {
        const triples = t.busy[ti] ?? [];
        for (let k = 0; k + 2 < triples.length; k += 3) {
          const s = triples[k]!;
          const e = triples[k + 1]!;
          if (e < t0 || s > t1) continue;
          ctx.fillStyle = `rgba(58,110,165,${Math.max(0.08, triples[k + 2]!)})`;
          const x0 = Math.max(LABEL_W, px(s));
          ctx.fillRect(x0, y + 3, Math.max(1, Math.min(width, px(e)) - x0), ROW_H - 6);
          bars++;
        }
      }
      stats.barsByKey[task.key] = bars;
      stats.rowsDrawn++;
    }

    // Wakes: markers on the wakee's row, arrows from the waker's row when few enough are in view.
    if (binary && binary.wakeAt.length > 0) {
      const from = lowerBound(binary.wakeAt, t0, 0, binary.wakeAt.length);
      const to = lowerBound(binary.wakeAt, t1, from, binary.wakeAt.length);
      const drawArrows = to - from <= MAX_ARROWS;
      const seen = new Uint8Array((last - first + 1) * (plotW + 2));
      ctx.beginPath();
      const selfPath = new Path2D();
      const arrows = new Path2D();
      for (let k = from; k < to; k++) {
        const r = rowOf[binary.wakee[k]!]!;
        if (r < first || r >= last) continue;
        const x = px(binary.wakeAt[k]!);
        const cell = (r - first) * (plotW + 2) + Math.round(x - LABEL_W);
        const y = yOf(r);
        if (!seen[cell]) {
          seen[cell] = 1;
          const target = binary.self[k] ? selfPath : null;
          if (target) {
            target.moveTo(x, y + ROW_H - 2);
            target.lineTo(x - 3, y + ROW_H + 2 - 6);
            target.lineTo(x + 3, y + ROW_H + 2 - 6);
          } else {
            ctx.moveTo(x, y + ROW_H - 2);
            ctx.lineTo(x - 3, y + ROW_H + 2 - 6);
            ctx.lineTo(x + 3, y + ROW_H + 2 - 6);
          }
          stats.wakesDrawn++;
        }
        const wr = binary.waker[k]!;
        if (drawArrows && wr >= 0 && wr !== binary.wakee[k]) {
          const from = rowOf[wr]!;
          if (from < 0) continue;
          const y0 = Math.min(Math.max(yOf(from) + ROW_H / 2, AXIS_H), c.height / dpr);
          const y1 = y + ROW_H / 2;
          arrows.moveTo(x, y0);
          arrows.lineTo(x, y1);
          const dir = y1 > y0 ? -1 : 1;
          arrows.moveTo(x - 3, y1 + dir * 5);
          arrows.lineTo(x, y1);
          arrows.lineTo(x + 3, y1 + dir * 5);
          stats.arrowsDrawn++;
        }
      }
      ctx.fillStyle = "#e67e22";
      ctx.fill();
      ctx.fillStyle = "#c0392b";
      ctx.fill(selfPath);
      ctx.strokeStyle = "rgba(142,68,173,0.7)";
      ctx.lineWidth = 1;
      ctx.stroke(arrows);
    }

    // Labels column, axis, scrubber cursor, brush.
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, AXIS_H, LABEL_W - 2, height);
    for (let r = first; r < last; r++) {
      const task = t.tasks[rows[r]!]!;
      ctx.fillStyle = diagnosed.has(task.key) ? "#c0392b" : task.runtimeInternal ? "#95a5a6" : "#2c3e50";
      const label = task.name ? `${task.name} · ${task.id}` : `${task.kind} ${task.id}`;
      ctx.fillText(label.length > 28 ? `${label.slice(0, 27)}…` : label, 4, yOf(r) + ROW_H / 2);
    }
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, AXIS_H);
    ctx.fillStyle = "#2c3e50";
    ctx.strokeStyle = "#d0d4da";
    const step = tickStep(t1 - t0, plotW / 110);
    ctx.beginPath();
    for (let tick = Math.ceil((t0 - origin) / step) * step + origin; tick <= t1; tick += step) {
      const x = px(tick);
      ctx.moveTo(x + 0.5, AXIS_H - 5);
      ctx.lineTo(x + 0.5, height);
      ctx.fillText(formatOffset(tick - origin), x + 3, AXIS_H / 2);
    }
    ctx.stroke();
    ctx.fillText(`${rows.length} tasks`, 4, AXIS_H / 2);
    if (at !== null && at >= t0 && at <= t1) {
      ctx.fillStyle = "#2980b9";
      ctx.fillRect(px(at) - 1, 0, 2, height);
    }
    if (brush.current) {
      const [b0, b1] = brush.current;
      ctx.fillStyle = "rgba(41,128,185,0.15)";
      ctx.fillRect(px(Math.min(b0, b1)), AXIS_H, Math.abs(px(b1) - px(b0)), height);
    }
    stats.frameMs = performance.now() - began;
    (window.__asyncDoctorTimeline ??= {})[source.index] = stats;
    c.dataset.frame = String(Number(c.dataset.frame ?? 0) + 1);
  };

  const redraw = () => {
    if (!frame.current) frame.current = requestAnimationFrame(draw);
  };
  const setView = (range: [number, number]) => {
    view.current = range;
    chart.current?.setScale("x", { min: (range[0] - origin) / 1e9, max: (range[1] - origin) / 1e9 });
    redraw();
  };

  useEffect(() => {
    const w = app.window[source.index];
    if (w) {
      const pad = Math.max((w[1] - w[0]) * 0.1, 1e6);
      setView([w[0] - pad, w[1] + pad]);
    }
  }, [app.window[source.index]]);
  useEffect(() => {
    redraw();
  });
  useEffect(() => {
    const sc = scroller.current!;
    const resize = new ResizeObserver(redraw);
    resize.observe(sc);
    return () => resize.disconnect();
  }, []);

  const timeAtX = (clientX: number) => {
    const rect = canvas.current!.getBoundingClientRect();
    const [t0, t1] = view.current;
    return t0 + ((clientX - rect.left - LABEL_W) / Math.max(1, rect.width - LABEL_W)) * (t1 - t0);
  };
  const rowAtY = (clientY: number) => {
    const rect = canvas.current!.getBoundingClientRect();
    return Math.floor((clientY - rect.top - AXIS_H + scroller.current!.scrollTop) / ROW_H);
  };

  const onWheel = (e: WheelEvent) => {
    if (!e.ctrlKey && !e.metaKey && !e.altKey) return; // plain wheel scrolls the rows
    e.preventDefault();
    const [t0, t1] = view.current;
    setView(zoomRange(t0, t1, timeAtX(e.clientX), Math.exp(e.deltaY * 0.002)));
  };
  const drag = useRef<{ x: number; view: [number, number]; brush: boolean } | null>(null);
  const onPointerDown = (e: PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    if (e.clientX - rect.left < LABEL_W) {
      const r = rowAtY(e.clientY);
      const task = t.tasks[rows[r] ?? -1];
      if (task) app.select({ source: source.index, key: task.key });
      return;
    }
    try {
      (e.target as Element).setPointerCapture(e.pointerId);
    } catch {
      // synthetic pointers (scripted pans) cannot be captured; dragging still works inside the canvas
    }
    drag.current = { x: e.clientX, view: view.current, brush: e.shiftKey };
    if (e.shiftKey) brush.current = [timeAtX(e.clientX), timeAtX(e.clientX)];
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (d?.brush) {
      brush.current = [brush.current![0], timeAtX(e.clientX)];
      redraw();
    } else if (d) {
      const rect = canvas.current!.getBoundingClientRect();
      const shift = ((e.clientX - d.x) / Math.max(1, rect.width - LABEL_W)) * (d.view[1] - d.view[0]);
      setView([d.view[0] - shift, d.view[1] - shift]);
    } else hover(e);
  };
  const onPointerUp = () => {
    const d = drag.current;
    drag.current = null;
    if (d?.brush && brush.current) {
      const [b0, b1] = brush.current;
      brush.current = null;
      if (Math.abs(b1 - b0) > 0) {
        const w: [number, number] = [Math.min(b0, b1), Math.max(b0, b1)];
        setView(w);
        app.setWindow(source.index, w);
      }
      redraw();
    }
  };
  const hover = (e: PointerEvent) => {
    const time = timeAtX(e.clientX);
    const task = t.tasks[rows[rowAtY(e.clientY)] ?? -1];
    if (!task) return setStatus("");
    let text = `${task.name || task.kind} ${task.id} · t=${formatOffset(time - origin)}`;
    if (binary) {
      const end = task.pollOffset + task.pollCount;
      const i = lowerBound(binary.ends, time, task.pollOffset, end);
      if (i < end && binary.starts[i]! <= time) {
        const e2 = binary.ends[i]!;
        text += ` · poll ${i - task.pollOffset + 1}/${task.pollCount}: ${Number.isNaN(e2) ? "still running" : formatDurationNs(e2 - binary.starts[i]!)}`;
      }
    }
    setStatus(text);
  };

  const utilisation = useMemo<uPlot.AlignedData>(
    () => [t.utilisation.at.map((x) => (x - origin) / 1e9), t.utilisation.busyWorkers.map((b) => (100 * b) / Math.max(1, t.utilisation.workers))],
    [t],
  );
  const utilisationOptions = useMemo(
    () => ({
      height: 90,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, min: 0, max: (fullSpan[1] - origin) / 1e9 }, y: { range: [0, 100] as uPlot.Range.MinMax } },
      axes: [{ show: false }, { size: 52, splits: () => [0, 50, 100], values: (_u: uPlot, v: number[]) => v.map((x) => `${x}%`) }],
      series: [{}, { label: "worker utilisation", stroke: "#16a085", fill: "rgba(22,160,133,0.25)", width: 1, points: { show: false } }],
    }),
    [t.start, t.end],
  );

  const range = source.range;
  return (
    <div class="timeline-view" data-testid="timeline-view">
      <div class="toolbar">
        <button onClick={() => setView(zoomRange(view.current[0], view.current[1], (view.current[0] + view.current[1]) / 2, 0.5))} data-testid="zoom-in">
          +
        </button>
        <button onClick={() => setView(zoomRange(view.current[0], view.current[1], (view.current[0] + view.current[1]) / 2, 2))}>−</button>
        <button onClick={() => setView(fullSpan)} data-testid="zoom-fit">
          fit
        </button>
        <input placeholder="tasks named…" value={nameFilter} onInput={(e) => setNameFilter((e.target as HTMLInputElement).value)} data-testid="timeline-filter" />
        <label>
          <input type="checkbox" checked={showInternal} onChange={() => setShowInternal(!showInternal)} /> runtime tasks
        </label>
        <span class="legend">
          {t.mode === "polls" ? `${t.polls} polls, ${t.wakes} wakes (▲ wake, red ▲ self-wake, arrows: likely waker → wakee)` : "busy share per update interval (sampled stats)"} · {t.workers} worker(s) ·
          ctrl+wheel zooms, drag pans, shift+drag brushes
        </span>
      </div>
      <div class="utilisation" data-testid="utilisation">
        <UplotChart options={utilisationOptions} data={utilisation} onReady={(u) => (chart.current = u)} />
      </div>
      <div class="timeline-scroll" ref={scroller} onScroll={redraw} onWheel={onWheel} data-testid="timeline-scroll">
        <div style={`height: ${AXIS_H + rows.length * ROW_H}px`}>
          <canvas
            ref={canvas}
            class="timeline-canvas"
            data-testid="timeline-canvas"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerLeave={() => setStatus("")}
          />
        </div>
      </div>
      <div class="status">{status || "\u00a0"}</div>
      {source.canTimeTravel && range ? (
        <div class="scrubber">
          <label>
            time travel:{" "}
            <input
              type="range"
              min={range[0]}
              max={range[1]}
              step={Math.max(1, (range[1] - range[0]) / 1000)}
              value={at ?? range[1]}
              data-testid="scrubber"
              onInput={(e) => app.setTimeAt(source.index, Number((e.target as HTMLInputElement).value))}
            />
          </label>
          <span>{at === null ? "latest" : formatOffset(at - origin)}</span>
          {at !== null ? <button onClick={() => app.setTimeAt(source.index, null)}>latest</button> : null}
        </div>
      ) : null}
    </div>
  );
}
