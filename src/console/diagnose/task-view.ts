/** Small, shared readings of a task's history for the runtime rules. */
import type { TaskHistory, TaskStatsSample } from "./timeline.ts";
import type { DiagnosisTask, RuleContext } from "./types.ts";

/** Blocking-pool tasks, runtime worker threads and block_on: never judged by the async-task rules. */
export function isBlockingKind(task: TaskHistory): boolean {
  return task.kind === "blocking" || task.kind === "block_on" || task.target === "tokio::task::blocking";
}

/** Runtime machinery (worker threads, the block_on future): never reported, never named as a culprit. */
export function isRuntimeInternal(task: TaskHistory): boolean {
  if (task.kind === "block_on") return true;
  return isBlockingKind(task) && (task.fields.get("fn") ?? "").includes("worker::Launch");
}

export function isCompletedAt(s: TaskStatsSample): boolean {
  return !Number.isNaN(s.droppedAt);
}

/** Inside a poll: a poll started and none ended after it. */
export function isRunning(s: TaskStatsSample): boolean {
  if (Number.isNaN(s.lastPollStarted)) return false;
  return Number.isNaN(s.lastPollEnded) || s.lastPollStarted > s.lastPollEnded;
}

/** Woken after its last poll started (and so queued to run again). */
export function isScheduled(s: TaskStatsSample): boolean {
  if (Number.isNaN(s.lastWake)) return false;
  return Number.isNaN(s.lastPollStarted) || s.lastWake > s.lastPollStarted;
}

export function liveWakers(s: TaskStatsSample): number {
  return Math.max(0, s.wakerClones - s.wakerDrops);
}

/** How long the current poll has been running at `now` (0 if not running or the clocks disagree). */
export function currentPollNs(s: TaskStatsSample, now: number): number {
  return isRunning(s) ? Math.max(0, now - s.lastPollStarted) : 0;
}

export function describeTask(task: TaskHistory, ctx: RuleContext): DiagnosisTask {
  const first = task.samples[0];
  const spawned = first && !Number.isNaN(first.createdAt) ? first.createdAt : task.announcedAt;
  const out: DiagnosisTask = { id: String(task.id), name: task.name, spawnedAt: ctx.iso(spawned), kind: task.kind };
  if (task.location) out.location = task.location;
  return out;
}

/** "task 'blocker' (id 9)" or "unnamed task 23 spawned at src/x.rs:10:5". */
export function taskLabel(task: TaskHistory): string {
  const where = task.location ? ` spawned at ${task.location}` : "";
  return task.name ? `task '${task.name}' (id ${task.id})` : `unnamed task ${task.id}${where}`;
}

export const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
