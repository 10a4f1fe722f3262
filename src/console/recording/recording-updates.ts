/**
 * Rebuilds tokio-console Updates from a recording's events, so that recordings feed the same state model
 * (and the replay server) as a live WatchUpdates stream.
 *
 * Per task span (one Spawn … Close identity; the id may be reused after Close):
 *   polls = outermost Enters; busy = Σ(Exit − Enter) of outermost polls;
 *   scheduled += Enter − max(last_wake, last_exit, spawn) at each poll start;
 *   wakes = Wake + WakeByRef; self_wakes = those flagged self_wake; last_wake = time of the last wake;
 *   waker_clones = Clone; waker_drops = Drop + Wake (a wake by value consumes the waker);
 *   created_at = Spawn; dropped_at = Close.
 * Enter/Exit/Close of spans without a Spawn (resources, async ops) are ignored: the recording does not
 * say what they are. Updates are cut every `intervalMs` of the recording's own clock (like the
 * subscriber's publish interval), plus one at the end; each carries the tasks spawned since the previous
 * one and complete stats for every task that changed, with `now` = the cut time.
 */
import { SparseDurationHistogram } from "../histogram/sparse-histogram.ts";
import type { Field, Task, TaskDetails, TaskStats, Timestamp, Update } from "../protocol/messages.ts";
import { type RecordingField, type RecordingSink, type SpanKey, WakerOp, keyToId } from "./recording-parser.ts";

interface SpanAgg {
  key: SpanKey;
  id: bigint;
  createdAt: number;
  droppedAt: number;
  polls: number;
  busy: number;
  scheduled: number;
  wakes: number;
  selfWakes: number;
  clones: number;
  drops: number;
  lastWake: number;
  firstPoll: number;
  lastPollStarted: number;
  lastPollEnded: number;
  depth: number;
  dirty: boolean;
  /** Poll durations and poll-start delays (Enter − max(wake, exit, spawn)), when histograms are on. */
  pollHist: SparseDurationHistogram | null;
  schedHist: SparseDurationHistogram | null;
}

export interface RecordingUpdatesOptions {
  /** Recording-clock interval between synthesised updates (default 1000 ms). */
  intervalMs?: number;
  /**
   * Also rebuild each task's poll-time and scheduled-time histograms (console-subscriber's layout: 2
   * significant figures, max 1 s, outliers counted) from the exact Enter/Exit/wake times, and emit them
   * as TaskDetails: for a task when it closes (in the update that reports the Close) and for the others
   * at the end. Default false.
   */
  histograms?: boolean;
}

/** What the aggregator produces, in order: an Update, or the TaskDetails of a task (after its update). */
export type RecordingOutput = { update: Update; taskDetails?: undefined } | { taskDetails: TaskDetails; update?: undefined };

export class RecordingAggregator implements RecordingSink {
  /** Where relative time 0 is: the parser's anchor (Unix second), known from the first event on. */
  clock: { anchorSeconds: number | undefined } = { anchorSeconds: 0 };
  private readonly out: RecordingOutput[] = [];
  tasksSpawned = 0;
  /** Enter/Exit/Close/Waker lines for spans that are not (live) tasks. */
  otherSpanEvents = 0;
  /** Id reuse seen (a Spawn for an id whose previous task had closed). */
  reusedIds = 0;
  private readonly live = new Map<SpanKey, SpanAgg>();
  private newTasks: Task[] = [];
  private dirty: SpanAgg[] = [];
  private closed: SpanAgg[] = [];
  private readonly intervalNs: number;
  private readonly histograms: boolean;
  private nextCut = Number.NaN;
  private lastAt = Number.NaN;

  constructor(options: RecordingUpdatesOptions = {}) {
    this.intervalNs = (options.intervalMs ?? 1000) * 1e6;
    this.histograms = options.histograms ?? false;
  }

  private tick(at: number): void {
    if (Number.isNaN(this.nextCut)) this.nextCut = at + this.intervalNs;
    else if (at >= this.nextCut) {
      this.cut(this.nextCut);
      this.nextCut += this.intervalNs;
      if (at >= this.nextCut) this.nextCut = at + this.intervalNs - ((at - this.nextCut) % this.intervalNs);
    }
    if (!(at <= this.lastAt)) this.lastAt = at;
  }

  private touch(s: SpanAgg): void {
    if (!s.dirty) {
      s.dirty = true;
      this.dirty.push(s);
    }
  }

  spawn(key: SpanKey, at: number, fields: RecordingField[]): void {
    this.tick(at);
    const old = this.live.get(key);
    if (old) {
      // The id is reused (old span closed and not yet flushed, or never closed): one Update cannot carry
      // two entities with one id, so cut here first.
      this.reusedIds++;
      this.cut(at);
      this.live.delete(key);
    }
    const s: SpanAgg = {
      key,
      id: keyToId(key),
      createdAt: at,
      droppedAt: Number.NaN,
      polls: 0,
      busy: 0,
      scheduled: 0,
      wakes: 0,
      selfWakes: 0,
      clones: 0,
      drops: 0,
      lastWake: Number.NaN,
      firstPoll: Number.NaN,
      lastPollStarted: Number.NaN,
      lastPollEnded: Number.NaN,
      depth: 0,
      dirty: false,
      pollHist: null,
      schedHist: null,
    };
    this.live.set(key, s);
    this.tasksSpawned++;
    this.newTasks.push({ id: s.id, kind: 0, fields: fields.map(toField), parents: [] });
    this.touch(s);
  }

