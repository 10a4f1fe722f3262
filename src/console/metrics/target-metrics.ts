/**
 * The metrics of one target (a live app, or a file): its console state model fed in stream order, the
 * task counters aggregated per group (task-groups.ts), the HDR histograms as explicit buckets, tokio
 * lock waiters, worker utilisation and `console check`'s current diagnoses.
 *
 * Counters stay monotonic while tasks come and go: when completed tasks are pruned from the model
 * (after `retentionNs`), their final counts are folded into their group's totals first. A reconnect to a
 * restarted app starts the counters over (Prometheus' rate() handles the reset).
 */
import { diagnose } from "../diagnose/engine.ts";
import { TimelineBuilder } from "../diagnose/timeline.ts";
import { ConsoleState } from "../model/console-state.ts";
import { taskTimes, type TaskRecord } from "../model/task.ts";
import type { SourceItem } from "../source.ts";
import { WorkerUtilisation, type UtilisationPoint } from "../export/worker-utilisation.ts";
import { addBuckets, bucketsOf, emptyBuckets, type BucketCounts } from "./histogram-buckets.ts";
import { DEFAULT_MAX_GROUPS, TaskGroups, type GroupLabels } from "./task-groups.ts";

export interface GroupTotals {
  labels: GroupLabels;
  live: number;
  spawned: number;
  completed: number;
  polls: number;
  busySeconds: number;
  scheduledSeconds: number;
  wakes: number;
  selfWakes: number;
  wakerClones: number;
  wakerDrops: number;
  pollTimes: BucketCounts;
  scheduledTimes: BucketCounts;
}

export interface LockWaiters {
  resource_type: string;
  location: string;
  waiters: number;
}

export interface TargetSnapshot {
  instance: string;
  up: boolean;
  groups: GroupTotals[];
  locks: LockWaiters[];
  diagnoses: { rule: string; severity: string; count: number }[];
  utilisation: UtilisationPoint | undefined;
  updates: number;
  droppedEvents: number;
  overflowGroups: number;
}

interface Folded {
  labels: GroupLabels;
  totals: Omit<GroupTotals, "labels" | "live">;
}

const LOCK_TYPES = /^(Mutex|RwLock|Semaphore)$/;

function zeroTotals(labels: GroupLabels): Folded {
  return {
    labels,
    totals: { spawned: 0, completed: 0, polls: 0, busySeconds: 0, scheduledSeconds: 0, wakes: 0, selfWakes: 0, wakerClones: 0, wakerDrops: 0, pollTimes: emptyBuckets(), scheduledTimes: emptyBuckets() },
  };
}

export interface TargetMetricsOptions {
  maxGroups?: number;
  /** Completed tasks are forgotten (folded into totals) this long after they end (default 60 s). */
  retentionNs?: number;
  /** Run the runtime rules (default true). */
  diagnoses?: boolean;
}

export class TargetMetrics {
  state = new ConsoleState();
  private groups: TaskGroups<Folded>;
  private readonly groupOf = new WeakMap<TaskRecord, Folded>();
  private readonly histCache = new WeakMap<TaskRecord, { at: number; poll: BucketCounts | undefined; scheduled: BucketCounts | undefined }>();
  private utilisation = new WorkerUtilisation();
  private lastUtilisation: UtilisationPoint | undefined;
  private timeline = new TimelineBuilder();
  private diagnosed: { updates: number; details: number; result: TargetSnapshot["diagnoses"] } | undefined;
  private details = 0;
  up = false;

  constructor(
    readonly instance: string,
    private readonly options: TargetMetricsOptions = {},
  ) {
    this.groups = this.newGroups();
  }

  private newGroups(): TaskGroups<Folded> {
    return new TaskGroups(this.options.maxGroups ?? DEFAULT_MAX_GROUPS, zeroTotals);
  }

  add(item: SourceItem): void {
    if (item.reset) {
      this.state = new ConsoleState();
      this.groups = this.newGroups();
      this.utilisation = new WorkerUtilisation();
      this.timeline = new TimelineBuilder();
      this.diagnosed = undefined;
    }
    this.up = true;
    if (item.update) {
      this.state.applyUpdate(item.update);
      if (this.state.clock.seconds !== undefined) this.utilisation.setAnchor(this.state.clock.seconds);
      this.lastUtilisation = this.utilisation.add(item) ?? this.lastUtilisation;
      this.prune();
    } else if (item.taskDetails) {
      this.state.applyTaskDetails(item.taskDetails);
      this.details++;
    }
    if (this.options.diagnoses !== false) this.timeline.add(item);
  }

  private group(t: TaskRecord): Folded {
    let g = this.groupOf.get(t);
    if (!g) {
      g = this.groups.get({ task_name: t.name, spawn_location: t.location, kind: t.kind || "task" });
      this.groupOf.set(t, g);
    }
    return g;
  }

  private histograms(t: TaskRecord): { poll: BucketCounts | undefined; scheduled: BucketCounts | undefined } {
    if (t.pollHistogramRaw === undefined && t.scheduledHistogramRaw === undefined) return { poll: undefined, scheduled: undefined };
    const cached = this.histCache.get(t);
    if (cached && cached.at === t.detailsAt) return cached;
    let poll: BucketCounts | undefined;
    let scheduled: BucketCounts | undefined;
    try {
      poll = t.pollHistogram ? bucketsOf(t.pollHistogram) : undefined;
      scheduled = t.scheduledHistogram ? bucketsOf(t.scheduledHistogram) : undefined;
    } catch {
      // An undecodable histogram only removes that task from the histogram series.
    }
    const entry = { at: t.detailsAt, poll, scheduled };
    this.histCache.set(t, entry);
    return entry;
  }

