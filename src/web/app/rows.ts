/**
 * The task table's rows in the browser, in the shape `console snapshot`'s filter language and column
 * comparisons read (src/console/snapshot/{filter,task-columns}.ts, bundled as they are), so a filter
 * typed here means exactly what it means on the command line.
 */
import { liveWakers, taskTimes, type TaskCounters, type TaskRecord } from "../../console/model/task.ts";
import type { TaskRow } from "../../console/snapshot/task-columns.ts";
import type { TaskTable } from "../shared/api-types.ts";

/** A TaskRow without the server-side record (the filter and the columns never read it). */
export type WebTaskRow = Omit<TaskRow, "task"> & { key: string; index: number };

const num = (v: number | null | undefined) => (v === null || v === undefined ? Number.NaN : v);

/** One task as the table holds it in the browser: identity and counters, as sent. */
export interface RawTask extends TaskCounters {
  key: string;
  id: string;
  tokioId: string;
  name: string;
  kind: string;
  location: string;
  target: string;
  fields: Record<string, string>;
}

/** Applies a table answer to the rows held (a full table replaces them, changes update them). */
export function applyTable(held: Map<string, RawTask>, t: TaskTable): void {
  if (t.full) held.clear();
  for (const key of t.removed) held.delete(key);
  for (let i = 0; i < t.count; i++) {
    held.set(t.key[i]!, {
      key: t.key[i]!,
      id: t.id[i]!,
      tokioId: t.tokioId[i]!,
      name: t.name[i]!,
      kind: t.kind[i]!,
      location: t.location[i]!,
      target: t.target[i]!,
      fields: t.fields[i]!,
      createdAt: num(t.createdAt[i]),
      droppedAt: num(t.droppedAt[i]),
      busyNs: num(t.busyNs[i]),
      scheduledNs: num(t.scheduledNs[i]),
      lastWake: num(t.lastWake[i]),
      firstPoll: num(t.firstPoll[i]),
      lastPollStarted: num(t.lastPollStarted[i]),
      lastPollEnded: num(t.lastPollEnded[i]),
      polls: t.polls[i]!,
      wakes: t.wakes[i]!,
      selfWakes: t.selfWakes[i]!,
      wakerClones: t.wakerClones[i]!,
      wakerDrops: t.wakerDrops[i]!,
    });
  }
}

/** The rows at the app's `now`: state and times by the console model's own functions, as `console snapshot` computes them. */
export function rowsAt(held: Iterable<RawTask>, now: number): WebTaskRow[] {
  const rows: WebTaskRow[] = [];
  for (const r of held) {
    // taskTimes and liveWakers read only the counters a RawTask has.
    const record = r as unknown as TaskRecord;
    const times = taskTimes(record, now);
    rows.push({
      index: rows.length,
      key: r.key,
      id: r.id,
      tokioId: r.tokioId,
      name: r.name,
      state: times.state,
      kind: r.kind,
      location: r.location,
      target: r.target,
      totalNs: times.totalNs,
      busyNs: times.busyNs,
      scheduledNs: times.scheduledNs,
      idleNs: times.idleNs,
      polls: r.polls,
      wakes: r.wakes,
      selfWakes: r.selfWakes,
      wakerClones: r.wakerClones,
      wakerDrops: r.wakerDrops,
      liveWakers: liveWakers(record),
      fields: r.fields,
    });
  }
  return rows;
}

/** The filter and columns are typed over TaskRow; they read only the fields a WebTaskRow has. */
export const asTaskRow = (row: WebTaskRow): TaskRow => row as unknown as TaskRow;
