/**
 * Turns a console-subscriber recording's events (Spawn, Enter/Exit, Waker, Close) into timeline events:
 * outermost Enter … Exit pairs become polls, Waker lines become wakes (self-wakes flagged), Spawn/Close
 * become spawns/drops. Same identity rules as the recording aggregator (recording-updates.ts): one
 * Spawn … Close is one task; Enter/Exit/Close of spans without a Spawn (resources, async ops) are not
 * tasks and are skipped.
 */
import { createReadStream } from "node:fs";
import { RecordingParser, WakerOp, keyToId, type RecordingField, type RecordingSink, type SpanKey } from "../recording/recording-parser.ts";
import type { TimelineSink, TimelineTask } from "./timeline-sink.ts";

interface LiveSpan {
  task: TimelineTask;
  depth: number;
  pollStart: number;
}

export class RecordingTimeline implements RecordingSink {
  private readonly live = new Map<SpanKey, LiveSpan>();
  private readonly inPoll = new Set<LiveSpan>();
  private seq = 0;
  lastAt = Number.NaN;

  constructor(private readonly sink: TimelineSink) {}

  get tasksSpawned(): number {
    return this.seq;
  }

  private at(at: number): void {
    if (!(at <= this.lastAt)) this.lastAt = at;
  }

  spawn(key: SpanKey, at: number, fields: RecordingField[]): void {
    this.at(at);
    const text = new Map<string, string>();
    let tokioId: bigint | undefined;
    for (const f of fields) {
      if (f.name === "task.id" && typeof f.value === "bigint") tokioId = f.value;
      text.set(f.name, String(f.value));
    }
    const old = this.live.get(key);
    if (old) this.inPoll.delete(old); // an id reused without a Close: the old identity ends here
    const task: TimelineTask = {
      seq: ++this.seq,
      id: keyToId(key),
      tokioId,
      name: text.get("task.name") ?? "",
      kind: text.get("kind") ?? "task",
      location: text.get("spawn.location") ?? "",
      fields: text,
      spawnedAt: at,
      droppedAt: Number.NaN,
      polls: 0,
    };
    this.live.set(key, { task, depth: 0, pollStart: Number.NaN });
    this.sink.spawn(task, at);
  }

  enter(key: SpanKey, at: number): void {
    this.at(at);
    const s = this.live.get(key);
    if (s === undefined) return;
    if (s.depth++ === 0) {
      s.pollStart = at;
      s.task.polls++;
      this.inPoll.add(s);
    }
  }

  exit(key: SpanKey, at: number): void {
    this.at(at);
    const s = this.live.get(key);
    if (s === undefined || s.depth === 0) return;
    if (--s.depth === 0) {
      this.inPoll.delete(s);
      this.sink.poll(s.task, s.pollStart, Math.max(at, s.pollStart));
    }
  }

  close(key: SpanKey, at: number): void {
    this.at(at);
    const s = this.live.get(key);
    if (s === undefined) return;
    if (s.depth > 0) {
      // Closed inside a poll (should not happen for tasks): end the poll at the close.
      s.depth = 0;
      this.inPoll.delete(s);
      this.sink.poll(s.task, s.pollStart, Math.max(at, s.pollStart));
    }
    this.live.delete(key);
    s.task.droppedAt = at;
    this.sink.drop(s.task, at);
  }

  waker(key: SpanKey, op: WakerOp, selfWake: boolean, at: number): void {
    this.at(at);
    const s = this.live.get(key);
    if (s === undefined) return;
    if (op === WakerOp.Wake || op === WakerOp.WakeByRef) this.sink.wake(s.task, at, op === WakerOp.WakeByRef, selfWake);
    else this.sink.wakerOp?.(s.task, op, at);
  }

  /** End of input: reports the polls still running. */
  finish(): void {
    const running = [...this.inPoll].map((s) => ({ task: s.task, start: s.pollStart }));
    this.sink.end(Number.isNaN(this.lastAt) ? 0 : this.lastAt, running);
  }
}

/** Calls both sinks in order (one parse feeding the timeline and, e.g., the update aggregator). */
export function teeRecordingSinks(a: RecordingSink, b: RecordingSink): RecordingSink {
  return {
    spawn(id, at, fields) {
      a.spawn(id, at, fields);
      b.spawn(id, at, fields);
    },
    enter(id, at) {
      a.enter(id, at);
      b.enter(id, at);
    },
    exit(id, at) {
      a.exit(id, at);
      b.exit(id, at);
    },
    close(id, at) {
      a.close(id, at);
      b.close(id, at);
    },
    waker(id, op, selfWake, at) {
      a.waker(id, op, selfWake, at);
      b.waker(id, op, selfWake, at);
    },
  };
}

export interface ReadRecordingOptions {
  /**
   * Also receives every recording event (e.g. a RecordingAggregator for updates and diagnoses); given
   * the parser's clock (its `anchorSeconds`, known from the first event on).
   */
  also?: (clock: { readonly anchorSeconds: number | undefined }) => RecordingSink;
  /** Called after each chunk of the file (1 MiB) has been parsed: drain outputs, apply backpressure. */
  afterChunk?: () => void | Promise<void>;
  signal?: AbortSignal;
}

export interface RecordingTimelineResult {
  /** Unix second of relative time 0 (undefined for a recording with no events). */
  anchorSeconds: number | undefined;
  events: number;
  tasks: number;
  truncatedBytes: number;
  /** Time of the last event (relative ns; 0 for a recording with no events). */
  lastAt: number;
}

/**
 * Streams a recording file through a TimelineSink in constant memory (1 MiB chunks; per-task state only
 * for live tasks). Throws RecordingFormatError on a bad line (see recording-parser.ts).
 */
export async function readRecordingTimeline(path: string, sink: TimelineSink, options: ReadRecordingOptions = {}): Promise<RecordingTimelineResult> {
  const timeline = new RecordingTimeline(sink);
  let parser: RecordingParser | undefined = undefined;
  const clock = {
    get anchorSeconds(): number | undefined {
      return parser?.anchorSeconds;
    },
  };
  parser = new RecordingParser(options.also ? teeRecordingSinks(timeline, options.also(clock)) : timeline, path);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (options.signal?.aborted) break;
      parser.push(chunk);
      await options.afterChunk?.();
    }
    parser.end();
  } finally {
    stream.destroy();
  }
  timeline.finish();
  return { anchorSeconds: parser.anchorSeconds, events: parser.events, tasks: timeline.tasksSpawned, truncatedBytes: parser.truncatedBytes, lastAt: Number.isNaN(timeline.lastAt) ? 0 : timeline.lastAt };
}
