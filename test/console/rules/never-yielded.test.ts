import { describe, expect, it } from "vitest";
import { neverYielded } from "../../../src/console/rules/never-yielded.ts";
import { runRule, task, timeline } from "./helpers.ts";

describe("never-yielded", () => {
  it("fires when the first poll has run longer than 1 s at Update.now", () => {
    const d = runRule(neverYielded, timeline([task("spin", [{ at: 100, polls: 1, firstPoll: 50, lastPollStarted: 50 }])], 1500));
    expect(d).toHaveLength(1);
    expect(d[0]!.evidence.runningMs).toBe(1450);
  });

  it("does not fire below the threshold, after a yield, when completed, or for blocking kinds", () => {
    const tasks = [
      task("short", [{ at: 100, polls: 1, lastPollStarted: 900 }]),
      task("yielded", [{ at: 100, polls: 2, lastPollStarted: 50, lastPollEnded: 40 }]),
      task("done", [{ at: 100, polls: 1, lastPollStarted: 50, droppedAt: 60 }]),
      task("worker", [{ at: 100, polls: 1, lastPollStarted: 0 }], { kind: "blocking", fields: new Map([["fn", "tokio::runtime::scheduler::multi_thread::worker::Launch::launch::{{closure}}"]]) }),
      task("main", [{ at: 100, polls: 1, lastPollStarted: 0 }], { kind: "block_on" }),
      task("never-polled", [{ at: 100 }]),
    ];
    expect(runRule(neverYielded, timeline(tasks, 1500))).toEqual([]);
  });

  it("clock skew: a poll that starts after the app's now counts as 0, not negative or huge", () => {
    expect(runRule(neverYielded, timeline([task("skewed", [{ at: 100, polls: 1, lastPollStarted: 5000 }])], 1500))).toEqual([]);
  });

  it("threshold is configurable", () => {
    const tl = timeline([task("spin", [{ at: 100, polls: 1, lastPollStarted: 1000 }])], 1500);
    expect(runRule(neverYielded, tl)).toHaveLength(0);
    expect(runRule(neverYielded, tl, ["never-yielded.threshold=400ms"])).toHaveLength(1);
  });

  it("lowers confidence when the app's clock went backwards between updates", () => {
    const d = runRule(neverYielded, timeline([task("spin", [{ at: 100, polls: 1, lastPollStarted: 50 }])], 1500, { clockWentBackwards: true }));
    expect(d[0]!.confidence).toBe("medium");
    expect(d[0]!.evidence.clockWentBackwards).toBe(true);
  });
});
