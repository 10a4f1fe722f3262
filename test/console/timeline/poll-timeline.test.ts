/**
 * The poll timeline of a real recording (kitchen-sink, console-subscriber 0.1.8) against an independent
 * line-by-line reading of the same file (test/console/programs/raw-recording.ts) and the numbers the
 * fixture's README states.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { readPollTimeline } from "../../../src/console/timeline/poll-collector.ts";
import { firstPollEndingAfter, type PollTimeline } from "../../../src/console/timeline/poll-timeline.ts";
import { pollUtilisation } from "../../../src/console/timeline/utilisation.ts";
import { parseRawLines, rawTasks, type RawTask } from "../programs/raw-recording.ts";
import { sharedFixture } from "../../support/shared.ts";

const file = sharedFixture("console", "kitchen-sink.recording.jsonl");
let timeline: PollTimeline;
let raw: RawTask[];
let anchor: number;

beforeAll(async () => {
  timeline = await readPollTimeline(file);
  const { events } = parseRawLines(readFileSync(file, "utf8"));
  raw = rawTasks(events).tasks;
  anchor = Math.floor(Math.min(...events.map((e) => e.at)));
});

const rel = (seconds: number) => seconds - anchor;

describe("poll timeline of a recording", () => {
  it("has every task with its polls, as the raw Enter/Exit lines give them", () => {
    expect(timeline.tasks).toHaveLength(raw.length);
    expect(timeline.tasks).toHaveLength(212);
    for (const [i, r] of raw.entries()) {
      const t = timeline.tasks[i]!;
      expect(t.id).toBe(r.id);
      expect(t.name).toBe(r.name);
      expect(t.pollCount, r.name || r.id).toBe(r.polls.length);
      for (let p = 0; p < r.polls.length; p++) {
        // Raw times are float seconds: compare to the microsecond.
        expect(timeline.pollStarts[t.pollOffset + p]! / 1e9).toBeCloseTo(rel(r.polls[p]![0]), 5);
        const end = r.polls[p]![1];
        if (Number.isNaN(end)) expect(Number.isNaN(timeline.pollEnds[t.pollOffset + p]!)).toBe(true);
        else expect(timeline.pollEnds[t.pollOffset + p]! / 1e9).toBeCloseTo(rel(end), 5);
      }
    }
    const byName = (name: string) => timeline.tasks.find((t) => t.name === name)!;
    // kitchen-sink.md: blocker 4 polls, self-waker 1005, ticker 45; two worker threads.
    expect(byName("blocker").pollCount).toBe(4);
    expect(byName("self-waker").pollCount).toBe(1005);
    expect(byName("ticker").pollCount).toBe(45);
    expect(timeline.workers).toBe(2);
  });

  it("has every wake in time order, self-wakes credited to the wakee, no blocking or internal task as waker", () => {
    const wakes = raw.reduce((n, r) => n + r.wakes.length, 0);
    expect(timeline.wakes.at).toHaveLength(wakes);
    const selfWakes = raw.reduce((n, r) => n + r.wakes.filter((w) => w.self).length, 0);
    let self = 0;
    for (let k = 0; k < wakes; k++) {
      if (k > 0) expect(timeline.wakes.at[k]!).toBeGreaterThanOrEqual(timeline.wakes.at[k - 1]!);
      if (timeline.wakes.selfWake[k]) {
        self++;
        expect(timeline.wakes.waker[k]).toBe(timeline.wakes.wakee[k]);
      } else if (timeline.wakes.waker[k]! >= 0) {
        const waker = timeline.tasks[timeline.wakes.waker[k]!]!;
        expect(waker.kind).not.toBe("blocking");
        expect(waker.runtimeInternal).toBe(false);
        // The waker was inside a poll at that moment.
        const i = firstPollEndingAfter(timeline, waker, timeline.wakes.at[k]!);
        expect(timeline.pollStarts[i]!).toBeLessThanOrEqual(timeline.wakes.at[k]!);
      }
    }
    expect(self).toBe(selfWakes);
    expect(self).toBe(1000); // kitchen-sink.md: the self-waker's 1000 self-wakes
  });

  it("utilisation adds up to the async tasks' poll time", () => {
    const u = pollUtilisation(timeline, timeline.start, timeline.end, 250);
    const busy = u.busyWorkers.reduce((sum, b) => sum + b * u.bucketNs, 0);
    let expected = 0;
    for (const t of timeline.tasks) {
      if (t.runtimeInternal || t.kind === "blocking") continue;
      for (let i = t.pollOffset; i < t.pollOffset + t.pollCount; i++) {
        const end = Number.isNaN(timeline.pollEnds[i]!) ? timeline.end : timeline.pollEnds[i]!;
        expected += end - timeline.pollStarts[i]!;
      }
    }
    expect(Math.abs(busy - expected) / expected).toBeLessThan(1e-9);
    // The blocker's three 300 ms polls: some bucket has a worker fully busy.
    expect(Math.max(...u.busyWorkers)).toBeGreaterThan(0.9);
    expect(u.workers).toBe(2);
  });
});
