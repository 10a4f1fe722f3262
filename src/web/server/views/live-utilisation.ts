/**
 * Worker utilisation from sampled stats (live targets, captures, .grpc bodies): per update interval, the
 * busy time async tasks gained, divided by interval × workers. This is the one place the dashboard
 * computes it from samples; when the console model's own per-update utilisation lands (the runtime
 * work on src/console/diagnose), this function switches to it.
 */
import type { Timeline } from "../../../console/diagnose/timeline.ts";
import { isBlockingKind, isRuntimeInternal } from "../../../console/diagnose/task-view.ts";

export interface SampledUtilisation {
  at: number[];
  busyWorkers: number[];
  workers: number;
}

export function workerThreads(timeline: Timeline): number {
  return timeline.tasks.filter((t) => isRuntimeInternal(t) && t.kind === "blocking").length;
}

export function liveUtilisation(timeline: Timeline): SampledUtilisation {
  const times = timeline.updateTimes;
  const gained = new Float64Array(times.length);
  for (const task of timeline.tasks) {
    if (isBlockingKind(task)) continue;
    let u = 0;
    let previousBusy = 0;
    for (const s of task.samples) {
      while (u < times.length && times[u]! < s.at) u++;
      if (u < times.length) gained[u]! += Math.max(0, s.busyNs - previousBusy);
      previousBusy = s.busyNs;
    }
  }
  const at: number[] = [];
  const busyWorkers: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const width = times[i]! - times[i - 1]!;
    if (width <= 0) continue;
    at.push(times[i - 1]!);
    busyWorkers.push(gained[i]! / width);
  }
  return { at, busyWorkers, workers: Math.max(1, workerThreads(timeline)) };
}
