import type { ConsoleState } from "../model/console-state.ts";
import { liveWakers, taskTimes, type TaskState } from "../model/task.ts";

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
