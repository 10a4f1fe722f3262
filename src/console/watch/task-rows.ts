import type { Field, Timestamp, Update } from "../protocol/messages.ts";

/**
 * The little state `console watch` needs for its table: per task the identity and the last cumulative
 * stats, replaced wholesale by every stats_update, and live values computed at the app's `Update.now`.
 * (A stopgap with the same rules as the state model in src/console/model/; watch switches to that model
 * once it is in place.)
 */
export type RowState = "running" | "scheduled" | "idle" | "done";

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

interface Entry {
  id: bigint;
  name: string;
  kind: string;
  location: string;
  createdAt?: bigint;
  droppedAt?: bigint;
  lastWake?: bigint;
  lastPollStarted?: bigint;
  lastPollEnded?: bigint;
  polls: number;
  busyNs: number;
  wakes: number;
  wakerClones: number;
  wakerDrops: number;
  selfWakes: number;
}

export class TaskTable {
  private readonly tasks = new Map<bigint, Entry>();
  now: bigint | undefined;
  updates = 0;
  droppedEvents = 0;

  reset(): void {
    this.tasks.clear();
    this.now = undefined;
    this.updates = 0;
    this.droppedEvents = 0;
  }

  apply(update: Update): void {
    this.updates++;
    if (update.now) this.now = ns(update.now);
    const tu = update.taskUpdate;
    if (!tu) return;
    this.droppedEvents += tu.droppedEvents;
    for (const task of tu.newTasks) {
      if (task.id === undefined) continue;
      const entry = this.entry(task.id);
      entry.name = fieldText(task.fields, "task.name");
      entry.kind = fieldText(task.fields, "kind") || "task";
      const loc = task.location;
      entry.location = loc?.file ? `${loc.file}:${loc.line ?? 0}:${loc.column ?? 0}` : fieldText(task.fields, "spawn.location");
    }
    for (const [id, stats] of tu.statsUpdate) {
      const e = this.entry(id);
      e.createdAt = stats.createdAt && ns(stats.createdAt);
      e.droppedAt = stats.droppedAt && ns(stats.droppedAt);
      e.lastWake = stats.lastWake && ns(stats.lastWake);
      const poll = stats.pollStats;
      e.polls = poll?.polls ?? 0;
      e.lastPollStarted = poll?.lastPollStarted && ns(poll.lastPollStarted);
      e.lastPollEnded = poll?.lastPollEnded && ns(poll.lastPollEnded);
      e.busyNs = poll?.busyTime ? poll.busyTime.seconds * 1e9 + poll.busyTime.nanos : 0;
      e.wakes = stats.wakes;
      e.wakerClones = stats.wakerClones;
      e.wakerDrops = stats.wakerDrops;
      e.selfWakes = stats.selfWakes;
    }
  }

  rows(): TaskRow[] {
    const now = this.now ?? 0n;
    return [...this.tasks.values()].map((e) => {
      const running = e.lastPollStarted !== undefined && (e.lastPollEnded === undefined || e.lastPollStarted > e.lastPollEnded);
      const scheduled = e.lastWake !== undefined && (e.lastPollStarted === undefined || e.lastWake > e.lastPollStarted);
      const state: RowState = e.droppedAt !== undefined ? "done" : running ? "running" : scheduled ? "scheduled" : "idle";
      const end = e.droppedAt ?? now;
      const totalNs = e.createdAt === undefined ? Number.NaN : Math.max(0, Number(end - e.createdAt));
      const busyNs = e.busyNs + (state === "running" ? Math.max(0, Number(now - e.lastPollStarted!)) : 0);
      return {
        id: e.id,
        name: e.name,
        kind: e.kind,
        location: e.location,
        state,
        polls: e.polls,
        totalNs,
        busyNs,
        idleNs: Number.isNaN(totalNs) ? Number.NaN : Math.max(0, totalNs - busyNs),
        wakes: e.wakes,
        liveWakers: Math.max(0, e.wakerClones - e.wakerDrops),
        selfWakes: e.selfWakes,
      };
    });
  }

  private entry(id: bigint): Entry {
    let e = this.tasks.get(id);
    if (!e) {
      e = { id, name: "", kind: "task", location: "", polls: 0, busyNs: 0, wakes: 0, wakerClones: 0, wakerDrops: 0, selfWakes: 0 };
      this.tasks.set(id, e);
    }
    return e;
  }
}

function ns(t: Timestamp): bigint {
  return BigInt(t.seconds) * 1_000_000_000n + BigInt(t.nanos);
}

function fieldText(fields: Field[], name: string): string {
  const f = fields.find((x) => x.strName === name);
  if (!f) return "";
  return f.strVal ?? f.debugVal ?? (f.u64Val ?? f.i64Val ?? f.boolVal ?? "").toString();
}
