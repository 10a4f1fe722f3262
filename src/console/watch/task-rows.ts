import type { ConsoleState } from "../model/console-state.ts";
import { liveWakers, taskTimes, type TaskState } from "../model/task.ts";
import { formatDurationNs } from "../../util/duration.ts";

/** One line of the `console watch` table, computed from the state model at the app's `now`. */
export type RowState = TaskState;

export interface TaskRow {
  id: bigint;
  name: string;
  kind: string;
  location: string;
  state: RowState;
  polls: number;
  totalNs: number;
  busyNs: number;
  idleNs: number;
  wakes: number;
  liveWakers: number;
  selfWakes: number;
}

export function taskRows(state: ConsoleState): TaskRow[] {
  const rows: TaskRow[] = [];
  for (const t of state.tasks.values()) {
    const times = taskTimes(t, state.now);
    rows.push({
      id: t.id,
      name: t.name,
      kind: t.kind || "task",
      location: t.location,
      state: times.state,
      polls: t.polls,
      totalNs: times.totalNs,
      busyNs: times.busyNs,
      idleNs: times.idleNs,
      wakes: t.wakes,
      liveWakers: liveWakers(t),
      selfWakes: t.selfWakes,
    });
  }
  return rows;
}

/** One line per task whose details are watched: poll-time percentiles from its latest histogram. */
export function detailLines(state: ConsoleState, ids: Iterable<bigint>): string[] {
  const lines: string[] = [];
  for (const id of ids) {
    const t = state.tasks.get(id);
    if (!t) continue;
    const label = `${t.name || "task"} (${id})`;
    const h = t.pollHistogram;
    if (!h) {
      lines.push(`poll times ${label}: waiting for WatchTaskDetails…`);
      continue;
    }
    const p = h.percentiles;
    const outliers = h.highOutliers ? `, ${h.highOutliers} above ${formatDurationNs(h.maxValue)}` : "";
    lines.push(
      `poll times ${label}: n=${h.count} p50 ${formatDurationNs(p[50])} p90 ${formatDurationNs(p[90])} p99 ${formatDurationNs(p[99])} max ${formatDurationNs(h.max)}${outliers}`,
    );
  }
  return lines;
}
