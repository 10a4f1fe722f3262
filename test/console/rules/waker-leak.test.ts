import { describe, expect, it } from "vitest";
import { wakerLeak } from "../../../src/console/rules/waker-leak.ts";
import { runRule, task, timeline } from "./helpers.ts";

describe("waker-leak", () => {
  it("fires when live wakers grow with polls across samples", () => {
    const t = task("hoarder", [
      { at: 500, polls: 50, wakerClones: 150, wakerDrops: 100 },
      { at: 1000, polls: 100, wakerClones: 300, wakerDrops: 200 },
    ]);
    const d = runRule(wakerLeak, timeline([t], 1000));
    expect(d).toHaveLength(1);
    expect(d[0]!.evidence).toMatchObject({ liveWakers: 100, liveWakersPerPoll: 1 });
  });

  it("does not fire when the count went down, for few wakers, completed or blocking tasks", () => {
    const tasks = [
      task("released", [
        { at: 500, polls: 50, wakerClones: 200, wakerDrops: 20 },
        { at: 1000, polls: 100, wakerClones: 300, wakerDrops: 200 },
      ]),
      task("normal", [{ at: 1000, polls: 1000, wakerClones: 2000, wakerDrops: 1998 }]),
      task("select", [{ at: 1000, polls: 10, wakerClones: 12, wakerDrops: 0 }]),
      task("done", [{ at: 1000, polls: 100, wakerClones: 300, wakerDrops: 100, droppedAt: 900 }]),
      task("blocking", [{ at: 1000, polls: 100, wakerClones: 300, wakerDrops: 100 }], { kind: "blocking" }),
      task("never-polled", [{ at: 1000, wakerClones: 100 }]),
    ];
    expect(runRule(wakerLeak, timeline(tasks, 1000))).toEqual([]);
  });

  it("drops saturate: more drops than clones (lost events) is not negative live wakers", () => {
    const d = runRule(wakerLeak, timeline([task("odd", [{ at: 1000, polls: 100, wakerClones: 10, wakerDrops: 500 }])], 1000, { droppedEvents: 9 }));
    expect(d).toEqual([]);
  });
});
