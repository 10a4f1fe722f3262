/**
 * never-yielded: a task inside its first poll for longer than the threshold. It has not reached a single
 * `.await` that returned Pending since it started, so it holds a worker thread the whole time.
 */
import { currentPollNs, describeTask, isBlockingKind, isCompletedAt, isRunning, ms, taskLabel } from "../diagnose/task-view.ts";
import type { Diagnosis, RuleContext, RuntimeRule } from "../diagnose/types.ts";

export const neverYielded: RuntimeRule = {
  id: "never-yielded",
  severity: "error",
  summary: "task still in its first poll after the threshold: it never yielded to the scheduler",
  thresholds: [
    {
      name: "threshold",
      unit: "duration",
      default: 1e9,
      why: "tokio-console's never-yielded default (1 s); unlike tokio-console it is measured on the app's clock (Update.now)",
    },
  ],
  check(ctx: RuleContext): Diagnosis[] {
    const out: Diagnosis[] = [];
    const threshold = ctx.threshold("threshold");
    for (const task of ctx.timeline.tasks) {
      if (isBlockingKind(task)) continue;
      const s = task.samples.at(-1);
      if (!s || isCompletedAt(s) || !isRunning(s) || s.polls > 1) continue;
      const running = currentPollNs(s, ctx.now);
      if (running < threshold) continue;
      out.push({
        rule: "never-yielded",
        severity: "error",
        confidence: ctx.confidence("high"),
        task: describeTask(task, ctx),
        evidence: {
          polls: s.polls,
          pollStarted: ctx.iso(s.lastPollStarted),
          runningMs: ms(running),
          thresholdMs: ms(threshold),
          window: { from: ctx.iso(s.lastPollStarted), to: ctx.iso(ctx.now) },
        },
        message:
          `${taskLabel(task)} has been inside its first poll for ${ms(running)} ms without returning. ` +
          "A tokio worker runs one task at a time and only switches at an .await that returns Pending; this task has not yielded once, so its worker thread (and every task queued on it) is stuck behind it.",
        help:
          "Move CPU-heavy or blocking work to tokio::task::spawn_blocking (or rayon), or break long loops with tokio::task::yield_now().await; replace std::thread::sleep, std::sync locks and blocking I/O with their async versions.",
        related: [],
      });
    }
    return out;
  },
};
