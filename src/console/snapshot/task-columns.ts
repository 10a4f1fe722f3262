/**
 * The task table's columns and the task row computed once per snapshot: used for sorting, filtering,
 * text and JSON output alike.
 */
import type { ConsoleState } from "../model/console-state.ts";
import { liveWakers, taskTimes, type TaskRecord, type TaskState } from "../model/task.ts";
import { formatDurationNs } from "../../util/duration.ts";

export interface TaskRow {
  task: TaskRecord;
  id: string;
  tokioId: string;
  name: string;
  state: TaskState;
  kind: string;
  location: string;
  target: string;
  totalNs: number;
  busyNs: number;
  scheduledNs: number;
  idleNs: number;
  polls: number;
  wakes: number;
  selfWakes: number;
  wakerClones: number;
  wakerDrops: number;
  liveWakers: number;
  fields: Record<string, string>;
}

export function taskRows(state: ConsoleState): TaskRow[] {
  const rows: TaskRow[] = [];
  for (const t of state.allTasks()) {
    const times = taskTimes(t, state.now);
    rows.push({
      task: t,
      id: String(t.id),
      tokioId: t.tokioId === undefined ? "" : String(t.tokioId),
      name: t.name,
      state: times.state,
      kind: t.kind,
      location: t.location,
      target: t.target,
      totalNs: times.totalNs,
      busyNs: times.busyNs,
      scheduledNs: times.scheduledNs,
      idleNs: times.idleNs,
      polls: t.polls,
      wakes: t.wakes,
      selfWakes: t.selfWakes,
      wakerClones: t.wakerClones,
      wakerDrops: t.wakerDrops,
      liveWakers: liveWakers(t),
      fields: Object.fromEntries(t.otherFields),
    });
  }
  return rows;
}

export type ColumnType = "id" | "text" | "number" | "duration" | "state";

export interface TaskColumn {
  key: string;
  header: string;
  aliases: string[];
  type: ColumnType;
  value(row: TaskRow): string | number;
  align: "left" | "right";
}

const stateOrder: Record<TaskState, number> = { running: 0, scheduled: 1, idle: 2, done: 3 };

export const TASK_COLUMNS: TaskColumn[] = [
  { key: "id", header: "ID", aliases: ["span", "span_id"], type: "id", value: (r) => r.id, align: "right" },
  { key: "tid", header: "TID", aliases: ["task_id", "tokio_id"], type: "id", value: (r) => r.tokioId, align: "right" },
  { key: "name", header: "Name", aliases: [], type: "text", value: (r) => r.name, align: "left" },
  { key: "state", header: "State", aliases: [], type: "state", value: (r) => r.state, align: "left" },
  { key: "total", header: "Total", aliases: [], type: "duration", value: (r) => r.totalNs, align: "right" },
  { key: "busy", header: "Busy", aliases: [], type: "duration", value: (r) => r.busyNs, align: "right" },
  { key: "sched", header: "Sched", aliases: ["scheduled"], type: "duration", value: (r) => r.scheduledNs, align: "right" },
  { key: "idle", header: "Idle", aliases: [], type: "duration", value: (r) => r.idleNs, align: "right" },
  { key: "polls", header: "Polls", aliases: [], type: "number", value: (r) => r.polls, align: "right" },
  { key: "wakes", header: "Wakes", aliases: [], type: "number", value: (r) => r.wakes, align: "right" },
  { key: "self_wakes", header: "Self", aliases: ["self", "selfwakes"], type: "number", value: (r) => r.selfWakes, align: "right" },
  { key: "wakers", header: "Wakers", aliases: ["live_wakers", "livewakers"], type: "number", value: (r) => r.liveWakers, align: "right" },
  { key: "kind", header: "Kind", aliases: [], type: "text", value: (r) => r.kind, align: "left" },
  { key: "location", header: "Location", aliases: ["loc"], type: "text", value: (r) => r.location, align: "left" },
  { key: "target", header: "Target", aliases: [], type: "text", value: (r) => r.target, align: "left" },
];

/** Columns shown by default in the text table. */
export const DEFAULT_TASK_COLUMNS = ["id", "name", "state", "total", "busy", "sched", "idle", "polls", "wakes", "wakers", "kind", "location"];

export function findColumn(name: string): TaskColumn | undefined {
  const n = name.toLowerCase().replace(/-/g, "_");
  return TASK_COLUMNS.find((c) => c.key === n || c.aliases.includes(n));
}

/** Compares two rows on a column; NaN/empty values sort last in either direction. */
export function compareRows(column: TaskColumn, a: TaskRow, b: TaskRow, descending: boolean): number {
  const va = column.value(a);
  const vb = column.value(b);
  const missingA = va === "" || (typeof va === "number" && Number.isNaN(va));
  const missingB = vb === "" || (typeof vb === "number" && Number.isNaN(vb));
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  let c: number;
  if (column.type === "id") c = compareDecimal(String(va), String(vb));
  else if (column.type === "state") c = stateOrder[va as TaskState] - stateOrder[vb as TaskState];
  else if (typeof va === "number" && typeof vb === "number") c = va - vb;
  else c = String(va).localeCompare(String(vb));
  return descending ? -c : c;
}

function compareDecimal(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

export function cellText(column: TaskColumn, row: TaskRow): string {
  const v = column.value(row);
  if (column.type === "duration") return formatDurationNs(v as number);
  return String(v);
}
