import { describe, expect, it } from "vitest";
import { lostWaker } from "../../../src/console/rules/lost-waker.ts";
import { runRule, task, timeline } from "./helpers.ts";

const idle = { polls: 1, firstPoll: 1, lastPollStarted: 1, lastPollEnded: 2 };

describe("lost-waker", () => {
  it("fires on a pending task with no waker and no wake, idle across updates", () => {
    const d = runRule(lostWaker, timeline([task("lost", [{ at: 1000, ...idle }])], 5000));
    expect(d).toHaveLength(1);
    expect(d[0]!.task!.name).toBe("lost");
    expect(d[0]!.severity).toBe("error");
    expect(d[0]!.confidence).toBe("high");
    expect(d[0]!.evidence.idleMs).toBe(4998);
    expect(d[0]!.evidence.updatesSeenIdle).toBe(5); // updates at 1000 … 5000 ms
  });

  it("needs the state to persist: not before min-idle, not with fewer than two updates", () => {
    expect(runRule(lostWaker, timeline([task("lost", [{ at: 100, ...idle }])], 500, { every: 100 }))).toHaveLength(0);
    expect(runRule(lostWaker, timeline([task("lost", [{ at: 100, ...idle }])], 3000, { every: 3000 }))).toHaveLength(0);
    expect(runRule(lostWaker, timeline([task("lost", [{ at: 100, ...idle }])], 600, { every: 100 }), ["lost-waker.min-idle=500ms"])).toHaveLength(1);
  });

  it("ignores never-polled, completed, running, blocking and woken tasks, and tasks holding a waker", () => {
    const tasks = [
      task("never-polled", [{ at: 1000 }]),
      task("completed", [{ at: 1000, ...idle, droppedAt: 3 }]),
      task("running", [{ at: 1000, polls: 1, lastPollStarted: 1 }]),
      task("blocking", [{ at: 1000, ...idle }], { kind: "blocking" }),
      task("block_on", [{ at: 1000, ...idle }], { kind: "block_on" }),
      task("woken", [{ at: 1000, ...idle, wakes: 1, lastWake: 3 }]),
      task("holds-waker", [{ at: 1000, ...idle, wakerClones: 1 }]),
    ];
    expect(runRule(lostWaker, timeline(tasks, 5000))).toEqual([]);
  });

  it("lowers confidence when the app dropped events, and for a parent of live children (tokio < 1.35)", () => {
    const dropped = runRule(lostWaker, timeline([task("lost", [{ at: 1000, ...idle }])], 5000, { droppedEvents: 7 }));
    expect(dropped[0]!.confidence).toBe("medium");
    expect(dropped[0]!.evidence.droppedEvents).toBe(7);
    const parent = task("spawner", [{ at: 1000, polls: 1, lastPollStarted: 1, lastPollEnded: 5 }]);
    const child = task("child", [{ at: 1000, createdAt: 3, polls: 1, lastPollStarted: 4, lastPollEnded: 4, wakerClones: 1 }]);
    const d = runRule(lostWaker, timeline([parent, child], 5000));
    expect(d).toHaveLength(1);
    expect(d[0]!.confidence).toBe("low");
    expect(d[0]!.severity).toBe("info"); // most likely a completed spawner: reported, but never fails a check
    expect(d[0]!.related.map((r) => r.name)).toEqual(["child"]);
  });
});
