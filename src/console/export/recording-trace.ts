/**
 * A recording's timeline as trace events: each task's polls as slices on its own track, spawns and drops
 * as instants, self-wakes as flows from the poll that woke the task to the poll that followed, other
 * wakes as instants (a recording does not say which task, driver or thread woke a task: it carries no
 * thread ids, and on a multi-thread runtime several tasks and blocking threads run at once, so any guess
 * would draw false arrows — see docs/exports.md).
 */
import type { TimelineSink, TimelineTask } from "../timeline/timeline-sink.ts";
import type { TraceOutput } from "./trace-output.ts";
import type { TrackLayout } from "./tracks.ts";

interface PendingWake {
  at: number;
  byRef: boolean;
}

export interface RecordingTraceCounts {
  polls: number;
  flows: number;
  wakeInstants: number;
  spawns: number;
  drops: number;
}

export class RecordingTrace implements TimelineSink {
  /** Self-wakes waiting for the task's next poll (the flow's end); per task, bounded by wakes in one poll. */
  private readonly pending = new Map<TimelineTask, PendingWake[]>();
  private nextFlow = 1;
  readonly counts: RecordingTraceCounts = { polls: 0, flows: 0, wakeInstants: 0, spawns: 0, drops: 0 };

  constructor(
    private readonly out: TraceOutput,
    private readonly tracks: TrackLayout,
  ) {}

  private pid(task: TimelineTask): number {
    return this.tracks.pidOf(task.kind);
  }

  spawn(task: TimelineTask, at: number): void {
    const pid = this.tracks.declare(task);
    this.counts.spawns++;
    const args: Record<string, string> = { span_id: String(task.id) };
    if (task.tokioId !== undefined) args.tokio_task_id = String(task.tokioId);
    for (const [k, v] of task.fields) if (k !== "task.id") args[k] = v;
    this.out.instant(pid, task.seq, "spawn", "task", at, args);
  }

  poll(task: TimelineTask, start: number, end: number): void {
    const pid = this.pid(task);
    // The poll is reported when it ends; self-wakes from inside it wait for the next one.
    const waiting = this.pending.get(task);
    if (waiting && waiting[0]!.at < start) {
      const before = waiting.filter((w) => w.at < start);
      const during = waiting.filter((w) => w.at >= start);
      if (during.length > 0) this.pending.set(task, during);
      else this.pending.delete(task);
      for (const w of before) {
        this.out.flow(this.nextFlow++, w.byRef ? "self-wake (by ref)" : "self-wake", "wake", { pid, tid: task.seq, at: w.at }, { pid, tid: task.seq, at: start });
        this.counts.flows++;
      }
    }
    this.out.slice(pid, task.seq, "poll", "poll", start, end - start);
    this.counts.polls++;
  }

  wake(task: TimelineTask, at: number, byRef: boolean, selfWake: boolean): void {
    if (selfWake) {
      let list = this.pending.get(task);
      if (!list) this.pending.set(task, (list = []));
      list.push({ at, byRef });
      return;
    }
    this.out.instant(this.pid(task), task.seq, byRef ? "wake_by_ref" : "wake", "wake", at);
    this.counts.wakeInstants++;
  }

  drop(task: TimelineTask, at: number): void {
    this.flushPending(task);
    this.out.instant(this.pid(task), task.seq, "drop", "task", at, { polls: task.polls });
    this.counts.drops++;
  }

  /** Self-wakes never followed by a poll (the task was dropped, or the recording ended) stay instants. */
  private flushPending(task: TimelineTask): void {
    const waiting = this.pending.get(task);
    if (!waiting) return;
    this.pending.delete(task);
    for (const w of waiting) {
      this.out.instant(this.pid(task), task.seq, w.byRef ? "self-wake (by ref), no later poll" : "self-wake, no later poll", "wake", w.at);
      this.counts.wakeInstants++;
    }
  }

  end(at: number, running: readonly { task: TimelineTask; start: number }[]): void {
    for (const { task, start } of running) {
      this.out.slice(this.pid(task), task.seq, "poll (still running at the end)", "poll", start, at - start, { running: true });
      this.counts.polls++;
    }
    for (const task of [...this.pending.keys()]) this.flushPending(task);
  }
}
