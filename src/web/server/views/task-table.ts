/** The Tasks view's data: `console snapshot`'s task rows (same code), sent as columns. */
import type { ConsoleState } from "../../../console/model/console-state.ts";
import { taskRows } from "../../../console/snapshot/task-columns.ts";
import type { Nullable, TaskTable } from "../../shared/api-types.ts";

const n = (x: number): Nullable => (Number.isNaN(x) ? null : x);

/**
 * Row keys: the span id, or `id@n` for the n-th earlier task that had the same (reused) id — the same
 * scheme as the diagnosis timeline's task keys, so diagnoses link to rows.
 */
export function taskTable(state: ConsoleState, meta: { source: number; version: number; at: number | null }): TaskTable {
  const rows = taskRows(state);
  const t: TaskTable = {
    source: meta.source,
    version: meta.version,
    now: n(state.now),
    nowIso: state.clock.toIso(state.now),
    at: meta.at,
    count: rows.length,
    key: [],
    id: [],
    tokioId: [],
    name: [],
    state: [],
    kind: [],
    location: [],
    target: [],
    totalNs: [],
    busyNs: [],
    scheduledNs: [],
    idleNs: [],
    polls: [],
    wakes: [],
    selfWakes: [],
    wakerClones: [],
    wakerDrops: [],
    liveWakers: [],
    fields: [],
  };
  const retiredSeen = new Map<string, number>();
  const current = state.tasks.size;
  rows.forEach((r, i) => {
    // allTasks() yields current tasks first, then retired ones oldest first.
    let key = r.id;
    if (i >= current) {
      const k = (retiredSeen.get(r.id) ?? 0) + 1;
      retiredSeen.set(r.id, k);
      key = `${r.id}@${k}`;
    }
    t.key.push(key);
    t.id.push(r.id);
    t.tokioId.push(r.tokioId);
    t.name.push(r.name);
    t.state.push(r.state);
    t.kind.push(r.kind);
    t.location.push(r.location);
    t.target.push(r.target);
    t.totalNs.push(n(r.totalNs));
    t.busyNs.push(n(r.busyNs));
    t.scheduledNs.push(n(r.scheduledNs));
    t.idleNs.push(n(r.idleNs));
    t.polls.push(r.polls);
    t.wakes.push(r.wakes);
    t.selfWakes.push(r.selfWakes);
    t.wakerClones.push(r.wakerClones);
    t.wakerDrops.push(r.wakerDrops);
    t.liveWakers.push(r.liveWakers);
    t.fields.push(r.fields);
  });
  return t;
}
