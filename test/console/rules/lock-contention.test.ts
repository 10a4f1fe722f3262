import { describe, expect, it } from "vitest";
import { lockContention } from "../../../src/console/rules/lock-contention.ts";
import type { Timeline } from "../../../src/console/diagnose/timeline.ts";
import { runRule, task, timeline } from "./helpers.ts";

function withLock(tl: Timeline, type: string, waitsMs: number[], opts: { internal?: boolean; viaChild?: boolean } = {}): Timeline {
  tl.sawResources = true;
  const base = { kind: "Sync", location: "src/main.rs:87:17", createdAt: 0, droppedAt: Number.NaN, attributes: new Map<string, string>() };
  tl.resources.set(1n, { id: 1n, concreteType: type, isInternal: opts.internal ?? false, ...base });
  tl.resources.set(2n, { id: 2n, concreteType: "Semaphore", isInternal: true, parentId: 1n, ...base });
  waitsMs.forEach((w, i) => {
    const id = BigInt(100 + i);
    tl.asyncOps.set(id, { id, source: "Mutex::lock", resourceId: opts.viaChild ? 2n : 1n, createdAt: i * 1e9, droppedAt: Number.isNaN(w) ? Number.NaN : i * 1e9 + w * 1e6, taskId: tl.tasks[i % tl.tasks.length]!.id, polls: 2, busyNs: 1000 });
  });
  return tl;
}

describe("lock-contention", () => {
  const tasks = () => [task("mutex-a", [{ at: 1, polls: 3 }]), task("mutex-b", [{ at: 1, polls: 3 }])];

  it("fires on a tokio Mutex whose acquires wait long, naming the waiting tasks", () => {
    const d = runRule(lockContention, withLock(timeline(tasks(), 10_000), "Mutex", [200, 200, 0.01, 180, 201]));
    expect(d).toHaveLength(1);
    expect(d[0]!.evidence).toMatchObject({ acquires: 5, longWaits: 4, maxWaitMs: 201 });
    expect(d[0]!.related.map((r) => r.name)).toEqual(["Mutex", "mutex-a", "mutex-b"]);
  });

  it("counts an acquire still waiting at Update.now, and falls back to the internal semaphore's ops", () => {
    const d = runRule(lockContention, withLock(timeline(tasks(), 10_000), "Semaphore", [Number.NaN, 100, 100], { viaChild: true }));
    expect(d[0]!.evidence).toMatchObject({ waitingNow: 1, longWaits: 3 });
  });

  it("stays quiet for short waits, other resource types, internal resources, and sources without resources", () => {
    expect(runRule(lockContention, withLock(timeline(tasks(), 10_000), "Mutex", [1, 2, 3, 4]))).toEqual([]);
    expect(runRule(lockContention, withLock(timeline(tasks(), 10_000), "Sleep", [500, 500, 500]))).toEqual([]);
    expect(runRule(lockContention, withLock(timeline(tasks(), 10_000), "Mutex", [500, 500, 500], { internal: true }))).toEqual([]);
    expect(runRule(lockContention, timeline(tasks(), 10_000))).toEqual([]);
  });
});
