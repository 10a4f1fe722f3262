/**
 * The Timeline view's data. Recordings: the exact polls and wakes of the poll timeline (sent as one
 * binary block: typed arrays as they are, ~16 bytes per poll), on the state model's clock. Other sources:
 * each task's busy share per update interval from its sampled stats.
 */
import type { Timeline } from "../../../console/diagnose/timeline.ts";
import { isRuntimeInternal } from "../../../console/diagnose/task-view.ts";
import type { PollTimeline } from "../../../console/timeline/poll-timeline.ts";
import { pollUtilisation } from "../../../console/timeline/utilisation.ts";
import type { TimelineView } from "../../shared/api-types.ts";
import { liveUtilisation } from "./live-utilisation.ts";

const n = (x: number): number | null => (Number.isNaN(x) ? null : x);
const utilisationBuckets = 1000;

/** ns to add to the poll timeline's times to put them on the state model's clock. */
export function clockShift(polls: PollTimeline, anchorSeconds: number | undefined): number {
  return anchorSeconds === undefined ? 0 : (polls.anchorSeconds - anchorSeconds) * 1e9;
}

export function pollTimelineView(polls: PollTimeline, shift: number, meta: { source: number; version: number }): TimelineView {
  const u = pollUtilisation(polls, polls.start, polls.end, utilisationBuckets);
  return {
    source: meta.source,
    version: meta.version,
    mode: "polls",
    start: polls.start + shift,
    end: polls.end + shift,
    tasks: polls.tasks.map((t) => ({
      key: t.key,
      id: t.id,
      name: t.name,
      kind: t.kind,
      spawnedAt: n(t.spawnedAt + shift),
      closedAt: n(t.closedAt + shift),
      pollOffset: t.pollOffset,
      pollCount: t.pollCount,
      runtimeInternal: t.runtimeInternal,
    })),
    polls: polls.pollStarts.length,
    wakes: polls.wakes.at.length,
    workers: u.workers,
    utilisation: { at: Array.from(u.at, (x) => x + shift), busyWorkers: Array.from(u.busyWorkers), workers: u.workers },
    busy: null,
  };
}

/** The binary block of a poll timeline: pollStarts, pollEnds, wake at (f64), wakee, waker (i32), self (u8). */
export function pollTimelineBinary(polls: PollTimeline, shift: number): Buffer {
  const p = polls.pollStarts.length;
  const w = polls.wakes.at.length;
  const buffer = new ArrayBuffer(p * 16 + w * 8 + w * 4 * 2 + w);
  const starts = new Float64Array(buffer, 0, p);
  const ends = new Float64Array(buffer, p * 8, p);
  const wakeAt = new Float64Array(buffer, p * 16, w);
  for (let i = 0; i < p; i++) {
    starts[i] = polls.pollStarts[i]! + shift;
    ends[i] = polls.pollEnds[i]! + shift;
  }
  for (let i = 0; i < w; i++) wakeAt[i] = polls.wakes.at[i]! + shift;
  new Int32Array(buffer, p * 16 + w * 8, w).set(polls.wakes.wakee);
  new Int32Array(buffer, p * 16 + w * 12, w).set(polls.wakes.waker);
  new Uint8Array(buffer, p * 16 + w * 16, w).set(polls.wakes.selfWake);
  return Buffer.from(buffer);
}

export function sampledTimelineView(timeline: Timeline, meta: { source: number; version: number }): TimelineView {
  const times = timeline.updateTimes;
  const start = times[0] ?? 0;
  const end = times.at(-1) ?? 0;
  const busy: number[][] = [];
  const tasks: TimelineView["tasks"] = [];
  for (const task of timeline.tasks) {
    const triples: number[] = [];
    let previous: { at: number; busyNs: number } | undefined;
    for (const s of task.samples) {
      if (previous && s.at > previous.at) {
        const share = Math.min(1, Math.max(0, (s.busyNs - previous.busyNs) / (s.at - previous.at)));
        if (share > 0) triples.push(previous.at, s.at, share);
      }
      previous = s;
    }
    const first = task.samples[0];
    const last = task.samples.at(-1);
    tasks.push({
      key: task.key,
      id: String(task.id),
      name: task.name,
      kind: task.kind,
      spawnedAt: n(first?.createdAt ?? task.announcedAt),
      closedAt: n(last?.droppedAt ?? Number.NaN),
      pollOffset: 0,
      pollCount: last?.polls ?? 0,
      runtimeInternal: isRuntimeInternal(task),
    });
    busy.push(triples);
  }
  const u = liveUtilisation(timeline);
  return {
    source: meta.source,
    version: meta.version,
    mode: "busy",
    start,
    end,
    tasks,
    polls: 0,
    wakes: 0,
    workers: u.workers,
    utilisation: u,
    busy,
  };
}
