/**
 * Bounds the memory of a long live session: the diagnosis timeline keeps one sample per task per update
 * that changed it, which over hours of a busy app grows without end. Samples older than the window are
 * dropped, keeping the last one before it (the rules compare against a task's state at the window's
 * start), and so are update times.
 */
import type { Timeline } from "../../console/diagnose/timeline.ts";

export function trimTimeline(timeline: Timeline, keepNs: number): number {
  const times = timeline.updateTimes;
  if (times.length === 0) return 0;
  const limit = times[times.length - 1]! - keepNs;
  let removed = 0;
  let firstKept = 0;
  while (firstKept < times.length - 1 && times[firstKept]! < limit) firstKept++;
  if (firstKept > 0) {
    times.splice(0, firstKept);
    removed += firstKept;
  }
  for (const task of timeline.tasks) {
    const samples = task.samples;
    let cut = 0;
    while (cut + 1 < samples.length && samples[cut + 1]!.at < limit) cut++;
    if (cut > 0) {
      samples.splice(0, cut);
      removed += cut;
    }
  }
  return removed;
}

/** Drops completed tasks that ended before the window from the timeline's task list. */
export function forgetEndedTasks(timeline: Timeline, keepNs: number): number {
  const times = timeline.updateTimes;
  if (times.length === 0) return 0;
  const limit = times[times.length - 1]! - keepNs;
  const before = timeline.tasks.length;
  timeline.tasks = timeline.tasks.filter((t) => {
    const last = t.samples.at(-1);
    return !(last && last.droppedAt < limit);
  });
  return before - timeline.tasks.length;
}
