/**
 * self-wake-spin: a task that mostly wakes itself and is polled very often. Each self-wake puts the task
 * straight back in the run queue, so it burns CPU re-polling something that is not ready (a busy loop
 * in async clothing).
 */
import { describeTask, isBlockingKind, isCompletedAt, ms, taskLabel } from "../diagnose/task-view.ts";
import type { Diagnosis, RuleContext, RuntimeRule } from "../diagnose/types.ts";

export const selfWakeSpin: RuntimeRule = {
  id: "self-wake-spin",
  severity: "warning",
  summary: "task mostly woken by itself, with many polls: it spins instead of waiting",
  thresholds: [
    { name: "ratio", unit: "ratio", default: 0.5, why: "tokio-console's self-wakes lint fires above 50 % of wakes" },
    {
      name: "min-polls",
      unit: "count",
      default: 100,
      why: "healthy code self-wakes now and then (tokio's coop budget running out, a timer re-armed with a past deadline); hundreds of polls are needed before it is a spin",
    },
  ],
  check(ctx: RuleContext): Diagnosis[] {
    const out: Diagnosis[] = [];
    const ratio = ctx.threshold("ratio");
    const minPolls = ctx.threshold("min-polls");
    for (const task of ctx.timeline.tasks) {
      if (isBlockingKind(task)) continue;
      const s = task.samples.at(-1);
      if (!s || s.polls < minPolls || s.wakes === 0) continue;
      const share = s.selfWakes / s.wakes;
      if (share <= ratio) continue;
      const end = isCompletedAt(s) ? s.droppedAt : ctx.now;
      out.push({
        rule: "self-wake-spin",
        severity: "warning",
        confidence: ctx.confidence("high"),
        task: describeTask(task, ctx),
        evidence: {
          selfWakes: s.selfWakes,
          wakes: s.wakes,
          selfWakeShare: Math.round(share * 1000) / 1000,
          polls: s.polls,
          busyMs: ms(s.busyNs),
          meanPollUs: Math.round(s.busyNs / s.polls / 10) / 100,
          window: { from: ctx.iso(s.createdAt), to: ctx.iso(end) },
        },
        message:
          `${taskLabel(task)} woke itself ${s.selfWakes} of ${s.wakes} times and was polled ${s.polls} times. ` +
          "Calling the waker inside poll and returning Pending re-queues the task at once: the runtime keeps polling a future that is not ready, spending CPU and delaying other tasks, instead of sleeping until a real event.",
        help:
          "Register the waker with the thing you are waiting for (a channel, Notify, timer or I/O resource) instead of waking yourself; if you must retry, back off with tokio::time::sleep, and to give other tasks a turn in long work use tokio::task::yield_now().await (not a manual wake).",
        related: [],
      });
    }
    return out;
  },
};
