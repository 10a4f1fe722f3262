/**
 * Builds a PollTimeline from a recording: a RecordingSink fed by the streaming RecordingParser (the same
 * parser the recording source uses), so a file of any size is read once in bounded chunks.
 *
 * Waker attribution: a recording names only the woken task, not the thread or task that woke it. A wake
 * that is not a self-wake is credited to the async task inside a poll at that moment when exactly one
 * such task (other than the wakee) is; with several tasks polling at once, or none (a wake from the I/O or
 * timer driver), the waker stays unknown (-1). Blocking-pool tasks and runtime internals run on threads of
 * their own and are never credited. Self-wakes are credited to the wakee. On a current-thread runtime
 * this is exact; on a multi-thread runtime a driver wake on one worker while a task polls on another is
 * credited to that task, so the dashboard calls these arrows "likely".
 */
import { createReadStream } from "node:fs";
import { RecordingParser, WakerOp, type RecordingField, type RecordingSink, type SpanKey } from "../recording/recording-parser.ts";
import { isWorkerThreadTask, type PollTimeline, type TimelineTask } from "./poll-timeline.ts";

interface Building {
  task: TimelineTask;
  starts: number[];
  ends: number[];
  depth: number;
}

type NumberArray = Float64Array | Int32Array;

/** A typed array that doubles when full (wakes are counted in millions on big recordings). */
class Growable<T extends NumberArray> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (size: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  trimmed(): T {
    return this.data.slice(0, this.length) as T;
  }
}

const f64 = (n: number) => new Float64Array(n);
const i32 = (n: number) => new Int32Array(n);

export class PollTimelineBuilder implements RecordingSink {
  clock: { anchorSeconds: number | undefined } = { anchorSeconds: undefined };
  private readonly building: Building[] = [];
  private readonly live = new Map<SpanKey, Building>();
  /** Tasks inside a poll right now (outermost Enter seen, Exit not yet). */
  private readonly polling = new Set<Building>();
  private readonly reuseCount = new Map<SpanKey, number>();
  private readonly wakeAt = new Growable(f64(1024), f64);
  private readonly wakeWakee = new Growable(i32(1024), i32);
  private readonly wakeWaker = new Growable(i32(1024), i32);
  private readonly selfWake: number[] = [];
  private start = Number.NaN;
  private end = Number.NaN;

  private seen(at: number): void {
    if (!(at >= this.start)) this.start = Number.isNaN(this.start) ? at : Math.min(this.start, at);
    if (!(at <= this.end)) this.end = Number.isNaN(this.end) ? at : Math.max(this.end, at);
  }

  spawn(key: SpanKey, at: number, fields: RecordingField[]): void {
    this.seen(at);
    const text: Record<string, string> = {};
    for (const f of fields) text[f.name] = String(f.value);
    const reused = this.reuseCount.get(key);
    const id = String(key);
    const kind = text.kind ?? "task";
    const task: TimelineTask = {
      index: this.building.length,
      id,
      key: reused === undefined ? id : `${id}@${reused}`,
      name: text["task.name"] ?? "",
      kind,
      fields: text,
      spawnedAt: at,
      closedAt: Number.NaN,
      pollOffset: 0,
      pollCount: 0,
      runtimeInternal: kind === "block_on" || isWorkerThreadTask(kind, text),
    };
    this.reuseCount.set(key, (reused ?? 0) + 1);
    const b: Building = { task, starts: [], ends: [], depth: 0 };
    const old = this.live.get(key);
    if (old) this.polling.delete(old);
    this.live.set(key, b);
    this.building.push(b);
  }

  enter(key: SpanKey, at: number): void {
    this.seen(at);
    const b = this.live.get(key);
    if (!b) return; // a resource or async op span
    if (b.depth++ === 0) {
      b.starts.push(at);
      b.ends.push(Number.NaN);
      this.polling.add(b);
    }
  }

  exit(key: SpanKey, at: number): void {
    this.seen(at);
    const b = this.live.get(key);
    if (!b || b.depth === 0) return;
    if (--b.depth === 0) {
      b.ends[b.ends.length - 1] = at;
      this.polling.delete(b);
    }
  }

  close(key: SpanKey, at: number): void {
    this.seen(at);
    const b = this.live.get(key);
    if (!b) return;
    b.task.closedAt = at;
    this.polling.delete(b);
    this.live.delete(key);
  }

  waker(key: SpanKey, op: WakerOp, selfWake: boolean, at: number): void {
    this.seen(at);
    if (op !== WakerOp.Wake && op !== WakerOp.WakeByRef) return;
    const b = this.live.get(key);
    if (!b) return;
    this.wakeAt.push(at);
    this.wakeWakee.push(b.task.index);
    this.selfWake.push(selfWake ? 1 : 0);
    this.wakeWaker.push(selfWake ? b.task.index : this.attributeWaker(b));
  }

  private attributeWaker(wakee: Building): number {
    let found = -1;
    for (const p of this.polling) {
      if (p === wakee || p.task.runtimeInternal || p.task.kind === "blocking") continue;
      if (found !== -1) return -1; // two tasks in a poll: cannot tell which one woke it
      found = p.task.index;
    }
    return found;
  }

  /**
   * Wakes in time order: the subscriber writes events from several threads through one channel, so the
   * file's order can be a few ns out of time order, and the views binary-search by time.
   */
  private sortedWakes(): PollTimeline["wakes"] {
    const at = this.wakeAt.trimmed();
    let sorted = true;
    for (let i = 1; i < at.length && sorted; i++) sorted = at[i - 1]! <= at[i]!;
    if (sorted) return { at, wakee: this.wakeWakee.trimmed(), waker: this.wakeWaker.trimmed(), selfWake: Uint8Array.from(this.selfWake) };
    const order = Array.from(at.keys()).sort((a, b) => at[a]! - at[b]! || a - b);
    const wakee = this.wakeWakee.trimmed();
    const waker = this.wakeWaker.trimmed();
    return {
      at: Float64Array.from(order, (i) => at[i]!),
      wakee: Int32Array.from(order, (i) => wakee[i]!),
      waker: Int32Array.from(order, (i) => waker[i]!),
      selfWake: Uint8Array.from(order, (i) => this.selfWake[i]!),
    };
  }

  finish(): PollTimeline {
    let total = 0;
    for (const b of this.building) total += b.starts.length;
    const pollStarts = new Float64Array(total);
    const pollEnds = new Float64Array(total);
    let offset = 0;
    let workers = 0;
    const tasks: TimelineTask[] = [];
    for (const b of this.building) {
      b.task.pollOffset = offset;
      b.task.pollCount = b.starts.length;
      pollStarts.set(b.starts, offset);
      pollEnds.set(b.ends, offset);
      offset += b.starts.length;
      if (isWorkerThreadTask(b.task.kind, b.task.fields)) workers++;
      tasks.push(b.task);
    }
    return {
      anchorSeconds: this.clock.anchorSeconds ?? 0,
      tasks,
      pollStarts,
      pollEnds,
      wakes: this.sortedWakes(),
      start: this.start,
      end: this.end,
      workers,
    };
  }
}

/** Reads a recording file into its poll timeline (streamed; throws RecordingFormatError on bad lines). */
export async function readPollTimeline(path: string, signal?: AbortSignal): Promise<PollTimeline> {
  const builder = new PollTimelineBuilder();
  const parser = new RecordingParser(builder, path);
  builder.clock = parser;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) break;
      parser.push(chunk);
    }
    parser.end();
  } finally {
    stream.destroy();
  }
  return builder.finish();
}
