import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/cli/errors.ts";
import { parseDurationNs, parseTaskFilter } from "../../../src/console/snapshot/filter.ts";
import type { TaskRow } from "../../../src/console/snapshot/task-columns.ts";

const row = (over: Partial<TaskRow>): TaskRow =>
  ({
    id: "9",
    tokioId: "11",
    name: "blocker",
    state: "idle",
    kind: "task",
    location: "src/main.rs:3:1",
    target: "tokio::task",
    totalNs: 3e9,
    busyNs: 0.9e9,
    scheduledNs: Number.NaN,
    idleNs: 2.1e9,
    polls: 4,
    wakes: 3,
    selfWakes: 0,
    wakerClones: 6,
    wakerDrops: 6,
    liveWakers: 0,
    fields: { fn: "my::closure" },
    task: {} as TaskRow["task"],
    ...over,
  }) as TaskRow;

describe("--filter language", () => {
  it.each([
    ["name~blocker", true],
    ["name~BLOCK", true],
    ["name!~block", false],
    ["name=blocker", true],
    ["name=block", false],
    ["name~/^bl.*er$/", true],
    ["state=idle", true],
    ["state!=idle", false],
    ["state=done", false],
    ["polls>3", true],
    ["polls>4", false],
    ["polls>=4", true],
    ["polls<=3", false],
    ["kind!=blocking", true],
    ["busy>500ms", true],
    ["busy>1s", false],
    ["sched>0", false],
    ["id=9", true],
    ["id>18446744073709551614", false],
    ["tid<12", true],
    ["field.fn~closure", true],
    ["field.missing=x", false],
    ["polls>3,state=idle", true],
    ["polls>3 && state=done", false],
    ["polls>3 and kind=task", true],
    ['location="src/main.rs:3:1"', true],
    ["wakers=0", true],
    ["self_wakes>0", false],
  ])("%s → %s", (expr, expected) => {
    expect(parseTaskFilter(expr)(row({}))).toBe(expected);
  });

  it("compares ids above 2^53 exactly", () => {
    const big = row({ id: "695806417306648600" });
    expect(parseTaskFilter("id=695806417306648600")(big)).toBe(true);
    expect(parseTaskFilter("id=695806417306648601")(big)).toBe(false);
  });

  it.each(["", "polls", "polls>>3", "nosuch=1", "state=sleeping", "busy>5", "busy>5parsecs", "name>3", "polls~3", "name~/(/"])("rejects %j with a UsageError", (expr) => {
    expect(() => parseTaskFilter(expr)).toThrow(UsageError);
  });

  it("parses duration units", () => {
    expect(parseDurationNs("1.5s")).toBe(1.5e9);
    expect(parseDurationNs("250us")).toBe(250e3);
    expect(parseDurationNs("250µs")).toBe(250e3);
    expect(parseDurationNs("2m")).toBe(120e9);
  });
});
