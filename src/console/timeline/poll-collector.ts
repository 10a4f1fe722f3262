/**
 * Collects a TimelineSink's events (recording-timeline.ts) into a PollTimeline: polls grouped by task in
 * typed arrays, wakes in time order, and each non-self wake's likely waker.
 *
 * Waker attribution: a recording names only the woken task, not the thread or task that woke it. A wake
 * that is not a self-wake is credited to the async task inside a poll at that moment when exactly one
 * such task (other than the wakee) is; with several tasks polling at once, or none (a wake from the I/O or
 * timer driver), the waker stays unknown (-1). Blocking-pool tasks and runtime internals run on threads of
 * their own and are never credited. Self-wakes are credited to the wakee. On a current-thread runtime
 * this is exact; on a multi-thread runtime a driver wake on one worker while a task polls on another is
 * credited to that task, so the dashboard calls these arrows "likely". Polls reach the sink when they
 * end, so the attribution is a sweep over all polls and wakes in time order at the end.
 */
import { readRecordingTimeline } from "./recording-timeline.ts";
import type { TimelineSink, TimelineTask as SinkTask } from "./timeline-sink.ts";
import { isWorkerThreadTask, type PollTimeline, type TimelineTask } from "./poll-timeline.ts";

interface Building {
  task: TimelineTask;
  starts: number[];
  ends: number[];
}

export class PollTimelineCollector implements TimelineSink {
  private readonly building: Building[] = [];
  private readonly bySeq = new Map<number, Building>();
  private readonly reuse = new Map<string, number>();
  private readonly wakeAt: number[] = [];
  private readonly wakee: number[] = [];
  private readonly self: number[] = [];
  private first = Number.NaN;
  private last = Number.NaN;

  private seen(at: number): void {
    if (!(at >= this.first)) this.first = at;
    if (!(at <= this.last)) this.last = at;
  }

  spawn(t: SinkTask, at: number): void {
    this.seen(at);
    const fields = Object.fromEntries(t.fields);
    const id = String(t.id);
    const reused = this.reuse.get(id);
    this.reuse.set(id, (reused ?? 0) + 1);
    const task: TimelineTask = {
      index: this.building.length,
      id,
      key: reused === undefined ? id : `${id}@${reused}`,
      name: t.name,
      kind: t.kind,
      fields,
      spawnedAt: at,
      closedAt: Number.NaN,
      pollOffset: 0,
      pollCount: 0,
      runtimeInternal: t.kind === "block_on" || isWorkerThreadTask(t.kind, fields),
    };
    const b: Building = { task, starts: [], ends: [] };
    this.building.push(b);
    this.bySeq.set(t.seq, b);
  }

  poll(t: SinkTask, start: number, end: number): void {
    this.seen(end);
    const b = this.bySeq.get(t.seq);
    if (!b) return;
    b.starts.push(start);
    b.ends.push(end);
  }

  wake(t: SinkTask, at: number, _byRef: boolean, selfWake: boolean): void {
    this.seen(at);
    const b = this.bySeq.get(t.seq);
    if (!b) return;
    this.wakeAt.push(at);
    this.wakee.push(b.task.index);
    this.self.push(selfWake ? 1 : 0);
  }

  drop(t: SinkTask, at: number): void {
    this.seen(at);
    const b = this.bySeq.get(t.seq);
    if (b) b.task.closedAt = at;
  }

  end(at: number, running: readonly { task: SinkTask; start: number }[]): void {
    this.seen(at);
    for (const r of running) {
      const b = this.bySeq.get(r.task.seq);
      if (!b) continue;
      b.starts.push(r.start);
      b.ends.push(Number.NaN); // still inside the poll when the recording ends
    }
  }

  finish(anchorSeconds: number): PollTimeline {
    let total = 0;
    for (const b of this.building) total += b.starts.length;
    const pollStarts = new Float64Array(total);
    const pollEnds = new Float64Array(total);
    let offset = 0;
    let workers = 0;
    for (const b of this.building) {
      b.task.pollOffset = offset;
      b.task.pollCount = b.starts.length;
      pollStarts.set(b.starts, offset);
      pollEnds.set(b.ends, offset);
      offset += b.starts.length;
      if (isWorkerThreadTask(b.task.kind, b.task.fields)) workers++;
    }
    const order = Array.from(this.wakeAt.keys()).sort((a, b) => this.wakeAt[a]! - this.wakeAt[b]! || a - b);
    const at = Float64Array.from(order, (i) => this.wakeAt[i]!);
    const wakee = Int32Array.from(order, (i) => this.wakee[i]!);
    const selfWake = Uint8Array.from(order, (i) => this.self[i]!);
    const tasks = this.building.map((b) => b.task);
    const waker = this.attribute(tasks, pollStarts, pollEnds, at, wakee, selfWake);
    return { anchorSeconds, tasks, pollStarts, pollEnds, wakes: { at, wakee, waker, selfWake }, start: this.first, end: this.last, workers };
  }

  /** One sweep over the eligible polls (by start) and the wakes (by time), keeping the polls in progress. */
  private attribute(tasks: TimelineTask[], starts: Float64Array, ends: Float64Array, at: Float64Array, wakee: Int32Array, selfWake: Uint8Array): Int32Array {
    const polls: number[] = [];
    const owner = new Int32Array(starts.length);
    for (const t of tasks) {
      for (let i = t.pollOffset; i < t.pollOffset + t.pollCount; i++) {
        owner[i] = t.index;
        if (!t.runtimeInternal && t.kind !== "blocking") polls.push(i);
      }
    }
    polls.sort((a, b) => starts[a]! - starts[b]!);
    const waker = new Int32Array(at.length).fill(-1);
    let active: number[] = [];
    let next = 0;
    for (let k = 0; k < at.length; k++) {
      if (selfWake[k]) {
        waker[k] = wakee[k]!;
        continue;
      }
      const time = at[k]!;
      while (next < polls.length && starts[polls[next]!]! <= time) active.push(polls[next++]!);
      active = active.filter((i) => !(ends[i]! < time)); // NaN (still open) stays
      let found = -1;
      for (const i of active) {
        if (owner[i] === wakee[k]) continue;
        if (found !== -1 && found !== owner[i]) {
          found = -2;
          break;
        }
        found = owner[i]!;
      }
      waker[k] = found >= 0 ? found : -1;
    }
    return waker;
  }
}

/** Reads a recording file into its poll timeline (streamed; throws RecordingFormatError on bad lines). */
export async function readPollTimeline(path: string, signal?: AbortSignal): Promise<PollTimeline> {
  const collector = new PollTimelineCollector();
  const result = await readRecordingTimeline(path, collector, signal ? { signal } : {});
  return collector.finish(result.anchorSeconds ?? 0);
}
