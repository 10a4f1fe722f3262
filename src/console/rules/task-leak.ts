/**
 * task-leak: the number of live tasks from one spawn location (or with one name) keeps growing and they
 * do not complete. Each leaked task keeps its future (and everything it captured) in memory.
 */
import { describeTask, isBlockingKind, ms } from "../diagnose/task-view.ts";
import type { TaskHistory } from "../diagnose/timeline.ts";
import type { Diagnosis, RuleContext, RuntimeRule } from "../diagnose/types.ts";

const SAMPLES = 8;

function lifetime(task: TaskHistory): [number, number] {
  const first = task.samples[0];
  const last = task.samples.at(-1);
  const created = first && !Number.isNaN(first.createdAt) ? first.createdAt : task.announcedAt;
  const dropped = last ? last.droppedAt : Number.NaN;
  return [created, dropped];
}

export const taskLeak: RuntimeRule = {
  id: "task-leak",
  severity: "warning",
  summary: "live tasks from one spawn site keep growing and do not complete",
  thresholds: [
    {
      name: "min-live",
      unit: "count",
      default: 100,
      why: "fewer live tasks from one site are normal (a worker pool, open connections); a leak that matters reaches hundreds",
    },
    { name: "min-window", unit: "duration", default: 1e9, why: "growth must be seen over at least one publish interval (1 s)" },
    {
      name: "max-completed-share",
      unit: "ratio",
      default: 0.25,
      why: "a group where more than a quarter of the tasks spawned in the window completed is churning, not leaking",
    },
  ],
  check(ctx: RuleContext): Diagnosis[] {
    const minLive = ctx.threshold("min-live");
    const minWindow = ctx.threshold("min-window");
    const maxCompleted = ctx.threshold("max-completed-share");
    const groups = new Map<string, TaskHistory[]>();
    for (const task of ctx.timeline.tasks) {
      if (isBlockingKind(task)) continue;
      const key = task.location ? `location ${task.location}` : task.name ? `name '${task.name}'` : "unnamed tasks (no spawn location in this source)";
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push(task);
    }
    const out: Diagnosis[] = [];
    for (const [key, tasks] of groups) {
      if (tasks.length < minLive) continue;
      const spans = tasks.map(lifetime);
      const start = Math.min(...spans.map(([c]) => c));
      const end = ctx.now;
      if (!(end - start >= minWindow)) continue;
      const liveAt = (t: number) => spans.filter(([c, d]) => c <= t && (Number.isNaN(d) || d > t)).length;
      const series = Array.from({ length: SAMPLES }, (_, i) => start + ((end - start) * (i + 1)) / SAMPLES).map((t) => ({ t, live: liveAt(t) }));
      const liveEnd = series.at(-1)!.live;
      if (liveEnd < minLive) continue;
      const rises = series.slice(1).filter((p, i) => p.live >= series[i]!.live).length;
      if (rises < SAMPLES - 2 || liveEnd <= series[0]!.live) continue;
      const spawned = spans.length;
      const completed = spans.filter(([, d]) => !Number.isNaN(d)).length;
      if (completed / spawned > maxCompleted) continue;
      const oldestLive = tasks.filter((_, i) => Number.isNaN(spans[i]![1])).sort((a, b) => lifetime(a)[0] - lifetime(b)[0]);
      out.push({
        rule: "task-leak",
        severity: "warning",
        confidence: ctx.confidence(completed === 0 ? "high" : "medium"),
        task: oldestLive[0] ? describeTask(oldestLive[0], ctx) : null,
        evidence: {
          group: key,
          liveTasks: liveEnd,
          spawned,
          completed,
          liveOverTime: series.map((p) => ({ at: ctx.iso(p.t), live: p.live })),
          oldestLiveAgeMs: oldestLive[0] ? ms(end - lifetime(oldestLive[0])[0]) : 0,
          window: { from: ctx.iso(start), to: ctx.iso(end) },
        },
        message:
          `Live tasks from ${key} grew to ${liveEnd} over ${ms(end - start)} ms; ${completed} of ${spawned} completed. ` +
          "A spawned task lives until its future completes or is aborted; tasks that wait for something that never happens accumulate, each holding its future's state, and the runtime keeps tracking them.",
        help:
          "Make sure every spawned task can finish: give waits a timeout (tokio::time::timeout), close or drop the channel/sender they wait on, keep the JoinHandle and abort() it on shutdown, or bound concurrency with a JoinSet/Semaphore.",
        related: oldestLive.slice(0, 5).map((t) => ({ role: "oldest-live", kind: "task", id: String(t.id), name: t.name })),
      });
    }
    return out;
  },
};
