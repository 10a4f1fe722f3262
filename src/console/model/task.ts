/**
 * One task in the state model, and the live values computed from it against the app's clock.
 *
 * A record holds what tokio-console keeps per task: identity (span id, tokio task id, name, kind, spawn
 * location, other fields, metadata), the last cumulative stats the subscriber sent (replaced wholesale by
 * every `stats_update`), and the latest poll-time / scheduled-time histograms from TaskDetails. All
 * times are relative ns (model/time.ts), NaN when absent; records keep one shape for memory and speed.
 */
import { decodeDurationHistogram, type HistogramSummary } from "../histogram/duration-histogram.ts";
import type { DurationHistogram, Id } from "../protocol/messages.ts";
import { ABSENT, type TimeNs } from "./time.ts";

export type TaskState = "running" | "scheduled" | "idle" | "done";

/** A task's cumulative counters as one `stats_update` states them (times at the app's clock). */
export interface TaskCounters {
  createdAt: TimeNs;
  droppedAt: TimeNs;
  polls: number;
  /** Cumulative busy time of completed polls (the subscriber's busy_time; grows when a poll ends). */
  busyNs: number;
  /** scheduled_time as sent (console-api ≥ 0.5 / subscriber ≥ 0.5, or rebuilt from recordings); NaN when the source does not provide it. */
  scheduledNs: number;
  wakes: number;
  selfWakes: number;
  wakerClones: number;
  wakerDrops: number;
  lastWake: TimeNs;
  firstPoll: TimeNs;
  lastPollStarted: TimeNs;
  lastPollEnded: TimeNs;
}

export interface TaskRecord extends TaskCounters {
  /** Span id: the console's id for the task (unique while the task lives; reused after it closes). */
  id: Id;
  /** tokio's own task id (field `task.id`), if sent. */
  tokioId: bigint | undefined;
  /** `task.name` ("" when unnamed). */
  name: string;
  /** Field `kind`: task | local | blocking | block_on (subscribers always send Task.kind SPAWN). */
  kind: string;
  /** Spawn location "file:line:col" (Task.location, or the `spawn.location` field of blocking tasks); "" when unknown. */
  location: string;
  /** Metadata target (e.g. `tokio::task`, `tokio::task::blocking`) when the metadata is known. */
  target: string;
  metadataId: Id | undefined;
  /** Fields other than kind, task.name, task.id, spawn.location and loc.*, as [name, value] text pairs. */
  otherFields: [string, string][];
  parents: Id[];

  /** True once a stats_update arrived for this task. */
  hasStats: boolean;

  /** Summary of the latest poll-time histogram (decoded on first read, then cached). */
  readonly pollHistogram: HistogramSummary | undefined;
  readonly scheduledHistogram: HistogramSummary | undefined;
  /** The latest histograms as received (own copies of the bytes); set through `setHistograms`. */
  pollHistogramRaw: DurationHistogram | undefined;
  scheduledHistogramRaw: DurationHistogram | undefined;
  /** `now` of the TaskDetails the histograms came from. */
  detailsAt: TimeNs;
  /** Stores new histograms (absent ones are kept); their summaries are computed lazily. */
  setHistograms(poll: DurationHistogram | undefined, scheduled: DurationHistogram | undefined): void;
}

/**
 * Histogram summaries are decoded lazily: TaskDetails arrive every second per watched task, and
 * recordings can carry histograms for tens of thousands of tasks, while only shown tasks need them.
 */
class TaskRecordImpl implements TaskRecord {
  // Every field is initialised here, in one order, so that all records share one compact shape.
  tokioId: bigint | undefined = undefined;
  name = "";
  kind = "";
  location = "";
  target = "";
  metadataId: Id | undefined = undefined;
  otherFields: [string, string][] = [];
  parents: Id[] = [];
  hasStats = false;
  createdAt: TimeNs = ABSENT;
  droppedAt: TimeNs = ABSENT;
  polls = 0;
  busyNs = 0;
  scheduledNs = ABSENT;
  wakes = 0;
  selfWakes = 0;
  wakerClones = 0;
  wakerDrops = 0;
  lastWake: TimeNs = ABSENT;
  firstPoll: TimeNs = ABSENT;
  lastPollStarted: TimeNs = ABSENT;
  lastPollEnded: TimeNs = ABSENT;
  pollHistogramRaw: DurationHistogram | undefined = undefined;
  scheduledHistogramRaw: DurationHistogram | undefined = undefined;
  detailsAt: TimeNs = ABSENT;
  private pollSummary: HistogramSummary | undefined = undefined;
  private scheduledSummary: HistogramSummary | undefined = undefined;

