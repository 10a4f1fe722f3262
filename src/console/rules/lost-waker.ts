/**
 * lost-waker: a task that is pending with no live waker and no wake since its last poll. Nothing in the
 * program holds a way to wake it, so the scheduler will never poll it again; whatever awaits it hangs.
 */
import { describeTask, isBlockingKind, isCompletedAt, isRunning, liveWakers, ms, taskLabel } from "../diagnose/task-view.ts";
import type { Diagnosis, RuleContext, RuntimeRule } from "../diagnose/types.ts";

export const lostWaker: RuntimeRule = {
  id: "lost-waker",
  severity: "error",
  summary: "pending task that nothing can wake: no live waker and no wake since its last poll",
  thresholds: [
    {
      name: "min-idle",
      unit: "duration",
      default: 1e9,
      why: "one publish interval of console-subscriber (1 s): the state must be seen to persist, not caught between a poll returning and a waker being registered",
    },
    {
      name: "min-updates",
      unit: "count",
      default: 2,
      why: "the condition must hold in at least two updates after the last poll, so one late stats message cannot fake it",
    },
  ],
  check(ctx: RuleContext): Diagnosis[] {
    const out: Diagnosis[] = [];
    const { timeline, now } = ctx;
    const minIdle = ctx.threshold("min-idle");
    const minUpdates = ctx.threshold("min-updates");
    for (const task of timeline.tasks) {
      if (isBlockingKind(task)) continue;
      const s = task.samples.at(-1);
      if (!s || isCompletedAt(s) || s.polls < 1 || isRunning(s)) continue;
      if (liveWakers(s) > 0) continue;
      const idleSince = s.lastPollEnded;
      if (Number.isNaN(idleSince)) continue;
      if (!Number.isNaN(s.lastWake) && s.lastWake >= s.lastPollStarted) continue; // woken since its last poll
      const idleNs = now - idleSince;
      if (idleNs < minIdle) continue;
      const updatesSeen = timeline.updateTimes.filter((t) => t > idleSince).length;
      if (updatesSeen < minUpdates) continue;
      const notes: string[] = [];
      let base: "high" | "medium" | "low" = "high";
      if (task.kind === "local") {
        base = "medium";
        notes.push("LocalSet task: tokio-console reports lost wakers on LocalSet tasks that are fine; check whether the LocalSet itself is still polled");
      }
      // tokio < 1.35: a completed task whose span has live child spans (tasks it spawned) is never closed.
      const children = timeline.tasks.filter((other) => {
        if (other === task) return false;
        const first = other.samples[0];
        const last = other.samples.at(-1);
        if (!first || !last || !Number.isNaN(last.droppedAt)) return false;
        return first.createdAt >= s.lastPollStarted && first.createdAt <= s.lastPollEnded;
      });
      let severity: "error" | "info" = "error";
      if (children.length > 0) {
        base = "low";
        severity = "info";
        notes.push(
          `it spawned ${children.length} task(s) that are still alive during its last poll: on tokio < 1.35 a task that already completed stays open while its children live, which looks exactly like this`,
        );
      }
      if (timeline.droppedEvents > 0) notes.push("the app dropped instrumentation events, so a waker clone may be missing from the counts");
      out.push({
        rule: "lost-waker",
        severity,
        confidence: ctx.confidence(base),
        task: describeTask(task, ctx),
        evidence: {
          polls: s.polls,
          wakes: s.wakes,
          wakerClones: s.wakerClones,
          wakerDrops: s.wakerDrops,
          liveWakers: 0,
          idleSince: ctx.iso(idleSince),
          idleMs: ms(idleNs),
          updatesSeenIdle: updatesSeen,
          window: { from: ctx.iso(idleSince), to: ctx.iso(now) },
          ...(notes.length > 0 ? { notes } : {}),
        },
        message:
          (severity === "info"
            ? `${taskLabel(task)} looks pending with no waker, but it is most likely a task that already completed: tokio < 1.35 keeps a task's span open while tasks it spawned are alive. Only if it really is still pending: `
            : "") +
          `${taskLabel(task)} returned Pending ${ms(idleNs)} ms ago and holds no waker (${s.wakerClones} clones, ${s.wakerDrops} drops) and nothing woke it since. ` +
          "A task is polled again only when something calls its Waker; with no waker alive the scheduler will never run it again, so it hangs forever and whatever awaits it hangs too.",
        help:
          "A future that returns Poll::Pending must first arrange a wake-up: store cx.waker().clone() where the event source will call wake(), or poll an inner future/resource that registers it. " +
          "Look for hand-written poll functions, `Pending` returned on an error path, or a waker replaced without keeping the new one.",
        related: children.slice(0, 5).map((c) => ({ role: "live-child", kind: "task", id: String(c.id), name: c.name })),
      });
    }
    return out;
  },
};
