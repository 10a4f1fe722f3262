/**
 * auto-boxed-future: tokio (≥ 1.41) boxed the future because it was larger than its limit; the task's
 * `size.bytes` (the box) differs from `original_size.bytes` (the future).
 */
import { describeTask, isBlockingKind, taskLabel } from "../diagnose/task-view.ts";
import type { Diagnosis, RuleContext, RuntimeRule } from "../diagnose/types.ts";
import { sizeField } from "./large-future.ts";

export const autoBoxedFuture: RuntimeRule = {
  id: "auto-boxed-future",
  severity: "warning",
  summary: "tokio boxed the spawned future because it was too large (size.bytes ≠ original_size.bytes)",
  thresholds: [],
  check(ctx: RuleContext): Diagnosis[] {
    const out: Diagnosis[] = [];
    for (const task of ctx.timeline.tasks) {
      if (isBlockingKind(task)) continue;
      const size = sizeField(task.fields, "size.bytes");
      const original = sizeField(task.fields, "original_size.bytes");
      if (size === undefined || original === undefined || size === original) continue;
      out.push({
        rule: "auto-boxed-future",
        severity: "warning",
        confidence: ctx.confidence("high"),
        task: describeTask(task, ctx),
        evidence: { sizeBytes: size, originalSizeBytes: original, window: { from: ctx.iso(task.announcedAt), to: ctx.iso(task.announcedAt) } },
        message:
          `${taskLabel(task)}'s future was ${original} bytes, so tokio moved it to the heap (the task stores a ${size}-byte box). The future is large enough that tokio boxes it automatically, costing an extra allocation per spawn.`,
        help: "Shrink the future (box big locals, keep less state across .await) or Box::pin it yourself where it is created.",
        related: [],
      });
    }
    return out;
  },
};