  /** Adds one task's counters (at the model's now) into a totals record. */
  private accumulate(into: Omit<GroupTotals, "labels" | "live">, t: TaskRecord, now: number): void {
    into.spawned++;
    if (!Number.isNaN(t.droppedAt)) into.completed++;
    into.polls += t.polls;
    into.busySeconds += taskTimes(t, now).busyNs / 1e9;
    if (!Number.isNaN(t.scheduledNs)) into.scheduledSeconds += t.scheduledNs / 1e9;
    into.wakes += t.wakes;
    into.selfWakes += t.selfWakes;
    into.wakerClones += t.wakerClones;
    into.wakerDrops += t.wakerDrops;
    const h = this.histograms(t);
    if (h.poll) addBuckets(into.pollTimes, h.poll);
    if (h.scheduled) addBuckets(into.scheduledTimes, h.scheduled);
  }

  private prune(): void {
    const retention = this.options.retentionNs ?? 60e9;
    const limit = this.state.now - retention;
    if (Number.isNaN(limit)) return;
    for (const t of this.state.allTasks()) {
      if (t.droppedAt < limit) this.accumulate(this.group(t).totals, t, this.state.now);
    }
    this.state.prune(retention);
  }

  snapshot(): TargetSnapshot {
    const now = this.state.now;
    const live = new Map<Folded, GroupTotals>();
    const totalsOf = (g: Folded): GroupTotals => {
      let out = live.get(g);
      if (!out) {
        const f = g.totals;
        out = {
          labels: g.labels,
          live: 0,
          ...f,
          pollTimes: { counts: f.pollTimes.counts.slice(), sum: f.pollTimes.sum, count: f.pollTimes.count },
          scheduledTimes: { counts: f.scheduledTimes.counts.slice(), sum: f.scheduledTimes.sum, count: f.scheduledTimes.count },
        };
        live.set(g, out);
      }
      return out;
    };
    for (const g of this.groups.all()) totalsOf(g);
    for (const t of this.state.allTasks()) {
      const out = totalsOf(this.group(t));
      this.accumulate(out, t, now);
      if (Number.isNaN(t.droppedAt)) out.live++;
    }
    return {
      instance: this.instance,
      up: this.up,
      groups: [...live.values()],
      locks: this.lockWaiters(),
      diagnoses: this.currentDiagnoses(),
      utilisation: this.lastUtilisation,
      updates: this.state.updates,
      droppedEvents: this.state.droppedEventsTotal,
      overflowGroups: this.groups.overflowKeys,
    };
  }

  /** Acquires waiting on each live tokio Mutex/RwLock/Semaphore (their async ops still alive, on the lock or its internal semaphore). */
  private lockWaiters(): LockWaiters[] {
    const lockOf = new Map<bigint, bigint>();
    for (const r of this.state.resources.values()) {
      if (!Number.isNaN(r.droppedAt)) continue;
      if (!r.isInternal && LOCK_TYPES.test(r.concreteType)) lockOf.set(r.id, r.id);
    }
    for (const r of this.state.resources.values()) if (r.parentId !== undefined && lockOf.has(r.parentId)) lockOf.set(r.id, r.parentId);
    const waiters = new Map<bigint, number>();
    for (const op of this.state.asyncOps.values()) {
      if (op.resourceId === undefined || !Number.isNaN(op.droppedAt)) continue;
      const lock = lockOf.get(op.resourceId);
      if (lock !== undefined) waiters.set(lock, (waiters.get(lock) ?? 0) + 1);
    }
    const series = new Map<string, LockWaiters>();
    const cap = this.options.maxGroups ?? DEFAULT_MAX_GROUPS;
    for (const [id, lock] of lockOf) {
      if (id !== lock) continue;
      const r = this.state.resources.get(id)!;
      let key = `${r.concreteType}\u0000${r.location}`;
      let labels = { resource_type: r.concreteType, location: r.location };
      if (!series.has(key) && series.size >= cap) {
        key = "other";
        labels = { resource_type: "other", location: "other" };
      }
      const entry = series.get(key) ?? { ...labels, waiters: 0 };
      entry.waiters += waiters.get(id) ?? 0;
      series.set(key, entry);
    }
    return [...series.values()];
  }

  private currentDiagnoses(): TargetSnapshot["diagnoses"] {
    if (this.options.diagnoses === false) return [];
    const tl = this.timeline.timeline;
    if (this.diagnosed && this.diagnosed.updates === tl.updateTimes.length && this.diagnosed.details === this.details) return this.diagnosed.result;
    const counts = new Map<string, { rule: string; severity: string; count: number }>();
    if (tl.updateTimes.length > 0) {
      for (const d of diagnose(tl).diagnoses) {
        const key = `${d.rule}\u0000${d.severity}`;
        const entry = counts.get(key) ?? { rule: d.rule, severity: d.severity, count: 0 };
        entry.count++;
        counts.set(key, entry);
      }
    }
    const result = [...counts.values()];
    this.diagnosed = { updates: tl.updateTimes.length, details: this.details, result };
    return result;
  }
}
