import { describe, expect, it } from "vitest";
import { blockingPoll } from "../../../src/console/rules/blocking-poll.ts";
import { runRule, task, timeline } from "./helpers.ts";

describe("blocking-poll", () => {
  it("reads an exact poll from one sample (start and end both present)", () => {
    const t = task("blocker", [{ at: 1000, polls: 2, busyNs: 301, lastPollStarted: 100, lastPollEnded: 400 }]);
    const d = runRule(blockingPoll, timeline([t], 2000));
    expect(d).toHaveLength(1);
    expect(d[0]!.evidence.longestPollMs).toBe(300);
    expect(d[0]!.evidence.longestPollFrom).toBe("exact poll");
  });

  it("uses busy time per poll between samples as a lower bound", () => {
    const t = task("blocker", [
      { at: 1000, polls: 1, busyNs: 1, lastPollStarted: 10, lastPollEnded: 11 },
      { at: 2000, polls: 3, busyNs: 401, lastPollStarted: 1500, lastPollEnded: 1500.01 },
    ]);
    const d = runRule(blockingPoll, timeline([t], 2000));
    expect(d).toHaveLength(1);
    expect(d[0]!.evidence.longestPollMs).toBe(200);
    expect(d[0]!.confidence).toBe("medium");
  });

  it("counts a long poll that is running now (after the first poll), computed from Update.now", () => {
    const t = task("stuck", [{ at: 1000, polls: 5, busyNs: 1, lastPollStarted: 1800, lastPollEnded: 900 }]);
    const d = runRule(blockingPoll, timeline([t], 2000));
    expect(d[0]!.evidence.runningNowMs).toBe(200);
  });

  it("ignores blocking tasks, never-polled tasks, a running first poll (never-yielded's case) and short polls", () => {
    const tasks = [
      task("blocking-job", [{ at: 3000, polls: 1, busyNs: 2000, lastPollStarted: 0, lastPollEnded: 2000 }], { kind: "blocking" }),
      task("never-polled", [{ at: 1000 }]),
      task("first-poll", [{ at: 1000, polls: 1, lastPollStarted: 0 }]),
      task("quick", [{ at: 1000, polls: 100, busyNs: 5, lastPollStarted: 10, lastPollEnded: 10.1 }]),
    ];
    expect(runRule(blockingPoll, timeline(tasks, 3000))).toEqual([]);
  });

  it("completed tasks keep their evidence; the window ends at dropped_at", () => {
    const t = task("done", [{ at: 1000, polls: 2, busyNs: 300, lastPollStarted: 100, lastPollEnded: 400, droppedAt: 400 }]);
    const d = runRule(blockingPoll, timeline([t], 5000));
    expect((d[0]!.evidence.window as { to: string }).to).toBe("2026-11-25T19:42:21.400000000Z");
  });

  it("uses the poll histogram (max, p99) when TaskDetails were seen; dropped events lower confidence", () => {
    const t = task("h", [{ at: 1000, polls: 4, busyNs: 4 }]);
    t.pollHistogram = {
      count: 4,
      min: 15_000,
      max: 301_989_887,
      mean: 2e8,
      percentiles: { 10: 15_000, 25: 15_000, 50: 300e6, 75: 300e6, 90: 300e6, 95: 300e6, 99: 301_989_887 },
      buckets: [
        { low: 15_000, high: 15_100, count: 1 },
        { low: 299_892_736, high: 301_989_887, count: 3 },
      ],
      maxValue: 1e9,
      highOutliers: 0,
    };
    const d = runRule(blockingPoll, timeline([t], 2000, { droppedEvents: 3 }));
    expect(d[0]!.evidence.histogram).toEqual({ polls: 4, maxMs: 301.99, p99Ms: 301.99, pollsAboveThreshold: 3 });
    expect(d[0]!.confidence).toBe("medium");
  });
});
