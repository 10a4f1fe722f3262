/**
 * scheduling-delay: tasks that wait long between being woken and being polled. The task is ready but the
 * runtime does not get to it, usually because worker threads are busy with long polls of other tasks.
 */
import { describeTask, isBlockingKind, isCompletedAt, isRuntimeInternal, isScheduled, ms, taskLabel } from "../diagnose/task-view.ts";
import type { TaskHistory } from "../diagnose/timeline.ts";
import type { Diagnosis, RelatedEntity, RuleContext, RuntimeRule } from "../diagnose/types.ts";
import { longPolls } from "./blocking-poll.ts";

export const schedulingDelay: RuntimeRule = {
  id: "scheduling-delay",
  severity: "warning",
  summary: "long waits between a task's wake and its next poll (a starved runtime)",
  thresholds: [
    {
      name: "threshold",
      unit: "duration",
      default: 50e6,
      why: "a woken task is normally polled within microseconds to a few ms; a mean wait of 50 ms means workers are unavailable for whole frames of an interactive service",
    },
    { name: "min-wakes", unit: "count", default: 3, why: "one slow wake-up can be bad luck (a preempted worker); three or more show a pattern" },
    {
      name: "stuck",
      unit: "duration",
      default: 1e9,
      why: "a task woken and not polled for a whole publish interval (1 s) is starved right now, whatever its history",
    },
  ],
  check(ctx: RuleContext): Diagnosis[] {
    const out: Diagnosis[] = [];
    const threshold = ctx.threshold("threshold");
    const minWakes = ctx.threshold("min-wakes");
    const stuck = ctx.threshold("stuck");
    // Tasks with long polls, computed once (only when some task is delayed): the culprit candidates.
    let cached: { task: TaskHistory; from: number; to: number; longestNs: number }[] | undefined;
    const candidates = () =>
      (cached ??= ctx.timeline.tasks.flatMap((other) => {
        if (isBlockingKind(other) || isRuntimeInternal(other)) return [];
        const os = other.samples.at(-1);
        if (!os) return [];
        const ev = longPolls(other, ctx.now, threshold);
        if (ev.longestNs < threshold) return [];
        const from = Number.isNaN(os.createdAt) ? other.announcedAt : os.createdAt;
        return [{ task: other, from, to: isCompletedAt(os) ? os.droppedAt : ctx.now, longestNs: ev.longestNs }];
      }));
    for (const task of ctx.timeline.tasks) {
      if (isBlockingKind(task)) continue;
      const s = task.samples.at(-1);
      if (!s) continue;
      const waitingNow = !isCompletedAt(s) && isScheduled(s) ? Math.max(0, ctx.now - s.lastWake) : 0;
      const hist = task.scheduledHistogram;
      const hasScheduled = !Number.isNaN(s.scheduledNs);
      const meanNs = hasScheduled && s.wakes > 0 ? s.scheduledNs / s.wakes : Number.NaN;
      const byMean = s.wakes >= minWakes && meanNs >= threshold;
      const byHistogram = hist !== undefined && hist.count >= minWakes && hist.percentiles[99] >= threshold && hist.percentiles[50] >= threshold / 2;
      const byStuck = waitingNow >= stuck;
      if (!byMean && !byHistogram && !byStuck) continue;
      const from = Number.isNaN(s.createdAt) ? task.announcedAt : s.createdAt;
      const to = isCompletedAt(s) ? s.droppedAt : ctx.now;
      // Likely culprits: other async tasks with long polls during this task's life.
      const culprits: RelatedEntity[] = [];
      const culpritEvidence: { task: string; longestPollMs: number }[] = [];
      for (const c of candidates()) {
        if (c.task === task || c.to < from || c.from > to) continue;
        culprits.push({ role: "long-polls", kind: "task", id: String(c.task.id), name: c.task.name });
        culpritEvidence.push({ task: c.task.name || String(c.task.id), longestPollMs: ms(c.longestNs) });
      }
      const evidence: Record<string, unknown> = {
        wakes: s.wakes,
        polls: s.polls,
        thresholdMs: ms(threshold),
        window: { from: ctx.iso(from), to: ctx.iso(to) },
      };
      if (hasScheduled) {
        evidence.scheduledMs = ms(s.scheduledNs);
        evidence.meanWakeToPollMs = ms(meanNs);
      }
      if (hist) evidence.histogram = { waits: hist.count, p50Ms: ms(hist.percentiles[50]), p99Ms: ms(hist.percentiles[99]), maxMs: ms(hist.max) };
      if (waitingNow > 0) evidence.waitingNowMs = ms(waitingNow);
      if (culpritEvidence.length > 0) evidence.likelyCulprits = culpritEvidence;
      const what = byMean
        ? `waited on average ${ms(meanNs)} ms between being woken and being polled (${s.wakes} wakes, ${ms(s.scheduledNs)} ms in total)`
        : byHistogram
          ? `waited up to ${ms(hist!.max)} ms (p99 ${ms(hist!.percentiles[99])} ms) between being woken and being polled`
          : `has been woken ${ms(waitingNow)} ms ago and is still not polled`;
      const blame =
        culpritEvidence.length > 0
          ? ` Likely culprits: ${culpritEvidence.map((c) => `'${c.task}' (polls up to ${c.longestPollMs} ms)`).join(", ")}.`
          : "";
      out.push({
        rule: "scheduling-delay",
        severity: "warning",
        confidence: ctx.confidence(culpritEvidence.length > 0 || byHistogram ? "high" : "medium"),
        task: describeTask(task, ctx),
        evidence,
        message:
          `${taskLabel(task)} ${what}. A woken task sits in a run queue until a worker thread is free; when workers are held by long polls (or there are too few of them), ready tasks wait and latency grows.` +
          blame,
        help:
          "Fix the long polls that occupy the workers (see blocking-poll findings), move blocking work to spawn_blocking, or give the runtime more worker threads if they are all legitimately busy; a current_thread runtime is starved by any single long poll.",
        related: culprits,
      });
    }
    return out;
  },
};