  constructor(readonly id: Id) {}

  get pollHistogram(): HistogramSummary | undefined {
    if (this.pollSummary === undefined && this.pollHistogramRaw !== undefined) this.pollSummary = decodeDurationHistogram(this.pollHistogramRaw);
    return this.pollSummary;
  }

  get scheduledHistogram(): HistogramSummary | undefined {
    if (this.scheduledSummary === undefined && this.scheduledHistogramRaw !== undefined) this.scheduledSummary = decodeDurationHistogram(this.scheduledHistogramRaw);
    return this.scheduledSummary;
  }

  setHistograms(poll: DurationHistogram | undefined, scheduled: DurationHistogram | undefined): void {
    if (poll) {
      this.pollHistogramRaw = { ...poll, rawHistogram: poll.rawHistogram.slice() };
      this.pollSummary = undefined;
    }
    if (scheduled) {
      this.scheduledHistogramRaw = { ...scheduled, rawHistogram: scheduled.rawHistogram.slice() };
      this.scheduledSummary = undefined;
    }
  }
}

export function newTaskRecord(id: Id): TaskRecord {
  return new TaskRecordImpl(id);
}

/** Inside a poll: a poll started and none ended after it. */
export function isRunning(t: TaskRecord): boolean {
  if (Number.isNaN(t.lastPollStarted)) return false;
  return Number.isNaN(t.lastPollEnded) || t.lastPollStarted > t.lastPollEnded;
}

/** Woken and not yet polled since (or woken while running: scheduled again when the poll ends). */
export function isScheduled(t: TaskRecord): boolean {
  if (Number.isNaN(t.lastWake)) return false;
  return Number.isNaN(t.lastPollStarted) || t.lastWake > t.lastPollStarted;
}

export function isCompleted(t: TaskRecord): boolean {
  return !Number.isNaN(t.droppedAt);
}

/** tokio-console's order: completed, else running, else scheduled, else idle. */
export function taskState(t: TaskRecord): TaskState {
  if (isCompleted(t)) return "done";
  if (isRunning(t)) return "running";
  if (isScheduled(t)) return "scheduled";
  return "idle";
}

/** Blocking tasks (spawn_blocking, worker threads, block_on) by their `kind` field or metadata target. */
export function isBlockingKind(t: TaskRecord): boolean {
  return t.kind === "blocking" || t.kind === "block_on" || t.target === "tokio::task::blocking";
}

export function liveWakers(t: TaskRecord): number {
  return Math.max(0, t.wakerClones - t.wakerDrops);
}

/** The values a task table shows, computed at the app's `now` (relative ns). */
export interface TaskTimes {
  state: TaskState;
  /** (dropped_at or now) − created_at; NaN when created_at is unknown. */
  totalNs: number;
  /** busy_time + the current poll so far (if running). */
  busyNs: number;
  /** scheduled_time + the current wait so far (if scheduled); NaN when the source gives no scheduled time. */
  scheduledNs: number;
  /** total − busy − scheduled (scheduled counted as 0 when unknown). */
  idleNs: number;
}

export function taskTimes(t: TaskRecord, now: TimeNs): TaskTimes {
  const state = taskState(t);
  const end = isCompleted(t) ? t.droppedAt : now;
  const totalNs = Number.isNaN(t.createdAt) ? Number.NaN : Math.max(0, end - t.createdAt);
  let busyNs = t.busyNs;
  if (state === "running") busyNs += Math.max(0, now - t.lastPollStarted);
  let scheduledNs = t.scheduledNs;
  if (state === "scheduled" && !Number.isNaN(scheduledNs)) scheduledNs += Math.max(0, now - t.lastWake);
  const idleNs = Number.isNaN(totalNs) ? Number.NaN : Math.max(0, totalNs - busyNs - (Number.isNaN(scheduledNs) ? 0 : scheduledNs));
  return { state, totalNs, busyNs, scheduledNs, idleNs };
}
