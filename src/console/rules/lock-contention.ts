/**
 * lock-contention: tokio Mutex / RwLock / Semaphore resources whose acquire operations wait long or
 * often. Needs resource and async-op data from the gRPC stream (recordings have none).
 */
import { ms } from "../diagnose/task-view.ts";
import type { AsyncOpState, ResourceState } from "../diagnose/timeline.ts";
import type { Diagnosis, RelatedEntity, RuleContext, RuntimeRule } from "../diagnose/types.ts";

const LOCK_TYPES = /^(Mutex|RwLock|Semaphore)$/;

export const lockContention: RuntimeRule = {
  id: "lock-contention",
  severity: "warning",
  summary: "tokio Mutex/RwLock/Semaphore with long or many waiting acquires",
  thresholds: [
    {
      name: "wait",
      unit: "duration",
      default: 50e6,
      why: "an uncontended tokio lock is acquired in microseconds; 50 ms of waiting means a holder keeps it across slow .awaits",
    },
    { name: "min-waits", unit: "count", default: 3, why: "a single slow acquire can be a one-off; three show that tasks queue on this lock" },
  ],
  check(ctx: RuleContext): Diagnosis[] {
    const { timeline } = ctx;
    if (!timeline.sawResources) return [];
    const wait = ctx.threshold("wait");
    const minWaits = ctx.threshold("min-waits");
    const opsByResource = new Map<bigint, AsyncOpState[]>();
    for (const op of timeline.asyncOps.values()) {
      if (op.resourceId === undefined) continue;
      let list = opsByResource.get(op.resourceId);
      if (!list) opsByResource.set(op.resourceId, (list = []));
      list.push(op);
    }
    const out: Diagnosis[] = [];
    for (const resource of timeline.resources.values()) {
      if (resource.isInternal || !LOCK_TYPES.test(resource.concreteType)) continue;
      let ops = opsByResource.get(resource.id) ?? [];
      if (ops.length === 0) {
        const children = [...timeline.resources.values()].filter((r: ResourceState) => r.parentId === resource.id);
        ops = children.flatMap((c) => opsByResource.get(c.id) ?? []);
      }
      const waits = ops
        .filter((op) => !Number.isNaN(op.createdAt))
        .map((op) => ({ op, ns: Math.max(0, (Number.isNaN(op.droppedAt) ? ctx.now : op.droppedAt) - op.createdAt), waiting: Number.isNaN(op.droppedAt) }));
      const long = waits.filter((w) => w.ns >= wait);
      if (long.length < minWaits) continue;
      const tasks = new Map<string, { name: string; waits: number; waitedNs: number }>();
      for (const w of long) {
        if (w.op.taskId === undefined) continue;
        const id = String(w.op.taskId);
        const history = timeline.tasks.find((t) => t.id === w.op.taskId);
        const entry = tasks.get(id) ?? { name: history?.name ?? "", waits: 0, waitedNs: 0 };
        entry.waits++;
        entry.waitedNs += w.ns;
        tasks.set(id, entry);
      }
      const total = long.reduce((n, w) => n + w.ns, 0);
      const max = Math.max(...long.map((w) => w.ns));
      const from = Math.min(...long.map((w) => w.op.createdAt));
      const related: RelatedEntity[] = [...tasks].map(([id, t]) => ({ role: "waiter", kind: "task", id, name: t.name }));
      const where = resource.location ? ` created at ${resource.location}` : "";
      out.push({
        rule: "lock-contention",
        severity: "warning",
        confidence: ctx.confidence("high"),
        task: null,
        evidence: {
          resource: { id: String(resource.id), type: resource.concreteType, location: resource.location, attributes: Object.fromEntries(resource.attributes) },
          acquires: waits.length,
          longWaits: long.length,
          waitingNow: long.filter((w) => w.waiting).length,
          maxWaitMs: ms(max),
          meanLongWaitMs: ms(total / long.length),
          totalWaitMs: ms(total),
          thresholdMs: ms(wait),
          waiters: [...tasks.values()].map((t) => ({ task: t.name, waits: t.waits, waitedMs: ms(t.waitedNs) })),
          window: { from: ctx.iso(from), to: ctx.iso(ctx.now) },
        },
        message:
          `tokio::sync::${resource.concreteType}${where}: ${long.length} of ${waits.length} acquires waited ≥ ${ms(wait)} ms (up to ${ms(max)} ms, ${ms(total)} ms in total)` +
          (tasks.size > 0 ? ` by ${[...tasks.values()].map((t) => `'${t.name || "unnamed"}'`).join(", ")}` : "") +
          ". Waiters are parked in the lock's queue until the holder releases it; when the holder keeps the guard across a slow .await, everyone else waits that long.",
        help:
          "Hold the guard only around the data access: copy what you need and drop the guard before awaiting I/O or timers; split the lock, use a channel to a single owner task, or use std::sync::Mutex for short non-async critical sections.",
        related: [{ role: "lock", kind: "resource", id: String(resource.id), name: resource.concreteType }, ...related],
      });
    }
    return out;
  },
};
