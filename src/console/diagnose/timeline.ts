/**
 * What the runtime rules look at: the history of every task (one sample per update that changed it),
 * the times of all updates, resources and async ops, and the dropped-event count, built from any
 * `ConsoleSource` (live, .grpc, capture, recording) through the same `SourceItem` stream.
 *
 * Why a history and not only the final state: several diagnoses are about change over time (a waker count
 * or a task count that keeps growing, a lost waker that must persist across updates, busy time gained
 * within one window). Samples are stored only when a task's stats change, so idle tasks cost nothing.
 * All times are relative ns on the app's clock (model/time.ts); "now" is always `Update.now`.
 */
import { decodeDurationHistogram, type HistogramSummary } from "../histogram/duration-histogram.ts";
import type { Field, Id, PollStats, SourceItemUpdate } from "./timeline-types.ts";
import { ClockAnchor, durationNs, type TimeNs } from "../model/time.ts";
import type { TaskCounters } from "../model/task.ts";
import type { SourceItem } from "../source.ts";

export type { SourceItemUpdate };

/** Cumulative task counters at one moment (what one `stats_update` says). */
export interface TaskStatsSample extends TaskCounters {
  /** `Update.now` of the update that carried these stats. */
  at: TimeNs;
}

export interface TaskHistory {
  /** Unique per task (a span id reused after close gets `id@n`). */
  key: string;
  id: Id;
  name: string;
  /** Field `kind`: task | local | blocking | block_on. */
  kind: string;
  /** "file:line:col" when known (Task.location or the `spawn.location` field); "" for recordings. */
  location: string;
  target: string;
  /** All fields as text (`fn`, `size.bytes`, …). */
  fields: Map<string, string>;
  /** `Update.now` of the update that announced the task. */
  announcedAt: TimeNs;
  samples: TaskStatsSample[];
  pollHistogram?: HistogramSummary;
  scheduledHistogram?: HistogramSummary;
}

export interface ResourceState {
  id: Id;
  concreteType: string;
  kind: string;
  isInternal: boolean;
  parentId?: Id;
  location: string;
  createdAt: TimeNs;
  droppedAt: TimeNs;
  attributes: Map<string, string>;
}

export interface AsyncOpState {
  id: Id;
  source: string;
  resourceId?: Id;
  parentId?: Id;
  createdAt: TimeNs;
  droppedAt: TimeNs;
  taskId?: Id;
  polls: number;
  busyNs: number;
}

export interface Timeline {
  anchor: ClockAnchor;
  /** `Update.now` of every update, in order. */
  updateTimes: TimeNs[];
  tasks: TaskHistory[];
  resources: Map<Id, ResourceState>;
  asyncOps: Map<Id, AsyncOpState>;
  /** Sum of dropped_events over all updates and entity kinds. */
  droppedEvents: number;
  /** Clock went backwards between updates (app clock adjusted). */
  clockWentBackwards: boolean;
  sawResources: boolean;
}

export function emptyTimeline(): Timeline {
  return {
    anchor: new ClockAnchor(),
    updateTimes: [],
    tasks: [],
    resources: new Map(),
    asyncOps: new Map(),
    droppedEvents: 0,
    clockWentBackwards: false,
    sawResources: false,
  };
}

export function lastSample(task: TaskHistory): TaskStatsSample | undefined {
  return task.samples.at(-1);
}

/** The last sample taken at or before `at`. */
export function sampleAt(task: TaskHistory, at: TimeNs): TaskStatsSample | undefined {
  let found: TaskStatsSample | undefined;
  for (const s of task.samples) {
    if (s.at <= at) found = s;
    else break;
  }
  return found;
}

/** The app's latest `now`. */
export function timelineNow(t: Timeline): TimeNs {
  return t.updateTimes.length === 0 ? Number.NaN : Math.max(...t.updateTimes.slice(-4));
}

function fieldText(f: Field): string {
  if (f.strVal !== undefined) return f.strVal;
  if (f.debugVal !== undefined) return f.debugVal;
  if (f.u64Val !== undefined) return String(f.u64Val);
  if (f.i64Val !== undefined) return String(f.i64Val);
  if (f.boolVal !== undefined) return String(f.boolVal);
  return "";
}

function locationText(loc: { file?: string; line?: number; column?: number } | undefined): string {
  if (!loc?.file) return "";
  return [loc.file, loc.line, loc.column].filter((p) => p !== undefined).join(":");
}

/** Applies SourceItems one by one (streaming; nothing is kept but the histories). */
export class TimelineBuilder {
  timeline = emptyTimeline();
  private current = new Map<Id, TaskHistory>();
  private readonly metadataTargets = new Map<Id, string>();
  private reused = 0;

  add(item: SourceItem): void {
    if ("reset" in item && item.reset === true) {
      // A fresh snapshot after a reconnect (possibly a new app process): diagnose the latest session only.
      this.timeline = emptyTimeline();
      this.current = new Map();
    }
    if (item.update) this.addUpdate(item.update);
    else if (item.taskDetails) this.addDetails(item.taskDetails);
  }

  private of(t: { seconds: number; nanos: number } | undefined): TimeNs {
    return this.timeline.anchor.of(t);
  }

