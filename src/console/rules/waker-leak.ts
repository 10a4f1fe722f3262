/**
 * waker-leak: a task whose live waker count (clones − drops) keeps growing with its polls. Something
 * clones the waker on every poll and never drops the clones: memory grows, and every stale waker can
 * still wake the task.
 */
import { describeTask, isBlockingKind, isCompletedAt, liveWakers, ms, taskLabel } from "../diagnose/task-view.ts";
import type { Diagnosis, RuleContext, RuntimeRule } from "../diagnose/types.ts";

export const wakerLeak: RuntimeRule = {
  id: "waker-leak",
  severity: "warning",
  summary: "live waker count of a task keeps growing with its polls",
  thresholds: [
    {
      name: "min-live",
      unit: "count",
      default: 64,
      why: "a task holds one waker per thing it waits on; even select! over many branches stays far below 64",
    },
    {
      name: "per-poll",
      unit: "ratio",
      default: 0.5,
      why: "at least one extra live waker for every two polls: growth tied to polling, not a one-off burst of registrations",
    },
  ],
  check(ctx: RuleContext): Diagnosis[] {
    const out: Diagnosis[] = [];
    const minLive = ctx.threshold("min-live");
    const perPoll = ctx.threshold("per-poll");
    for (const task of ctx.timeline.tasks) {
      if (isBlockingKind(task)) continue;
      const s = task.samples.at(-1);
      if (!s || isCompletedAt(s)) continue;
      const live = liveWakers(s);
      if (live < minLive || s.polls === 0 || live / s.polls < perPoll) continue;
      // Across samples, the count must not have gone down (a burst that is released is not a leak).
      const series = task.samples.map((x) => liveWakers(x));
      const decreasing = series.some((v, i) => i > 0 && v < series[i - 1]!);
      if (decreasing) continue;
      out.push({
        rule: "waker-leak",
        severity: "warning",
        confidence: ctx.confidence(task.samples.length >= 2 ? "high" : "medium"),
        task: describeTask(task, ctx),
        evidence: {
          liveWakers: live,
          wakerClones: s.wakerClones,
          wakerDrops: s.wakerDrops,
          polls: s.polls,
          liveWakersPerPoll: Math.round((live / s.polls) * 100) / 100,
          liveOverTime: task.samples.map((x) => ({ at: ctx.iso(x.at), live: liveWakers(x), polls: x.polls })),
          window: { from: ctx.iso(s.createdAt), to: ctx.iso(ctx.now) },
          ageMs: ms(ctx.now - s.createdAt),
        },
        message:
          `${taskLabel(task)} holds ${live} live wakers after ${s.polls} polls (${s.wakerClones} clones, ${s.wakerDrops} drops). ` +
          "Each Waker clone keeps a reference to the task; a future that clones cx.waker() on every poll and stores the clone without replacing the old one leaks memory and lets stale registrations wake the task spuriously.",
        help:
          "Store at most one waker per event source and replace it (use futures::task::AtomicWaker, or `if !w.will_wake(cx.waker()) { *w = cx.waker().clone() }`); remove registrations when a future is dropped.",
        related: [],
      });
    }
    return out;
  },
};
