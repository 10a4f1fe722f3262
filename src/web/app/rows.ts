/**
 * The task table's rows in the browser, in the shape `console snapshot`'s filter language and column
 * comparisons read (src/console/snapshot/{filter,task-columns}.ts, bundled as they are), so a filter
 * typed here means exactly what it means on the command line.
 */
import type { TaskRow } from "../../console/snapshot/task-columns.ts";
import type { TaskTable } from "../shared/api-types.ts";

/** A TaskRow without the server-side record (the filter and the columns never read it). */
export type WebTaskRow = Omit<TaskRow, "task"> & { key: string; index: number };

const num = (v: number | null | undefined) => (v === null || v === undefined ? Number.NaN : v);

export function tableRows(t: TaskTable): WebTaskRow[] {
  const rows: WebTaskRow[] = new Array(t.count);
  for (let i = 0; i < t.count; i++) {
    rows[i] = {
      index: i,
      key: t.key[i]!,
      id: t.id[i]!,
      tokioId: t.tokioId[i]!,
      name: t.name[i]!,
      state: t.state[i]!,
      kind: t.kind[i]!,
      location: t.location[i]!,
      target: t.target[i]!,
      totalNs: num(t.totalNs[i]),
      busyNs: num(t.busyNs[i]),
      scheduledNs: num(t.scheduledNs[i]),
      idleNs: num(t.idleNs[i]),
      polls: t.polls[i]!,
      wakes: t.wakes[i]!,
      selfWakes: t.selfWakes[i]!,
      wakerClones: t.wakerClones[i]!,
      wakerDrops: t.wakerDrops[i]!,
      liveWakers: t.liveWakers[i]!,
      fields: t.fields[i]!,
    };
  }
  return rows;
}

/** The filter and columns are typed over TaskRow; they read only the fields a WebTaskRow has. */
export const asTaskRow = (row: WebTaskRow): TaskRow => row as unknown as TaskRow;