  enter(key: SpanKey, at: number): void {
    this.tick(at);
    const s = this.live.get(key);
    if (s === undefined || !Number.isNaN(s.droppedAt)) {
      this.otherSpanEvents++;
      return;
    }
    if (s.depth++ === 0) {
      s.polls++;
      if (s.polls === 1) s.firstPoll = at;
      let since = s.createdAt;
      if (s.lastWake > since) since = s.lastWake;
      if (s.lastPollEnded > since) since = s.lastPollEnded;
      if (at > since) s.scheduled += at - since;
      if (this.histograms) (s.schedHist ??= new SparseDurationHistogram()).record(at - since);
      s.lastPollStarted = at;
      this.touch(s);
    }
  }

  exit(key: SpanKey, at: number): void {
    this.tick(at);
    const s = this.live.get(key);
    if (s === undefined || !Number.isNaN(s.droppedAt)) {
      this.otherSpanEvents++;
      return;
    }
    if (s.depth > 0 && --s.depth === 0) {
      s.busy += at - s.lastPollStarted;
      if (this.histograms) (s.pollHist ??= new SparseDurationHistogram()).record(at - s.lastPollStarted);
      s.lastPollEnded = at;
      this.touch(s);
    }
  }

  close(key: SpanKey, at: number): void {
    this.tick(at);
    const s = this.live.get(key);
    if (s === undefined || !Number.isNaN(s.droppedAt)) {
      this.otherSpanEvents++;
      return;
    }
    s.droppedAt = at;
    this.closed.push(s);
    this.touch(s);
  }

  waker(key: SpanKey, op: WakerOp, selfWake: boolean, at: number): void {
    this.tick(at);
    const s = this.live.get(key);
    if (s === undefined) {
      this.otherSpanEvents++;
      return;
    }
    switch (op) {
      case WakerOp.Clone:
        s.clones++;
        break;
      case WakerOp.Drop:
        s.drops++;
        break;
      case WakerOp.Wake:
      case WakerOp.WakeByRef:
        if (op === WakerOp.Wake) s.drops++; // a wake by value consumes the waker: a wake and a drop
        s.wakes++;
        if (selfWake) s.selfWakes++;
        s.lastWake = at;
        break;
    }
    this.touch(s);
  }

  /** Emits the final update (now = the last event's time), then the histograms of tasks still open. */
  finish(): void {
    const now = Number.isNaN(this.lastAt) ? 0 : this.lastAt;
    if (!Number.isNaN(this.lastAt) || this.newTasks.length > 0) this.cut(now);
    if (this.histograms) for (const s of this.live.values()) this.details(s, now);
  }

  /** Takes the updates (and TaskDetails, when histograms are on) produced so far, in order. */
  drainOutput(): RecordingOutput[] {
    return this.out.splice(0, this.out.length);
  }

  /** Takes the updates produced so far (TaskDetails are dropped). */
  drain(): Update[] {
    return this.drainOutput().flatMap((o) => (o.update ? [o.update] : []));
  }

  private details(s: SpanAgg, now: number): void {
    if (!s.pollHist && !s.schedHist) return;
    const d: TaskDetails = { taskId: s.id, now: this.ts(now) };
    if (s.pollHist) d.histogram = s.pollHist.toDurationHistogram();
    if (s.schedHist) d.scheduledTimesHistogram = s.schedHist.toDurationHistogram();
    this.out.push({ taskDetails: d });
  }

  private cut(now: number): void {
    const statsUpdate = new Map<bigint, TaskStats>();
    for (const s of this.dirty) {
      s.dirty = false;
      statsUpdate.set(s.id, this.stats(s));
    }
    this.dirty = [];
    this.out.push({
      update: {
        now: this.ts(now),
        taskUpdate: { newTasks: this.newTasks, statsUpdate, droppedEvents: 0 },
      },
    });
    this.newTasks = [];
    // Closed spans have been reported: forget them so that their id can start a new identity.
    for (const s of this.closed) {
      if (this.histograms) this.details(s, now);
      if (this.live.get(s.key) === s) this.live.delete(s.key);
    }
    this.closed = [];
  }

  private stats(s: SpanAgg): TaskStats {
    const stats: TaskStats = {
      createdAt: this.ts(s.createdAt),
      wakes: s.wakes,
      wakerClones: s.clones,
      wakerDrops: s.drops,
      selfWakes: s.selfWakes,
      pollStats: { polls: s.polls, busyTime: this.dur(s.busy) },
      scheduledTime: this.dur(s.scheduled),
    };
    if (!Number.isNaN(s.droppedAt)) stats.droppedAt = this.ts(s.droppedAt);
    if (!Number.isNaN(s.lastWake)) stats.lastWake = this.ts(s.lastWake);
    const p = stats.pollStats!;
    if (!Number.isNaN(s.firstPoll)) p.firstPoll = this.ts(s.firstPoll);
    if (!Number.isNaN(s.lastPollStarted)) p.lastPollStarted = this.ts(s.lastPollStarted);
    if (!Number.isNaN(s.lastPollEnded)) p.lastPollEnded = this.ts(s.lastPollEnded);
    return stats;
  }

  private ts(ns: number): Timestamp {
    const secs = Math.floor(ns / 1e9);
    return { seconds: (this.clock.anchorSeconds ?? 0) + secs, nanos: Math.round(ns - secs * 1e9) };
  }

  private dur(ns: number): { seconds: number; nanos: number } {
    const secs = Math.floor(ns / 1e9);
    return { seconds: secs, nanos: Math.round(ns - secs * 1e9) };
  }
}

function toField(f: RecordingField): Field {
  if (typeof f.value === "bigint") return { strName: f.name, u64Val: f.value };
  if (typeof f.value === "boolean") return { strName: f.name, boolVal: f.value };
  return { strName: f.name, debugVal: f.value };
}
