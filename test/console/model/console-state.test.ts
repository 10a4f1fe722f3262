import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sharedFixture } from "../../support/shared.ts";
import { decodeTaskDetails, decodeUpdate } from "../../../src/console/protocol/decode.ts";
import { splitGrpcFrames } from "../../../src/console/protocol/grpc-frames.ts";
import { ConsoleState } from "../../../src/console/model/console-state.ts";
import { liveWakers, taskState, taskTimes, type TaskRecord } from "../../../src/console/model/task.ts";

function load(scenario: string): { state: ConsoleState; oracle: any[] } {
  const state = new ConsoleState();
  for (const frame of splitGrpcFrames(readFileSync(sharedFixture("console", `${scenario}.watchupdates.grpc`)))) state.applyUpdate(decodeUpdate(frame));
  const oracle = readFileSync(sharedFixture("console", `${scenario}.watchupdates.decoded.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  return { state, oracle };
}

const byName = (state: ConsoleState, name: string): TaskRecord => {
  const found = [...state.tasks.values()].filter((t) => t.name === name);
  expect(found, name).toHaveLength(1);
  return found[0];
};

/** Seconds after update #0's now, from the oracle's Timestamp JSON. */
const secsAfter = (oracle0: any, t: { seconds: string; nanos?: number }) =>
  Number(BigInt(t.seconds) - BigInt(oracle0.now.seconds)) + ((t.nanos ?? 0) - oracle0.now.nanos) / 1e9;

// kitchen-sink.md / kitchen-sink-stock.md "Final state per task" tables
const table = {
  "kitchen-sink": {
    blocker: [9n, 11n, "task", 4, 0.901, 3, 0, 6, 6, 3.007],
    "lost-waker": [7n, 9n, "task", 1, 0.0, 0, 0, 0, 0, null],
    "self-waker": [10n, 12n, "task", 1005, 0.001, 1004, 1000, 8, 8, 4.008],
    "mutex-a": [13n, 13n, "task", 36, 0.003, 35, 0, 59, 59, 4.66],
    "mutex-b": [14n, 14n, "task", 37, 0.004, 36, 0, 60, 60, 4.862],
    "sem-a": [17n, 15n, "task", 30, 0.002, 29, 0, 49, 49, 2.891],
    "sem-b": [18n, 16n, "task", 31, 0.002, 30, 0, 50, 50, 3.044],
    ticker: [8n, 10n, "task", 45, 0.004, 44, 0, 88, 88, 10.754],
    "blocking-job": [19n, 17n, "blocking", 1, 2.0, 0, 0, 0, 0, 2.004],
  },
  "kitchen-sink-stock": {
    blocker: [9n, 11n, "task", 4, 0.901, 3, 0, 6, 6, 3.006],
    "lost-waker": [7n, 9n, "task", 1, 0.0, 0, 0, 0, 0, null],
    "self-waker": [10n, 12n, "task", 1005, 0.001, 1004, 1000, 8, 8, 4.31],
    "mutex-a": [13n, 13n, "task", 36, 0.003, 35, 0, 59, 59, 4.941],
    "mutex-b": [14n, 14n, "task", 37, 0.003, 36, 0, 60, 60, 5.143],
    "sem-a": [17n, 15n, "task", 30, 0.002, 29, 0, 49, 49, 3.071],
    "sem-b": [18n, 16n, "task", 31, 0.002, 30, 0, 50, 50, 3.224],
    ticker: [8n, 10n, "task", 45, 0.004, 44, 0, 88, 88, 10.753],
    "blocking-job": [19n, 17n, "blocking", 1, 2.0, 0, 0, 0, 0, 2.003],
  },
} as const;

for (const scenario of ["kitchen-sink", "kitchen-sink-stock"] as const) {
  describe(`state model on ${scenario} WatchUpdates`, () => {
    const { state, oracle } = load(scenario);
    const origin = state.clock.of({ seconds: Number(oracle[0].now.seconds), nanos: oracle[0].now.nanos });

    it("matches the scenario's final-state table for every named task", () => {
      for (const [name, row] of Object.entries(table[scenario])) {
        const [id, tokioId, kind, polls, busy, wakes, selfWakes, clones, drops, droppedAt] = row;
        const t = byName(state, name);
        expect(t.id, name).toBe(id);
        expect(t.tokioId, name).toBe(tokioId);
        expect(t.kind, name).toBe(kind);
        expect(t.polls, name).toBe(polls);
        expect(Math.abs(t.busyNs / 1e9 - busy), `${name} busy`).toBeLessThan(0.0006);
        expect(t.wakes, name).toBe(wakes);
        expect(t.selfWakes, name).toBe(selfWakes);
        expect(t.wakerClones, name).toBe(clones);
        expect(t.wakerDrops, name).toBe(drops);
        if (droppedAt === null) expect(taskState(t), name).not.toBe("done");
        else expect(Math.abs((t.droppedAt - origin) / 1e9 - droppedAt), `${name} dropped_at`).toBeLessThan(0.0006);
      }
    });

    it("keeps the last stats of every task, equal to the oracle's last stats_update per id", () => {
      const last = new Map<string, any>();
      for (const u of oracle) for (const [id, s] of Object.entries(u.task_update?.stats_update ?? {})) last.set(id, s);
      expect(last.size).toBeGreaterThan(100);
      for (const [id, s] of last) {
        const t = state.tasks.get(BigInt(id));
        expect(t, id).toBeDefined();
        expect(t!.polls, id).toBe(Number(s.poll_stats?.polls ?? 0));
        expect(t!.wakes, id).toBe(Number(s.wakes ?? 0));
        expect(t!.wakerClones - t!.wakerDrops).toBe(Number(s.waker_clones ?? 0) - Number(s.waker_drops ?? 0));
        expect(Number.isNaN(t!.droppedAt)).toBe(s.dropped_at === undefined);
        expect(Number.isNaN(t!.lastPollEnded)).toBe(s.poll_stats?.last_poll_ended === undefined);
      }
    });

    it("announces the tasks the stream announced, with exact ids above 2^53", () => {
      const announced = new Set<string>();
      for (const u of oracle) for (const t of u.task_update?.new_tasks ?? []) announced.add(t.id.id);
      expect(state.tasks.size).toBe(announced.size);
      expect(announced.size).toBe(scenario === "kitchen-sink" ? 212 : 187);
      for (const id of announced) expect(state.tasks.has(BigInt(id))).toBe(true);
      // resource and async-op ids go above 2^53 (fixture README: 275 of 993 ids in kitchen-sink)
      const oracleBig = new Set<string>();
      for (const u of oracle) for (const r of [...(u.resource_update?.new_resources ?? []), ...(u.async_op_update?.new_async_ops ?? [])]) if (BigInt(r.id.id) > 2n ** 53n) oracleBig.add(r.id.id);
      expect(oracleBig.size).toBeGreaterThan(0);
      for (const id of oracleBig) expect(state.resources.has(BigInt(id)) || state.asyncOps.has(BigInt(id)), id).toBe(true);
    });

    it("shows lost-waker idle with 0 live wakers, the worker threads running with polls=1, 4 never completed", () => {
      const lost = byName(state, "lost-waker");
      expect(taskState(lost)).toBe("idle");
      expect(liveWakers(lost)).toBe(0);
      const workers = [...state.tasks.values()].filter((t) => t.otherFields.some(([k, v]) => k === "fn" && v.includes("worker::Launch::launch")));
      expect(workers).toHaveLength(2);
      for (const w of workers) {
        expect(w.kind).toBe("blocking");
        expect(w.polls).toBe(1);
        expect(taskState(w)).toBe("running");
        expect(Number.isNaN(w.lastPollEnded)).toBe(true);
        // a never-ending poll: busy(now) grows with now even though busy_time stays 0
        expect(taskTimes(w, state.now).busyNs).toBeGreaterThan(10e9);
      }
      const open = [...state.tasks.values()].filter((t) => taskState(t) !== "done");
      expect(open.map((t) => t.name || t.kind).sort()).toEqual(["block_on", "blocking", "blocking", "lost-waker"]);
    });

    it("derives locations: spawn site for async tasks, spawn.location for blocking ones", () => {
      expect(byName(state, "blocker").location).toBe("src/bin/kitchen-sink.rs:69:10");
      expect(byName(state, "blocking-job").location).toBe("src/bin/kitchen-sink.rs:128:10");
    });

    it("has the Mutex (line 87) and Semaphore (line 107) resources with their final attributes", () => {
      const resources = [...state.resources.values()];
      const mutex = resources.find((r) => r.concreteType === "Mutex");
      expect(mutex?.location).toMatch(/kitchen-sink\.rs:87:/);
      expect(mutex?.kind).toBe("Sync");
      const internal = resources.filter((r) => r.parentId === mutex?.id);
      expect(internal.map((r) => [r.concreteType, r.isInternal])).toEqual([["Semaphore", true]]);
      const sem = resources.find((r) => r.concreteType === "Semaphore" && !r.isInternal && r.location.includes(":107:"));
      expect(sem).toBeDefined();
      expect(resources.some((r) => r.kind === "timer" && r.concreteType === "Sleep")).toBe(true);
      expect(state.asyncOps.size).toBeGreaterThan(0);
      expect(state.droppedEventsTotal).toBe(0);
    });

    it("takes each mutex lock's `locked` attribute from the latest stats only", () => {
      const mutex = [...state.resources.values()].find((r) => r.concreteType === "Mutex")!;
      expect(mutex.attributes.get("locked")?.value).toBe(false);
    });
  });
}

describe("patched kitchen-sink specifics", () => {
  const { state } = load("kitchen-sink");
  it("has the 200 burst tasks: 3 polls each, tokio ids 20–219, console ids 23 … 4503599627370518", () => {
    const burst = [...state.tasks.values()].filter((t) => t.kind === "task" && t.name === "");
    expect(burst).toHaveLength(200);
    expect(burst.every((t) => t.polls === 3)).toBe(true);
    const tokioIds = burst.map((t) => Number(t.tokioId)).sort((a, b) => a - b);
    expect(tokioIds[0]).toBe(20);
    expect(tokioIds[199]).toBe(219);
    const ids = burst.map((t) => t.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(ids[0]).toBe(23n);
    expect(ids[199]).toBe(4503599627370518n);
    expect(burst.filter((t) => t.id > 2n ** 51n)).toHaveLength(16);
  });
  it("counts poll_acquire poll ops: 42 not ready and 132 ready over the mutex and the semaphore", () => {
    let ready = 0;
    let total = 0;
    for (const r of state.resources.values()) {
      const c = r.pollOpCounts.get("poll_acquire");
      if (c) {
        ready += c.ready;
        total += c.total;
      }
    }
    expect(ready).toBe(132);
    expect(total - ready).toBe(42);
  });
  it("block_on has 26 polls (inflated to 635 only on the stock build)", () => {
    const blockOn = [...state.tasks.values()].find((t) => t.kind === "block_on")!;
    expect(blockOn.polls).toBe(26);
    const stock = load("kitchen-sink-stock").state;
    const stockBlockOn = [...stock.tasks.values()].find((t) => t.kind === "block_on")!;
    expect(stockBlockOn.polls).toBe(635);
    expect(Math.abs(stockBlockOn.busyNs / 1e9 - 2.319)).toBeLessThan(0.001);
  });
  it("applies TaskDetails histograms to the task", () => {
    for (const frame of splitGrpcFrames(readFileSync(sharedFixture("console", "kitchen-sink.taskdetails.blocker.grpc")))) state.applyTaskDetails(decodeTaskDetails(frame));
    const blocker = byName(state, "blocker");
    expect(blocker.pollHistogram?.count).toBe(4);
    expect(blocker.pollHistogram?.buckets.at(-1)?.count).toBe(3);
  });
});

describe("delta semantics", () => {
  const ts = (s: number) => ({ seconds: 1000 + Math.floor(s), nanos: Math.round((s % 1) * 1e9) });
  it("replaces stats (never adds), keeps absent tasks, sums dropped events, and treats a reused id as a new task", () => {
    const state = new ConsoleState();
    const task = (id: bigint, name: string) => ({ id, kind: 0, fields: [{ strName: "task.name", debugVal: name }], parents: [] });
    const stats = (polls: number, extra: object = {}) => ({ wakes: polls, wakerClones: 1, wakerDrops: 0, selfWakes: 0, createdAt: ts(0), pollStats: { polls, lastPollStarted: ts(1), lastPollEnded: ts(1.5), busyTime: { seconds: 0, nanos: 500 } }, ...extra });
    state.applyUpdate({ now: ts(2), taskUpdate: { newTasks: [task(1n, "a"), task(2n, "b")], statsUpdate: new Map([[1n, stats(3)], [2n, stats(1)]]), droppedEvents: 2 } });
    state.applyUpdate({ now: ts(3), taskUpdate: { newTasks: [], statsUpdate: new Map([[1n, stats(5, { droppedAt: ts(2.5) })]]), droppedEvents: 3 } });
    expect(state.tasks.get(1n)?.polls).toBe(5);
    expect(state.tasks.get(2n)?.polls).toBe(1);
    expect(state.dropped.tasks).toBe(5);
    expect(taskState(state.tasks.get(1n)!)).toBe("done");
    // id 1 reused after close
    state.applyUpdate({ now: ts(4), taskUpdate: { newTasks: [task(1n, "c")], statsUpdate: new Map([[1n, stats(1)]]), droppedEvents: 0 } });
    expect(state.tasks.get(1n)?.name).toBe("c");
    expect(state.retiredTasks.map((t) => t.name)).toEqual(["a"]);
    expect([...state.allTasks()]).toHaveLength(3);
    // stats before the announcement are kept until it arrives
    state.applyUpdate({ now: ts(5), taskUpdate: { newTasks: [], statsUpdate: new Map([[9n, stats(7)]]), droppedEvents: 0 } });
    state.applyUpdate({ now: ts(6), taskUpdate: { newTasks: [task(9n, "late")], statsUpdate: new Map(), droppedEvents: 0 } });
    expect(state.tasks.get(9n)?.polls).toBe(7);
  });
  it("computes busy/scheduled/idle against Update.now", () => {
    const state = new ConsoleState();
    state.applyUpdate({
      now: ts(10),
      taskUpdate: {
        newTasks: [{ id: 1n, kind: 0, fields: [], parents: [] }],
        statsUpdate: new Map([[1n, { createdAt: ts(0), wakes: 1, wakerClones: 1, wakerDrops: 1, selfWakes: 0, lastWake: ts(6), scheduledTime: { seconds: 1, nanos: 0 }, pollStats: { polls: 2, lastPollStarted: ts(4), lastPollEnded: ts(5), busyTime: { seconds: 2, nanos: 0 } } }]]),
        droppedEvents: 0,
      },
    });
    const t = state.tasks.get(1n)!;
    const times = taskTimes(t, state.now);
    expect(times.state).toBe("scheduled");
    expect(times.totalNs).toBe(10e9);
    expect(times.busyNs).toBe(2e9);
    expect(times.scheduledNs).toBe(1e9 + 4e9);
    expect(times.idleNs).toBe(10e9 - 2e9 - 5e9);
  });
});

describe("reset and prune", () => {
  const ts = (s: number) => ({ seconds: 2000 + s, nanos: 0 });
  const update = (now: number, id: bigint, dropped?: number) => ({
    now: ts(now),
    taskUpdate: {
      newTasks: [{ id, kind: 0, fields: [], parents: [] }],
      statsUpdate: new Map([[id, { createdAt: ts(0), wakes: 0, wakerClones: 0, wakerDrops: 0, selfWakes: 0, ...(dropped !== undefined ? { droppedAt: ts(dropped) } : {}) }]]),
      droppedEvents: 1,
    },
  });
  it("prune forgets only entities completed longer ago than the retention", () => {
    const state = new ConsoleState();
    state.applyUpdate(update(1, 1n, 1));
    state.applyUpdate(update(5, 2n, 4));
    state.applyUpdate(update(10, 3n));
    expect(state.prune(7e9)).toBe(1); // task 1 dropped at 1 s < 10 − 7; task 2 at 4 s is kept
    expect([...state.tasks.keys()]).toEqual([2n, 3n]);
  });
  it("reset clears tasks, counters and the clock anchor", () => {
    const state = new ConsoleState();
    state.applyUpdate(update(1, 1n));
    state.reset();
    expect(state.tasks.size).toBe(0);
    expect(state.droppedEventsTotal).toBe(0);
    expect(state.updates).toBe(0);
    expect(state.clock.seconds).toBeUndefined();
  });
});
