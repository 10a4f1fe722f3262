import { describe, expect, it } from "vitest";
import { schedulingDelay } from "../../../src/console/rules/scheduling-delay.ts";
import { runRule, task, timeline } from "./helpers.ts";

describe("scheduling-delay", () => {
  it("fires on a long mean wake-to-poll wait and names the task with long polls as the likely culprit", () => {
    const victim = task("victim", [{ at: 900, polls: 7, wakes: 6, scheduledNs: 900, lastPollStarted: 890, lastPollEnded: 890.1, lastWake: 740 }]);
    const hog = task("hog", [{ at: 900, polls: 7, busyNs: 900, lastPollStarted: 740, lastPollEnded: 890 }]);
    const bystander = task("quick", [{ at: 900, polls: 3, busyNs: 0.1, lastPollStarted: 10, lastPollEnded: 10.01 }]);
    const d = runRule(schedulingDelay, timeline([victim, hog, bystander], 1000, { every: 100 }));
    expect(d.map((x) => x.task!.name)).toEqual(["victim"]);
    expect(d[0]!.evidence.meanWakeToPollMs).toBe(150);
    expect(d[0]!.related.map((r) => r.name)).toEqual(["hog"]);
  });

  it("fires for a task woken and still not polled for longer than `stuck`, even without scheduled_time", () => {
    const t = task("starved", [{ at: 500, polls: 2, wakes: 2, lastPollStarted: 100, lastPollEnded: 101, lastWake: 200 }]);
    const d = runRule(schedulingDelay, timeline([t], 1500));
    expect(d[0]!.evidence.waitingNowMs).toBe(1300);
  });

  it("needs min-wakes; ignores sources without scheduled_time, completed and blocking tasks; runtime workers are never culprits", () => {
    const tasks = [
      task("two-wakes", [{ at: 900, polls: 3, wakes: 2, scheduledNs: 400 }]),
      task("old-api", [{ at: 900, polls: 30, wakes: 29, lastWake: 10, lastPollStarted: 20, lastPollEnded: 21 }]),
      task("done-waiting", [{ at: 900, polls: 2, wakes: 1, lastWake: 10, lastPollStarted: 5, lastPollEnded: 6, droppedAt: 20 }]),
      task("pool", [{ at: 900, polls: 9, wakes: 9, scheduledNs: 9000 }], { kind: "blocking" }),
    ];
    expect(runRule(schedulingDelay, timeline(tasks, 3000))).toEqual([]);
    const victim = task("victim", [{ at: 900, polls: 7, wakes: 6, scheduledNs: 900 }]);
    const worker = task("", [{ at: 900, polls: 1, lastPollStarted: 0 }], { kind: "blocking", fields: new Map([["fn", "multi_thread::worker::Launch::launch"]]) });
    const main = task("", [{ at: 900, polls: 3, busyNs: 800, lastPollStarted: 0, lastPollEnded: 800 }], { kind: "block_on" });
    expect(runRule(schedulingDelay, timeline([victim, worker, main], 1000))[0]!.related).toEqual([]);
  });
});
