/**
 * Worker utilisation from a recording's exact polls: per time bucket, the poll time of async tasks that
 * falls into the bucket, divided by bucket width × workers. Worker-thread pseudo-tasks and blocking-pool
 * tasks are left out: the former "poll" for the runtime's whole life, the latter run on their own threads.
 */
import type { PollTimeline } from "./poll-timeline.ts";

export interface UtilisationSeries {
  /** Bucket start times (ns, the timeline's clock). */
  at: Float64Array;
  /** Busy workers in each bucket (0 … workers); divide by `workers` for a share. */
  busyWorkers: Float64Array;
  bucketNs: number;
  /** Worker threads the share is relative to (at least 1). */
  workers: number;
}

export function pollUtilisation(t: PollTimeline, from: number, to: number, buckets: number): UtilisationSeries {
  const n = Math.max(1, Math.floor(buckets));
  const width = Math.max(1, (to - from) / n);
  const busy = new Float64Array(n);
  for (const task of t.tasks) {
    if (task.runtimeInternal || task.kind === "blocking") continue;
    for (let i = task.pollOffset; i < task.pollOffset + task.pollCount; i++) {
      const s = Math.max(from, t.pollStarts[i]!);
      const rawEnd = t.pollEnds[i]!;
      const e = Math.min(to, Number.isNaN(rawEnd) ? t.end : rawEnd);
      if (e <= s) continue;
      let b = Math.floor((s - from) / width);
      let cursor = s;
      while (cursor < e && b < n) {
        const bucketEnd = from + (b + 1) * width;
        const piece = Math.min(e, bucketEnd) - cursor;
        busy[b]! += piece;
        cursor += piece;
        b++;
      }
    }
  }
  const at = new Float64Array(n);
  for (let b = 0; b < n; b++) {
    at[b] = from + b * width;
    busy[b] = busy[b]! / width;
  }
  return { at, busyWorkers: busy, bucketNs: width, workers: Math.max(1, t.workers) };
}
