/**
 * blocking-poll: polls that take long. A poll is the time between the scheduler calling the task's
 * future and the future returning; while it runs, the worker thread can run nothing else.
 *
 * Evidence, from the most to the least precise: the poll-time histogram (TaskDetails: max, p99, polls
 * above the threshold); polls whose start and end both appear in one stats sample (exact); busy time
 * gained between two samples divided by the polls in between (a lower bound of the longest poll in that
 * window); and a poll still running at `Update.now`.
 */
import { currentPollNs, describeTask, isBlockingKind, isCompletedAt, isRunning, ms, taskLabel } from "../diagnose/task-view.ts";
import type { TaskHistory } from "../diagnose/timeline.ts";
import type { Diagnosis, RuleContext, RuntimeRule } from "../diagnose/types.ts";

export interface LongPollEvidence {
  longestNs: number;
  longestFrom: string;
  exactLongPolls: { startedAt: number; durationNs: number }[];
  windowMeans: { from: number; to: number; polls: number; meanNs: number }[];
  histogram?: { count: number; maxNs: number; p99Ns: number; above: number };
  runningNowNs: number;
}

/** Long-poll evidence of one task (shared with scheduling-delay to name culprits). */
export function longPolls(task: TaskHistory, now: number, threshold: number): LongPollEvidence {
  const ev: LongPollEvidence = { longestNs: 0, longestFrom: "", exactLongPolls: [], windowMeans: [], runningNowNs: 0 };
  const consider = (ns: number, from: string) => {
    if (ns > ev.longestNs) {
      ev.longestNs = ns;
      ev.longestFrom = from;
    }
  };
  const seen = new Set<number>();
  let prev: (typeof task.samples)[number] | undefined;
  for (const s of task.samples) {
    if (!isRunning(s) && !Number.isNaN(s.lastPollStarted) && !Number.isNaN(s.lastPollEnded) && !seen.has(s.lastPollStarted)) {
      seen.add(s.lastPollStarted);
      const d = s.lastPollEnded - s.lastPollStarted;
      if (d >= threshold) ev.exactLongPolls.push({ startedAt: s.lastPollStarted, durationNs: d });
      consider(d, "exact poll");
    }
    const base = prev ?? { at: s.createdAt, polls: 0, busyNs: 0 };
    const dPolls = s.polls - base.polls - (isRunning(s) ? 1 : 0) + (prev && isRunning(prev) ? 1 : 0);
    const dBusy = s.busyNs - base.busyNs;
    if (dPolls > 0 && dBusy > 0) {
      const mean = dBusy / dPolls;
      if (mean >= threshold) ev.windowMeans.push({ from: base.at, to: s.at, polls: dPolls, meanNs: mean });
      consider(mean, "busy time per poll between two updates (a lower bound)");
    }
    prev = s;
  }
  const h = task.pollHistogram;
  if (h && h.count > 0) {
    const above = h.buckets.filter((b) => b.low >= threshold).reduce((n, b) => n + b.count, 0);
    ev.histogram = { count: h.count, maxNs: h.max, p99Ns: h.percentiles[99], above };
    consider(h.max, "poll-time histogram");
  }
  const last = task.samples.at(-1);
  if (last && !isCompletedAt(last) && last.polls > 1) {
    ev.runningNowNs = currentPollNs(last, now);
    consider(ev.runningNowNs, "poll running now");
  }
  return ev;
}

export const blockingPoll: RuntimeRule = {
  id: "blocking-poll",
  severity: "warning",
  summary: "polls that run long: blocking or CPU-heavy code between two .await points",
  thresholds: [
    {
      name: "threshold",
      unit: "duration",
      default: 100e6,
      why:
        "tokio's guidance is 10-100 µs between .awaits; 100 ms is far beyond anything a healthy poll takes even on a loaded machine (CPU preemption adds single-digit ms), so a hit is a real stall; lower it to audit latency-sensitive services",
    },
  ],
  check(ctx: RuleContext): Diagnosis[] {
    const out: Diagnosis[] = [];
    const threshold = ctx.threshold("threshold");
    for (const task of ctx.timeline.tasks) {
      if (isBlockingKind(task)) continue;
      const last = task.samples.at(-1);
      if (!last) continue;
      // A first poll still running is never-yielded's case.
      const ev = longPolls(task, ctx.now, threshold);
      if (ev.longestNs < threshold) continue;
      const windowStart = Math.min(
        ...ev.exactLongPolls.map((p) => p.startedAt),
        ...ev.windowMeans.map((w) => w.from),
        ev.runningNowNs > 0 ? last.lastPollStarted : Number.POSITIVE_INFINITY,
        Number.isNaN(last.createdAt) ? Number.POSITIVE_INFINITY : last.createdAt,
      );
      const windowEnd = isCompletedAt(last) ? last.droppedAt : ctx.now;
      const blockedNs = ev.exactLongPolls.reduce((n, p) => n + p.durationNs, 0);
      const evidence: Record<string, unknown> = {
        polls: last.polls,
        busyMs: ms(last.busyNs),
        meanPollMs: last.polls > 0 ? ms(last.busyNs / last.polls) : 0,
        longestPollMs: ms(ev.longestNs),
        longestPollFrom: ev.longestFrom,
        thresholdMs: ms(threshold),
        longPolls: ev.exactLongPolls.map((p) => ({ startedAt: ctx.iso(p.startedAt), ms: ms(p.durationNs) })),
        blockedMsInLongPolls: ms(blockedNs),
        window: { from: ctx.iso(windowStart), to: ctx.iso(windowEnd) },
      };
      if (ev.histogram) {
        evidence.histogram = {
          polls: ev.histogram.count,
          maxMs: ms(ev.histogram.maxNs),
          p99Ms: ms(ev.histogram.p99Ns),
          pollsAboveThreshold: ev.histogram.above,
        };
      }
      if (ev.runningNowNs > 0) evidence.runningNowMs = ms(ev.runningNowNs);
      const count = ev.histogram?.above ?? ev.exactLongPolls.length;
      out.push({
        rule: "blocking-poll",
        severity: "warning",
        confidence: ctx.confidence(ev.longestFrom.startsWith("busy time") ? "medium" : "high"),
        task: describeTask(task, ctx),
        evidence,
        message:
          `${taskLabel(task)} had ${count > 0 ? `${count} poll(s)` : "a poll"} of up to ${ms(ev.longestNs)} ms (threshold ${ms(threshold)} ms; ${last.polls} polls, ${ms(last.busyNs)} ms busy). ` +
          "While a poll runs the worker thread cannot run any other task, drive timers or process I/O events, so every task on that worker waits for it.",
        help:
          "Find the blocking call between two .await points of this task (std::thread::sleep, std::fs / blocking I/O, std::sync::Mutex held long, heavy computation) and move it to tokio::task::spawn_blocking, use the async equivalent, or split the work with tokio::task::yield_now().await.",
        related: [],
      });
    }
    return out;
  },
};
