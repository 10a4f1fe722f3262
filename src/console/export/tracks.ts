/**
 * Track layout of an exported trace: one process (track group) per task kind, one thread (track) per
 * task identity, named by task name and spawn location; then a "runtime" process with the worker
 * utilisation counter and a "diagnoses" process with one track per rule (more when a rule's findings
 * overlap in time).
 */
import type { TimelineTask } from "../timeline/timeline-sink.ts";
import type { TraceOutput } from "./trace-output.ts";

/** What names a task's track (a TimelineTask, or the same facts from console updates). */
export type TrackTask = Pick<TimelineTask, "seq" | "id" | "tokioId" | "name" | "kind" | "location" | "fields">;

const KIND_ORDER = ["task", "local", "block_on", "blocking"];
const KIND_TITLE: Record<string, string> = {
  task: "async tasks (tokio::spawn)",
  local: "local tasks (spawn_local)",
  block_on: "block_on (the runtime's main future)",
  blocking: "blocking tasks (spawn_blocking, worker threads)",
};

export const RUNTIME_PID = 1000;
export const DIAGNOSES_PID = 1001;

/** tokio's multi-thread worker threads show up as blocking tasks running this closure for the whole run. */
export function isRuntimeWorker(task: { kind: string; fields: ReadonlyMap<string, string> }): boolean {
  return task.kind === "blocking" && /multi_thread::worker::Launch::launch|multi_thread::worker::run/.test(task.fields.get("fn") ?? "");
}

function shortFn(fn: string): string {
  const parts = fn.replace(/::\{\{closure\}\}/g, "").split("::");
  return parts.slice(-2).join("::");
}

export function trackName(task: TrackTask): string {
  let label: string;
  if (task.name) label = task.name;
  else if (isRuntimeWorker(task)) label = "tokio worker thread";
  else if (task.kind === "blocking" && task.fields.get("fn")) label = `spawn_blocking ${shortFn(task.fields.get("fn")!)}`;
  else if (task.kind === "block_on") label = "block_on";
  else label = "unnamed";
  if (task.location && !isRuntimeWorker(task)) label += ` @ ${task.location}`;
  return `${label} #${task.tokioId ?? task.id}`;
}

export class TrackLayout {
  private readonly kinds = new Map<string, number>();

  constructor(private readonly out: TraceOutput) {
    out.process(RUNTIME_PID, "tokio runtime", 0);
  }

  /** The pid of a kind's group, declared on first use. */
  pidOf(kind: string): number {
    let pid = this.kinds.get(kind);
    if (pid === undefined) {
      const known = KIND_ORDER.indexOf(kind);
      pid = known >= 0 ? known + 1 : KIND_ORDER.length + 1 + this.kinds.size;
      this.kinds.set(kind, pid);
      this.out.process(pid, KIND_TITLE[kind] ?? `${kind} tasks`, pid);
    }
    return pid;
  }

  /** Declares the task's track; returns its pid (its tid is `task.seq`). */
  declare(task: TrackTask): number {
    const pid = this.pidOf(task.kind);
    this.out.thread(pid, task.seq, trackName(task), task.seq);
    return pid;
  }
}
