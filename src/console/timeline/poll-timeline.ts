/**
 * The poll timeline of a recording: every task's polls as [start, end) intervals (outermost Enter …
 * Exit of its span), its spawn and close, and every wake with its wakee and, where the data allows, its
 * waker. This is the exact "who ran when, who woke whom" view that a recording holds and the sampled
 * gRPC stats cannot give; the dashboard's Timeline and the trace exports read it.
 *
 * Storage: polls of all tasks in two Float64Arrays grouped by task (task i owns
 * [pollOffset, pollOffset + pollCount)), wakes in parallel typed arrays in time order, so a 1M-event
 * recording costs ~16 bytes per poll and ~17 per wake, and slices can be sent to a browser as they are.
 * Times are ns relative to `anchorSeconds` (Unix seconds of the recording's first event), like the parser.
 */
export interface TimelineTask {
  /** Position in `tasks`. */
  index: number;
  /** Span id as decimal text; a span id reused after Close keeps its id and gets key `id@n`. */
  id: string;
  key: string;
  name: string;
  /** Field `kind`: task | local | blocking | block_on. */
  kind: string;
  /** The Spawn line's fields as text (task.id, fn, spawn.location, …). */
  fields: Record<string, string>;
  spawnedAt: number;
  /** NaN while the span never closed. */
  closedAt: number;
  pollOffset: number;
  pollCount: number;
  /** Runtime machinery (a worker thread's `Launch` closure, the block_on future's thread): never a waker. */
  runtimeInternal: boolean;
}

export interface WakeEvents {
  at: Float64Array;
  /** Task index woken. */
  wakee: Int32Array;
  /** Task index that was polling when it woke the wakee, -1 when unknown (see `attributeWaker`). */
  waker: Int32Array;
  /** 1 for a self-wake (the subscriber's own flag). */
  selfWake: Uint8Array;
}

export interface PollTimeline {
  anchorSeconds: number;
  tasks: TimelineTask[];
  pollStarts: Float64Array;
  /** NaN for a poll still open at the end of the recording (worker threads, a blocked task). */
  pollEnds: Float64Array;
  wakes: WakeEvents;
  /** First and last event times. */
  start: number;
  end: number;
  /** Runtime worker threads seen (multi-thread scheduler `Launch` tasks); 0 when unknown (current-thread runtime). */
  workers: number;
}

/** The polls of one task as index range [from, to) into pollStarts/pollEnds. */
export function pollRange(t: PollTimeline, task: TimelineTask): [number, number] {
  return [task.pollOffset, task.pollOffset + task.pollCount];
}

/** Index of the first poll of `task` that ends at or after `at` (binary search: polls are in time order). */
export function firstPollEndingAfter(t: PollTimeline, task: TimelineTask, at: number): number {
  let lo = task.pollOffset;
  let hi = task.pollOffset + task.pollCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const end = t.pollEnds[mid]!;
    if (end < at) lo = mid + 1;
    else hi = mid; // NaN (open) counts as "still running"
  }
  return lo;
}

/** True for a worker thread's pseudo-task (`kind=blocking`, fn `…worker::Launch…`). */
export function isWorkerThreadTask(kind: string, fields: Record<string, string>): boolean {
  return kind === "blocking" && (fields.fn ?? "").includes("worker::Launch");
}
