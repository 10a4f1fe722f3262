import { describe, expect, it } from "vitest";
import { selfWakeSpin } from "../../../src/console/rules/self-wake-spin.ts";
import { runRule, task, timeline } from "./helpers.ts";

describe("self-wake-spin", () => {
  it("fires when most wakes are self-wakes over many polls (kitchen-sink's self-waker numbers)", () => {
    const t = task("self-waker", [{ at: 4000, polls: 1005, wakes: 1004, selfWakes: 1000, busyNs: 0.9, droppedAt: 4008 }]);
    const d = runRule(selfWakeSpin, timeline([t], 5000));
    expect(d).toHaveLength(1);
    expect(d[0]!.evidence.selfWakeShare).toBe(0.996);
  });

  it("does not fire at exactly 50 %, with few polls, with no wakes, or for blocking tasks", () => {
    const tasks = [
      task("half", [{ at: 1000, polls: 400, wakes: 400, selfWakes: 200 }]),
      task("coop-budget", [{ at: 1000, polls: 20, wakes: 19, selfWakes: 19 }]),
      task("never-woken", [{ at: 1000, polls: 500, wakes: 0 }]),
      task("blocking", [{ at: 1000, polls: 500, wakes: 500, selfWakes: 500 }], { kind: "blocking" }),
      task("never-polled", [{ at: 1000 }]),
    ];
    expect(runRule(selfWakeSpin, timeline(tasks, 2000))).toEqual([]);
  });

  it("thresholds are configurable (ratio as % or fraction)", () => {
    const tl = timeline([task("half", [{ at: 1000, polls: 400, wakes: 400, selfWakes: 200 }])], 2000);
    expect(runRule(selfWakeSpin, tl, ["self-wake-spin.ratio=40%"])).toHaveLength(1);
    expect(runRule(selfWakeSpin, tl, ["self-wake-spin.ratio=0.4", "self-wake-spin.min-polls=500"])).toHaveLength(0);
  });
});
