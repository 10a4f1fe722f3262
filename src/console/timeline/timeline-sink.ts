/**
 * The timeline of one app run as individual events — polls with their start and end, wakes, waker
 * clones/drops, spawns and drops of tasks — for views that show *when* things happened (trace exports,
 * dashboards), as opposed to the state model's cumulative counters.
 *
 * It is a push interface (like `RecordingSink`) so that a recording of millions of events streams
 * through it without one object per event; `collectTimeline` (collect.ts) gathers the events into arrays
 * for small inputs and tests. Times are relative ns on the app's clock (model/time.ts), with
 * `anchorSeconds` (Unix seconds) as 0.
 */
import type { WakerOp } from "../recording/recording-parser.ts";

/** One task identity: a Spawn … Close of one span id (a reused id is a new TimelineTask). */
export interface TimelineTask {
  /** 1, 2, 3, … in spawn order: unique per identity, unlike `id`. */
  seq: number;
  /** Span id (console id). */
  id: bigint;
  /** tokio's task id (field `task.id`), when recorded. */
  tokioId: bigint | undefined;
  /** `task.name`, "" when unnamed. */
  name: string;
  /** Field `kind`: task | local | blocking | block_on. */
  kind: string;
  /** "file:line:col" when known (blocking tasks' `spawn.location`; recordings have none for async tasks). */
  location: string;
  /** The other fields as text (`fn` of blocking tasks, …). */
  fields: ReadonlyMap<string, string>;
  spawnedAt: number;
  /** NaN while the task lives. */
  droppedAt: number;
  /** Outermost polls so far. */
  polls: number;
}

export { WakerOp };

export interface TimelineSink {
  spawn(task: TimelineTask, at: number): void;
  /** One outermost poll (an Enter … Exit of the task's span; nested re-entries are part of it). */
  poll(task: TimelineTask, start: number, end: number): void;
  /**
   * A wake of `task`'s waker. `selfWake`: it happened inside a poll of `task` itself (so the waker is
   * known: the task). Otherwise the recording does not say who woke it (another task, a timer or I/O
   * driver, a blocking thread): recordings carry no thread or caller.
   */
  wake(task: TimelineTask, at: number, byRef: boolean, selfWake: boolean): void;
  /** Waker clone or drop (a wake by value is reported as a wake only). */
  wakerOp?(task: TimelineTask, op: typeof WakerOp.Clone | typeof WakerOp.Drop, at: number): void;
  drop(task: TimelineTask, at: number): void;
  /**
   * End of input at `at` (the last event's time): `running` are the tasks inside a poll then, with the
   * poll's start (runtime worker threads are "polled" for the whole run).
   */
  end(at: number, running: readonly { task: TimelineTask; start: number }[]): void;
}
