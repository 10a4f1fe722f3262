/**
 * Rendering of a snapshot of the state model: the task table, the resources table and totals, as text
 * (aligned columns, durations like tokio-console, colour through picocolors) or JSON (ids as strings,
 * durations in integer nanoseconds, times as ISO-8601 with nanoseconds, `null` when unknown).
 */
import { escapeControlLine } from "../../util/escape-control.ts";
import pc from "picocolors";
import type { ConsoleState, ResourceRecord } from "../model/console-state.ts";
import { formatDurationNs } from "../../util/duration.ts";
import type { HistogramSummary } from "../histogram/duration-histogram.ts";
import { cellText, type TaskColumn, type TaskRow } from "./task-columns.ts";

export interface SnapshotSourceInfo {
  kind: string;
  description: string;
  limitations: readonly string[];
  notes: string[];
}

export interface SnapshotView {
  source: SnapshotSourceInfo;
  state: ConsoleState;
  /** Filtered, sorted and cut tasks. */
  rows: TaskRow[];
  /** Tasks before filtering and --top. */
  allRows: TaskRow[];
  columns: TaskColumn[];
}

type Colors = ReturnType<typeof pc.createColors>;

export interface Totals {
  tasks: number;
  shown: number;
  running: number;
  scheduled: number;
  idle: number;
  done: number;
  resources: number;
  asyncOps: number;
  droppedEvents: { tasks: number; resources: number; asyncOps: number; total: number };
  updates: number;
}

export function totalsOf(view: SnapshotView): Totals {
  const t: Totals = {
    tasks: view.allRows.length,
    shown: view.rows.length,
    running: 0,
    scheduled: 0,
    idle: 0,
    done: 0,
    resources: view.state.resources.size,
    asyncOps: view.state.asyncOps.size,
    droppedEvents: { ...view.state.dropped, total: view.state.droppedEventsTotal },
    updates: view.state.updates,
  };
  for (const r of view.allRows) t[r.state]++;
  return t;
}

// ------------------------------------------------------------------ text

export function renderText(view: SnapshotView, useColor: boolean): string {
  const c: Colors = pc.createColors(useColor);
  const out: string[] = [];
  const { state } = view;
  const totals = totalsOf(view);
  out.push(c.bold(`Source: ${view.source.description}`) + c.dim(` — ${state.updates} update${state.updates === 1 ? "" : "s"}, app time ${state.clock.toIso(state.now) ?? "unknown"}`));
  for (const l of view.source.limitations) out.push(c.dim(`  note: ${l}`));
  for (const n of view.source.notes) out.push(c.yellow(`  note: ${n}`));
  if (state.droppedEventsTotal > 0) {
    out.push(c.red(`  warning: the app dropped ${state.droppedEventsTotal} instrumentation events (its event buffer overflowed): counters are incomplete`));
  }
  out.push("");
  out.push(
    c.bold(`Tasks: ${totals.tasks}`) +
      ` (${c.green(`${totals.running} running`)}, ${c.yellow(`${totals.scheduled} scheduled`)}, ${totals.idle} idle, ${c.dim(`${totals.done} done`)})` +
      (totals.shown !== totals.tasks ? `, ${totals.shown} shown` : ""),
  );
  out.push(table(view.columns.map((col) => ({ header: col.header, align: col.align })), view.rows.map((row) => view.columns.map((col) => styleCell(c, col, row))), c));
  out.push("");
  const resources = [...state.resources.values()];
  out.push(c.bold(`Resources: ${resources.length}`) + ` (${resources.filter((r) => Number.isNaN(r.droppedAt)).length} live)` + c.bold(`   Async ops: ${state.asyncOps.size}`) + c.bold(`   Poll ops: ${state.pollOpsTotal}`));
  if (resources.length > 0) {
    const rows = resources
      .filter((r) => Number.isNaN(r.droppedAt))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => resourceCells(r, state.now));
    out.push(
      table(
        ["ID", "Parent", "Kind", "Total", "Target", "Type", "Vis", "Location", "Attributes"].map((header, i) => ({ header, align: i < 2 || i === 3 ? "right" : "left" })),
        rows,
        c,
      ),
    );
  }
  const withHistograms = view.rows.filter((r) => r.task.pollHistogram);
  const HISTOGRAMS_SHOWN = 10;
  for (const row of withHistograms.slice(0, HISTOGRAMS_SHOWN)) {
    out.push("");
    out.push(c.bold(`Poll times of task ${row.id}${row.name ? ` (${escapeControlLine(row.name)})` : ""}: `) + histogramLine(row.task.pollHistogram!));
    if (row.task.scheduledHistogram) out.push(c.bold(`Scheduled times: `) + histogramLine(row.task.scheduledHistogram));
  }
  if (withHistograms.length > HISTOGRAMS_SHOWN) {
    out.push("");
    out.push(c.dim(`(poll-time histograms of ${withHistograms.length - HISTOGRAMS_SHOWN} more shown tasks: use --top, --filter or --format json)`));
  }
  return out.join("\n") + "\n";
}

function histogramLine(h: HistogramSummary): string {
  const p = Object.entries(h.percentiles)
    .map(([k, v]) => `p${k} ${formatDurationNs(v)}`)
    .join(", ");
  return `${h.count} samples, min ${formatDurationNs(h.min)}, max ${formatDurationNs(h.max)}; ${p}` + (h.highOutliers > 0 ? `; ${h.highOutliers} above ${formatDurationNs(h.maxValue)}${h.highestOutlier !== undefined ? ` (highest ${formatDurationNs(h.highestOutlier)})` : ""}` : "");
}

