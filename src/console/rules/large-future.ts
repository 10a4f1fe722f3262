/**
 * large-future: a task whose future is large (field `size.bytes`, tokio ≥ 1.41). Spawning copies the
 * whole future into the task's heap cell, and large futures cost memory per task and memcpy per move.
 */
import { describeTask, isBlockingKind, taskLabel } from "../diagnose/task-view.ts";
import type { Diagnosis, RuleContext, RuntimeRule } from "../diagnose/types.ts";

export function sizeField(fields: Map<string, string>, name: string): number | undefined {
  const raw = fields.get(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

export const largeFuture: RuntimeRule = {
  id: "large-future",
  severity: "warning",
  summary: "spawned future is large (size.bytes, tokio ≥ 1.41)",
  thresholds: [{ name: "threshold", unit: "bytes", default: 1024, why: "tokio-console's large-future default (1024 bytes)" }],
  check(ctx: RuleContext): Diagnosis[] {
    const threshold = ctx.threshold("threshold");
    const out: Diagnosis[] = [];
    for (const task of ctx.timeline.tasks) {
      if (isBlockingKind(task)) continue;
      const size = sizeField(task.fields, "size.bytes");
      if (size === undefined || size < threshold) continue;
      const original = sizeField(task.fields, "original_size.bytes");
      out.push({
        rule: "large-future",
        severity: "warning",
        confidence: ctx.confidence("high"),
        task: describeTask(task, ctx),
        evidence: { sizeBytes: size, ...(original !== undefined ? { originalSizeBytes: original } : {}), thresholdBytes: threshold, window: { from: ctx.iso(task.announcedAt), to: ctx.iso(task.announcedAt) } },
        message:
          `${taskLabel(task)} is a ${size}-byte future (threshold ${threshold}). An async fn's future holds every local that lives across an .await; spawning stores it in the task's allocation and moving it copies all of it.`,
        help: "Box large locals or buffers (Vec/Box instead of arrays), shrink state kept across .await points, or Box::pin the inner future you await.",
        related: [],
      });
    }
    return out;
  },
};
