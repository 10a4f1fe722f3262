import { describe, expect, it } from "vitest";
import { TimelineBuilder } from "../../../src/console/diagnose/timeline.ts";
import type { Task, TaskStats, Update } from "../../../src/console/protocol/messages.ts";
import type { SourceItem } from "../../../src/console/source.ts";

const ts = (ms: number) => ({ seconds: 1_795_635_741 + Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const newTask = (id: bigint, name: string): Task => ({ id, kind: 0, fields: [{ strName: "task.name", debugVal: name }, { strName: "kind", debugVal: "task" }], parents: [] });
const stats = (polls: number, extra: Partial<TaskStats> = {}): TaskStats => ({ createdAt: ts(0), wakes: 0, wakerClones: 0, wakerDrops: 0, selfWakes: 0, pollStats: { polls }, ...extra });
function update(ms: number, tasks: Task[], statsUpdate: [bigint, TaskStats][], droppedEvents = 0): SourceItem {
  const u: Update = { now: ts(ms), taskUpdate: { newTasks: tasks, statsUpdate: new Map(statsUpdate), droppedEvents } };
  return { receivedAt: 0, update: u };
}

describe("timeline builder", () => {
  it("keeps one sample per update that changed a task, and sums dropped events", () => {
    const b = new TimelineBuilder();
    b.add(update(0, [newTask(1n, "a")], [[1n, stats(1)]], 2));
    b.add(update(1000, [], [], 3));
    b.add(update(2000, [], [[1n, stats(5)]]));
    const tl = b.timeline;
    expect(tl.updateTimes).toEqual([0, 1e9, 2e9]);
    expect(tl.tasks[0]!.samples.map((s) => [s.at, s.polls])).toEqual([[0, 1], [2e9, 5]]);
    expect(tl.droppedEvents).toBe(5);
    expect(tl.tasks[0]!.name).toBe("a");
  });

  it("a span id reused after its task closed starts a new task; a re-announced live task keeps its history", () => {
    const b = new TimelineBuilder();
    b.add(update(0, [newTask(7n, "first")], [[7n, stats(1, { droppedAt: ts(500) })]]));
    b.add(update(1000, [newTask(7n, "second")], [[7n, stats(2)]]));
    b.add(update(2000, [newTask(7n, "second")], []));
    const keys = b.timeline.tasks.map((t) => [t.key, t.name, t.samples.length]);
    expect(keys).toEqual([["7", "first", 1], ["7@1", "second", 1]]);
  });

  it("a reset item (reconnect to a new process) starts over; the clock going backwards is noticed", () => {
    const b = new TimelineBuilder();
    b.add(update(5000, [newTask(1n, "old")], [[1n, stats(1)]]));
    b.add({ ...update(6000, [newTask(2n, "new")], [[2n, stats(1)]]), reset: true } as SourceItem);
    expect(b.timeline.tasks.map((t) => t.name)).toEqual(["new"]);
    b.add(update(3000, [], []));
    expect(b.timeline.clockWentBackwards).toBe(true);
  });
});
