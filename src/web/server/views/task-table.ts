/**
 * The Tasks view's data: every task of the state model (current ones, then those whose span id was
 * reused) with its identity and cumulative counters, sent as columns. A TableTracker remembers, per
 * source, the version at which each row last changed, so a live page asks only for what changed since
 * the version it holds (a 10 000-task app touching 1 000 tasks a second sends ~1 000 rows, not 10 000).
 */
import type { ConsoleState } from "../../../console/model/console-state.ts";
import type { TaskRecord } from "../../../console/model/task.ts";
import type { Nullable, TaskTable } from "../../shared/api-types.ts";

const n = (x: number): Nullable => (Number.isNaN(x) ? null : x);

/** Row keys: the span id, or `id@n` for the n-th earlier task that had the same (reused) id. */
export function keyedTasks(state: ConsoleState): [string, TaskRecord][] {
  const out: [string, TaskRecord][] = [];
  for (const t of state.tasks.values()) out.push([String(t.id), t]);
  const seen = new Map<string, number>();
  for (const t of state.retiredTasks) {
    const id = String(t.id);
    const k = (seen.get(id) ?? 0) + 1;
    seen.set(id, k);
    out.push([`${id}@${k}`, t]);
  }
  return out;
}

function emptyTable(state: ConsoleState, meta: { source: number; version: number; at: number | null }, full: boolean, removed: string[]): TaskTable {
  return {
    source: meta.source,
    version: meta.version,
    now: n(state.now),
    nowIso: state.clock.toIso(state.now),
    at: meta.at,
    full,
    removed,
    count: 0,
    key: [],
    id: [],
    tokioId: [],
    name: [],
    kind: [],
    location: [],
    target: [],
    fields: [],
    createdAt: [],
    droppedAt: [],
    busyNs: [],
    scheduledNs: [],
    lastWake: [],
    firstPoll: [],
    lastPollStarted: [],
    lastPollEnded: [],
    polls: [],
    wakes: [],
    selfWakes: [],
    wakerClones: [],
    wakerDrops: [],
  };
}

function push(t: TaskTable, key: string, r: TaskRecord): void {
  t.count++;
  t.key.push(key);
  t.id.push(String(r.id));
  t.tokioId.push(r.tokioId === undefined ? "" : String(r.tokioId));
  t.name.push(r.name);
  t.kind.push(r.kind);
  t.location.push(r.location);
  t.target.push(r.target);
  t.fields.push(Object.fromEntries(r.otherFields));
  t.createdAt.push(n(r.createdAt));
  t.droppedAt.push(n(r.droppedAt));
  t.busyNs.push(n(r.busyNs));
  t.scheduledNs.push(n(r.scheduledNs));
  t.lastWake.push(n(r.lastWake));
  t.firstPoll.push(n(r.firstPoll));
  t.lastPollStarted.push(n(r.lastPollStarted));
  t.lastPollEnded.push(n(r.lastPollEnded));
  t.polls.push(r.polls);
  t.wakes.push(r.wakes);
  t.selfWakes.push(r.selfWakes);
  t.wakerClones.push(r.wakerClones);
  t.wakerDrops.push(r.wakerDrops);
}

/** The whole table (time travel, reports). */
export function taskTable(state: ConsoleState, meta: { source: number; version: number; at: number | null }): TaskTable {
  const t = emptyTable(state, meta, true, []);
  for (const [key, record] of keyedTasks(state)) push(t, key, record);
  return t;
}

/** A row's content, to tell whether it changed (identity fields never change for a key). */
function signature(r: TaskRecord): string {
  return `${r.createdAt},${r.droppedAt},${r.busyNs},${r.scheduledNs},${r.lastWake},${r.firstPoll},${r.lastPollStarted},${r.lastPollEnded},${r.polls},${r.wakes},${r.selfWakes},${r.wakerClones},${r.wakerDrops},${r.name}`;
}

export class TableTracker {
  private readonly rows = new Map<string, { record: TaskRecord; signature: string; changedAt: number }>();
  private readonly removedAt = new Map<string, number>();
  private trackedVersion = -1;
  /** Removals before this version were forgotten: a page that old gets the whole table. */
  private forgottenBefore = 0;

  /** Rows changed after version `since` (all rows when since is 0 or older than what is tracked). */
  changesSince(state: ConsoleState, meta: { source: number; version: number }, since: number): TaskTable {
    this.refresh(state, meta.version);
    const full = since <= 0 || since > meta.version || since < this.forgottenBefore;
    const removed = full ? [] : [...this.removedAt].filter(([, v]) => v > since).map(([k]) => k);
    const t = emptyTable(state, { ...meta, at: null }, full, removed);
    for (const [key, row] of this.rows) if (full || row.changedAt > since) push(t, key, row.record);
    return t;
  }

  private refresh(state: ConsoleState, version: number): void {
    if (version === this.trackedVersion) return;
    this.trackedVersion = version;
    const present = new Set<string>();
    for (const [key, record] of keyedTasks(state)) {
      present.add(key);
      const sig = signature(record);
      const known = this.rows.get(key);
      if (!known || known.record !== record || known.signature !== sig) this.rows.set(key, { record, signature: sig, changedAt: version });
      this.removedAt.delete(key);
    }
    for (const key of this.rows.keys()) {
      if (!present.has(key)) {
        this.rows.delete(key);
        this.removedAt.set(key, version);
      }
    }
    if (this.removedAt.size > 100_000) {
      this.removedAt.clear();
      this.forgottenBefore = version + 1;
    }
  }
}
