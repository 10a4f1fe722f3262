import { describe, expect, it } from "vitest";
import { taskLeak } from "../../../src/console/rules/task-leak.ts";
import type { TaskHistory } from "../../../src/console/diagnose/timeline.ts";
import { runRule, task, timeline } from "./helpers.ts";

function spawnEvery(name: string, count: number, everyMs: number, lifeMs?: number, extra: Partial<TaskHistory> = {}): TaskHistory[] {
  return Array.from({ length: count }, (_, i) => {
    const created = i * everyMs;
    return task(name, [{ at: created + 1, createdAt: created, polls: 1, lastPollStarted: created, lastPollEnded: created, wakerClones: 1, droppedAt: lifeMs === undefined ? undefined : created + lifeMs }], extra);
  });
}

describe("task-leak", () => {
  it("fires when live tasks of one name grow and never complete", () => {
    const d = runRule(taskLeak, timeline(spawnEvery("handler", 150, 10), 2000, { every: 100 }));
    expect(d).toHaveLength(1);
    expect(d[0]!.task!.name).toBe("handler");
    expect(d[0]!.evidence).toMatchObject({ group: "name 'handler'", liveTasks: 150, spawned: 150, completed: 0 });
  });

  it("groups by spawn location when known", () => {
    const d = runRule(taskLeak, timeline(spawnEvery("", 120, 10, undefined, { location: "src/server.rs:40:9" }), 2000));
    expect(d[0]!.evidence.group).toBe("location src/server.rs:40:9");
  });

  it("does not fire for a burst that completes, short-lived churn, small groups, or blocking tasks", () => {
    expect(runRule(taskLeak, timeline(spawnEvery("", 200, 0.5, 100), 3000))).toEqual([]);
    expect(runRule(taskLeak, timeline(spawnEvery("conn", 300, 10, 50), 3000))).toEqual([]);
    expect(runRule(taskLeak, timeline(spawnEvery("pool", 50, 10), 3000))).toEqual([]);
    expect(runRule(taskLeak, timeline(spawnEvery("io", 150, 10, undefined, { kind: "blocking" }), 3000))).toEqual([]);
  });

  it("needs growth over min-window and respects min-live", () => {
    expect(runRule(taskLeak, timeline(spawnEvery("fast", 150, 1), 500))).toEqual([]);
    expect(runRule(taskLeak, timeline(spawnEvery("h", 60, 20), 2000), ["task-leak.min-live=50"])).toHaveLength(1);
  });
});