  private addUpdate(update: SourceItemUpdate): void {
    const tl = this.timeline;
    const now = this.of(update.now);
    const previous = tl.updateTimes.at(-1);
    if (previous !== undefined && now < previous) tl.clockWentBackwards = true;
    tl.updateTimes.push(now);
    for (const m of update.newMetadata?.metadata ?? []) {
      if (m.id !== undefined && m.metadata) this.metadataTargets.set(m.id, m.metadata.target);
    }
    const tu = update.taskUpdate;
    if (tu) {
      tl.droppedEvents += tu.droppedEvents;
      for (const task of tu.newTasks) {
        if (task.id === undefined) continue;
        const existing = this.current.get(task.id);
        if (existing) {
          const last = lastSample(existing);
          if (last === undefined || Number.isNaN(last.droppedAt)) {
            // A re-sent announcement (e.g. a fresh snapshot after reconnecting): keep the history.
            continue;
          }
        }
        const fields = new Map<string, string>();
        for (const f of task.fields) if (f.strName !== undefined) fields.set(f.strName, fieldText(f));
        const key = existing ? `${task.id}@${++this.reused}` : String(task.id);
        const history: TaskHistory = {
          key,
          id: task.id,
          name: fields.get("task.name") ?? "",
          kind: fields.get("kind") ?? (task.kind === 1 ? "blocking" : "task"),
          location: locationText(task.location) || (fields.get("spawn.location") ?? ""),
          target: task.metadata !== undefined ? (this.metadataTargets.get(task.metadata) ?? "") : "",
          fields,
          announcedAt: now,
          samples: [],
        };
        this.current.set(task.id, history);
        tl.tasks.push(history);
      }
      for (const [id, s] of tu.statsUpdate) {
        const history = this.current.get(id);
        if (!history) continue;
        const poll: PollStats | undefined = s.pollStats;
        history.samples.push({
          at: now,
          createdAt: this.of(s.createdAt),
          droppedAt: this.of(s.droppedAt),
          polls: poll?.polls ?? 0,
          busyNs: durationNs(poll?.busyTime),
          scheduledNs: s.scheduledTime === undefined ? Number.NaN : durationNs(s.scheduledTime),
          wakes: s.wakes,
          selfWakes: s.selfWakes,
          wakerClones: s.wakerClones,
          wakerDrops: s.wakerDrops,
          lastWake: this.of(s.lastWake),
          firstPoll: this.of(poll?.firstPoll),
          lastPollStarted: this.of(poll?.lastPollStarted),
          lastPollEnded: this.of(poll?.lastPollEnded),
        });
      }
    }
    const ru = update.resourceUpdate;
    if (ru) {
      tl.droppedEvents += ru.droppedEvents;
      for (const r of ru.newResources) {
        if (r.id === undefined) continue;
        tl.sawResources = true;
        tl.resources.set(r.id, {
          id: r.id,
          concreteType: r.concreteType,
          kind: r.kind?.other ?? (r.kind?.known === 0 ? "Timer" : ""),
          isInternal: r.isInternal,
          parentId: r.parentResourceId,
          location: locationText(r.location),
          createdAt: Number.NaN,
          droppedAt: Number.NaN,
          attributes: new Map(),
        });
      }
      for (const [id, s] of ru.statsUpdate) {
        const r = tl.resources.get(id);
        if (!r) continue;
        r.createdAt = this.of(s.createdAt);
        r.droppedAt = this.of(s.droppedAt);
        for (const a of s.attributes) if (a.field?.strName) r.attributes.set(a.field.strName, fieldText(a.field));
      }
    }
    const au = update.asyncOpUpdate;
    if (au) {
      tl.droppedEvents += au.droppedEvents;
      for (const op of au.newAsyncOps) {
        if (op.id === undefined) continue;
        tl.asyncOps.set(op.id, {
          id: op.id,
          source: op.source,
          resourceId: op.resourceId,
          parentId: op.parentAsyncOpId,
          createdAt: Number.NaN,
          droppedAt: Number.NaN,
          polls: 0,
          busyNs: 0,
        });
      }
      for (const [id, s] of au.statsUpdate) {
        const op = tl.asyncOps.get(id);
        if (!op) continue;
        op.createdAt = this.of(s.createdAt);
        op.droppedAt = this.of(s.droppedAt);
        if (s.taskId !== undefined) op.taskId = s.taskId;
        op.polls = s.pollStats?.polls ?? 0;
        op.busyNs = durationNs(s.pollStats?.busyTime);
      }
    }
  }

  private addDetails(details: NonNullable<SourceItem["taskDetails"]>): void {
    if (details.taskId === undefined) return;
    const history = this.current.get(details.taskId);
    if (!history) return;
    try {
      if (details.histogram) history.pollHistogram = decodeDurationHistogram(details.histogram);
      if (details.scheduledTimesHistogram) history.scheduledHistogram = decodeDurationHistogram(details.scheduledTimesHistogram);
    } catch {
      // A histogram we cannot decode only removes evidence; the rules fall back to the stats.
    }
  }
}

export async function buildTimeline(items: AsyncIterable<SourceItem> | Iterable<SourceItem>): Promise<Timeline> {
  const builder = new TimelineBuilder();
  for await (const item of items) builder.add(item);
  return builder.timeline;
}