function styleCell(c: Colors, col: TaskColumn, row: TaskRow): string {
  // Task names and fields come from the app: `ESC]0;…` in a name must not reach the terminal raw.
  const text = escapeControlLine(cellText(col, row));
  if (col.key === "state") {
    switch (row.state) {
      case "running":
        return c.green(text);
      case "scheduled":
        return c.yellow(text);
      case "done":
        return c.dim(text);
      default:
        return text;
    }
  }
  if (col.key === "wakers" && row.liveWakers === 0 && row.state === "idle" && row.polls > 0) return c.red(text);
  return text;
}

function resourceCells(r: ResourceRecord, now: number): string[] {
  const end = Number.isNaN(r.droppedAt) ? now : r.droppedAt;
  const attrs = [...r.attributes].map(([k, v]) => `${k}=${String(v.value)}${v.unit ?? ""}`).join(", ");
  return ([
    String(r.id),
    r.parentId === undefined ? "" : String(r.parentId),
    r.kind,
    Number.isNaN(r.createdAt) ? "-" : formatDurationNs(end - r.createdAt),
    r.target,
    r.concreteType,
    r.isInternal ? "INT" : "PUB",
    r.location,
    attrs,
  ] as string[]).map(escapeControlLine);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (s: string) => s.replace(ANSI, "").length;

function table(columns: { header: string; align: "left" | "right" }[], rows: string[][], c: Colors): string {
  const widths = columns.map((col, i) => Math.max(col.header.length, ...rows.map((r) => visibleLength(r[i] ?? ""))));
  const pad = (s: string, i: number) => {
    const fill = " ".repeat(Math.max(0, widths[i] - visibleLength(s)));
    return columns[i].align === "right" ? fill + s : s + fill;
  };
  const lines = [c.bold(columns.map((col, i) => pad(col.header, i)).join("  ").trimEnd())];
  for (const r of rows) lines.push(r.map((cell, i) => pad(cell, i)).join("  ").trimEnd());
  return lines.join("\n");
}

// ------------------------------------------------------------------ JSON

const nsOrNull = (n: number) => (Number.isNaN(n) ? null : Math.round(n));

export function renderJson(view: SnapshotView): string {
  const { state } = view;
  const iso = (t: number) => state.clock.toIso(t);
  const doc = {
    source: { kind: view.source.kind, description: view.source.description, limitations: view.source.limitations, notes: view.source.notes },
    now: iso(state.now),
    totals: totalsOf(view),
    tasks: view.rows.map((r) => ({
      id: r.id,
      tokioId: r.tokioId === "" ? null : r.tokioId,
      name: r.name,
      state: r.state,
      kind: r.kind,
      location: r.location || null,
      target: r.target || null,
      totalNs: nsOrNull(r.totalNs),
      busyNs: nsOrNull(r.busyNs),
      scheduledNs: nsOrNull(r.scheduledNs),
      idleNs: nsOrNull(r.idleNs),
      polls: r.polls,
      wakes: r.wakes,
      selfWakes: r.selfWakes,
      wakerClones: r.wakerClones,
      wakerDrops: r.wakerDrops,
      liveWakers: r.liveWakers,
      createdAt: iso(r.task.createdAt),
      droppedAt: iso(r.task.droppedAt),
      firstPoll: iso(r.task.firstPoll),
      lastPollStarted: iso(r.task.lastPollStarted),
      lastPollEnded: iso(r.task.lastPollEnded),
      lastWake: iso(r.task.lastWake),
      fields: r.fields,
      ...(r.task.pollHistogram ? { pollHistogram: histogramJson(r.task.pollHistogram) } : {}),
      ...(r.task.scheduledHistogram ? { scheduledHistogram: histogramJson(r.task.scheduledHistogram) } : {}),
    })),
    resources: [...state.resources.values()].map((r) => ({
      id: String(r.id),
      parentId: r.parentId === undefined ? null : String(r.parentId),
      kind: r.kind,
      concreteType: r.concreteType,
      target: r.target || null,
      location: r.location || null,
      internal: r.isInternal,
      createdAt: iso(r.createdAt),
      droppedAt: iso(r.droppedAt),
      attributes: Object.fromEntries([...r.attributes].map(([k, v]) => [k, { value: typeof v.value === "bigint" ? String(v.value) : v.value, ...(v.unit !== undefined ? { unit: v.unit } : {}) }])),
      pollOps: Object.fromEntries(r.pollOpCounts),
    })),
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

function histogramJson(h: HistogramSummary) {
  return {
    count: h.count,
    minNs: h.min,
    maxNs: h.max,
    meanNs: Math.round(h.mean),
    percentilesNs: Object.fromEntries(Object.entries(h.percentiles).map(([k, v]) => [`p${k}`, v])),
    buckets: h.buckets.map((b) => ({ lowNs: b.low, highNs: b.high, count: b.count })),
    maxValueNs: h.maxValue,
    highOutliers: h.highOutliers,
    ...(h.highestOutlier !== undefined ? { highestOutlierNs: h.highestOutlier } : {}),
  };
}
