import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sharedFixture } from "../../support/shared.ts";
import { ConsoleState } from "../../../src/console/model/console-state.ts";
import { taskState } from "../../../src/console/model/task.ts";
import { decodeUpdate } from "../../../src/console/protocol/decode.ts";
import { splitGrpcFrames } from "../../../src/console/protocol/grpc-frames.ts";
import { RecordingFormatError, RecordingParser } from "../../../src/console/recording/recording-parser.ts";
import { openRecordingSource } from "../../../src/console/recording/recording-source.ts";
import { RecordingAggregator } from "../../../src/console/recording/recording-updates.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "ad-recording-"));

async function loadRecording(file: string): Promise<{ state: ConsoleState; info: ReturnType<typeof openRecordingSource>["info"] }> {
  const source = openRecordingSource(file);
  const state = new ConsoleState();
  for await (const item of source) if (item.update) state.applyUpdate(item.update);
  return { state, info: source.info };
}

function loadGrpc(scenario: string): ConsoleState {
  const state = new ConsoleState();
  for (const f of splitGrpcFrames(readFileSync(sharedFixture("console", `${scenario}.watchupdates.grpc`)))) state.applyUpdate(decodeUpdate(f));
  return state;
}

/** Parses a buffer in chunks of `size` bytes straight into a model. */
function parseChunked(bytes: Buffer, size: number): ConsoleState {
  const agg = new RecordingAggregator();
  const parser = new RecordingParser(agg);
  agg.clock = parser;
  for (let p = 0; p < bytes.length; p += size) parser.push(bytes.subarray(p, p + size));
  parser.end();
  agg.finish();
  const state = new ConsoleState();
  for (const u of agg.drain()) state.applyUpdate(u);
  return state;
}

const summary = (state: ConsoleState) =>
  [...state.allTasks()].map((t) => [String(t.id), t.name, t.kind, String(t.tokioId), t.polls, Math.round(t.busyNs), t.wakes, t.selfWakes, t.wakerClones, t.wakerDrops, taskState(t)].join(" ")).sort();

describe("console-subscriber recordings", () => {
  for (const scenario of ["kitchen-sink", "kitchen-sink-stock"]) {
    it(`${scenario}: all 212 spawned tasks and 14 38x events (scenario doc), named tasks as in the table`, async () => {
      const { state, info } = await loadRecording(sharedFixture("console", `${scenario}.recording.jsonl`));
      expect(info.events).toBe(scenario === "kitchen-sink" ? 14385 : 14395);
      expect(info.tasks).toBe(212);
      expect(state.tasks.size).toBe(212);
      expect(info.truncatedBytes).toBe(0);
      const named = new Map([...state.tasks.values()].filter((t) => t.name).map((t) => [t.name, t]));
      // kitchen-sink.md table: polls, wakes, self_wakes, clones/drops; max poll of blocker 300.4 ms
      expect(named.get("blocker")).toMatchObject({ id: 9n, tokioId: 11n, polls: 4, wakes: 3, selfWakes: 0, wakerClones: 6, wakerDrops: 6 });
      expect(named.get("self-waker")).toMatchObject({ id: 10n, polls: 1005, wakes: 1004, selfWakes: 1000, wakerClones: 8, wakerDrops: 8 });
      expect(named.get("lost-waker")).toMatchObject({ polls: 1, wakes: 0, wakerClones: 0, wakerDrops: 0 });
      expect(taskState(named.get("lost-waker")!)).toBe("idle");
      expect(named.get("ticker")).toMatchObject({ polls: 45, wakes: 44, wakerClones: 88, wakerDrops: 88 });
      expect(named.get("blocking-job")).toMatchObject({ kind: "blocking", polls: 1, location: "src/bin/kitchen-sink.rs:128:10" });
      expect(Math.abs(named.get("blocker")!.busyNs / 1e9 - 0.901)).toBeLessThan(0.0006);
      expect(Math.abs(named.get("blocking-job")!.busyNs / 1e9 - 2.0)).toBeLessThan(0.0006);
      // recordings carry no locations for async tasks
      expect(named.get("blocker")!.location).toBe("");
      expect(state.resources.size).toBe(0);
    });
  }

  it("agrees with the gRPC stream of the same run for every task that completed (patched build)", async () => {
    const grpc = loadGrpc("kitchen-sink");
    const { state } = await loadRecording(sharedFixture("console", "kitchen-sink.recording.jsonl"));
    let compared = 0;
    for (const g of grpc.tasks.values()) {
      if (taskState(g) !== "done") continue;
      const r = state.tasks.get(g.id);
      expect(r, String(g.id)).toBeDefined();
      expect([r!.polls, r!.wakes, r!.selfWakes, r!.wakerClones, r!.wakerDrops, taskState(r!)], `${g.id} ${g.name}`).toEqual([g.polls, g.wakes, g.selfWakes, g.wakerClones, g.wakerDrops, "done"]);
      expect(Math.abs(r!.busyNs - g.busyNs), `${g.id} busy`).toBeLessThan(200_000);
      expect(Math.abs(r!.droppedAt - (g.droppedAt - grpc.clock.of({ seconds: state.clock.seconds!, nanos: 0 }))), `${g.id} dropped_at`).toBeLessThan(1e6);
      compared++;
    }
    expect(compared).toBe(208);
  });

  it("stock build: the recording still has all 200 burst tasks the stream lost (kitchen-sink-stock.md)", async () => {
    const { state } = await loadRecording(sharedFixture("console", "kitchen-sink-stock.recording.jsonl"));
    const burst = [...state.tasks.values()].filter((t) => t.kind === "task" && t.name === "");
    expect(burst).toHaveLength(200);
    expect(burst.every((t) => t.polls === 3)).toBe(true);
  });

  it("gives the same result however the bytes are chunked, and through the JSON fallback", () => {
    const bytes = readFileSync(sharedFixture("console", "kitchen-sink.recording.jsonl"));
    const reference = summary(parseChunked(bytes, 1 << 20));
    expect(summary(parseChunked(bytes, 7))).toEqual(reference);
    expect(summary(parseChunked(bytes, 4093))).toEqual(reference);
    // re-serialised with spaces: no line matches the fast byte layout any more
    const spaced = Buffer.from(bytes.toString("utf8").replace(/":/g, '": ').replace(/,"/g, ', "'));
    expect(summary(parseChunked(spaced, 65536))).toEqual(reference);
  });

  it("keeps 64-bit ids exact, and a reused id is a new task after Close", async () => {
    const at = (s: number) => `{"secs_since_epoch":1795635741,"nanos_since_epoch":${s}}`;
    const big = "695806417306648600";
    const lines = [
      '{"v":1}',
      `{"Spawn":{"id":${big},"at":${at(1)},"fields":[{"name":"kind","value":"task"},{"name":"task.name","value":"first"},{"name":"task.id","value":18446744073709551615}]}}`,
      `{"Enter":{"id":${big},"at":${at(2)}}}`,
      `{"Waker":{"id":${big},"op":{"WakeByRef":{"self_wake":true}},"at":${at(3)}}}`,
      `{"Exit":{"id":${big},"at":${at(4)}}}`,
      `{"Close":{"id":${big},"at":${at(5)}}}`,
      `{"Spawn":{"id":${big},"at":${at(6)},"fields":[{"name":"kind","value":"task"},{"name":"task.name","value":"second"},{"name":"task.id","value":12}]}}`,
      `{"Enter":{"id":${big},"at":${at(7)}}}`,
      `{"Enter":{"id":777,"at":${at(8)}}}`,
    ];
    const file = path.join(tmp, "reuse.jsonl");
    writeFileSync(file, lines.join("\n") + "\n");
    const { state, info } = await loadRecording(file);
    expect(info.reusedIds).toBe(1);
    const all = [...state.allTasks()];
    expect(all.map((t) => [String(t.id), t.name, taskState(t)])).toEqual([
      [big, "second", "running"],
      [big, "first", "done"],
    ]);
    expect(all[1]).toMatchObject({ polls: 1, busyNs: 2, wakes: 1, selfWakes: 1, tokioId: 18446744073709551615n });
  });

  it("tolerates a truncated last line, rejects a non-recording and a garbage line", async () => {
    const bytes = readFileSync(sharedFixture("console", "kitchen-sink.recording.jsonl"));
    const cut = path.join(tmp, "cut.jsonl");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 40));
    const { info } = await loadRecording(cut);
    expect(info.truncatedBytes).toBeGreaterThan(0);
    expect(info.events).toBe(14384);

    const notRec = path.join(tmp, "not.jsonl");
    writeFileSync(notRec, '{"hello":1}\n');
    await expect(loadRecording(notRec)).rejects.toThrow(/not a console-subscriber recording/);
    const v2 = path.join(tmp, "v2.jsonl");
    writeFileSync(v2, '{"v":2}\n');
    await expect(loadRecording(v2)).rejects.toThrow(RecordingFormatError);
    const garbage = path.join(tmp, "garbage.jsonl");
    writeFileSync(garbage, '{"v":1}\nthis is not json\n{"Enter":{"id":1,"at":{"secs_since_epoch":1,"nanos_since_epoch":1}}}\n');
    await expect(loadRecording(garbage)).rejects.toThrow(/line 2/);
  });
});

describe("poll-time histograms rebuilt from a recording", () => {
  it("show which task blocked how long (kitchen-sink.md: max poll 300.4 ms blocker, 2000.1 ms blocking-job, burst ≤ 0.35 ms)", async () => {
    const source = openRecordingSource(sharedFixture("console", "kitchen-sink.recording.jsonl"), { histograms: true });
    const state = new ConsoleState();
    let details = 0;
    for await (const item of source) {
      if (item.update) state.applyUpdate(item.update);
      else {
        state.applyTaskDetails(item.taskDetails);
        details++;
      }
    }
    expect(details).toBe(212);
    const named = new Map([...state.tasks.values()].filter((t) => t.name).map((t) => [t.name, t]));
    const blocker = named.get("blocker")!.pollHistogram!;
    expect(blocker.count).toBe(4);
    // the same bucket as the subscriber's own histogram (kitchen-sink.taskdetails.blocker: 3 polls at 299 892 736 ns)
    expect(blocker.buckets.at(-1)).toMatchObject({ low: 299892736, count: 3 });
    expect(blocker.buckets.at(-1)!.high).toBeGreaterThanOrEqual(300.4e6);
    const job = named.get("blocking-job")!.pollHistogram!;
    expect(job.highOutliers).toBe(1);
    expect(Math.abs(job.highestOutlier! / 1e6 - 2000.1)).toBeLessThan(0.1);
    const mutexB = named.get("mutex-b")!.pollHistogram!;
    expect(mutexB.count).toBe(37);
    // "1.2" ms in the doc (rounded to 0.1 ms): the top bucket overlaps [1.15, 1.25) ms
    expect(mutexB.max / 1e6).toBeGreaterThanOrEqual(1.15);
    expect(mutexB.buckets.at(-1)!.low / 1e6).toBeLessThan(1.25);
    const burst = [...state.tasks.values()].filter((t) => t.kind === "task" && t.name === "");
    const burstMax = Math.max(...burst.map((t) => t.pollHistogram!.buckets.at(-1)!.low));
    expect(burstMax / 1e6).toBeLessThanOrEqual(0.35);
    expect(burstMax / 1e6).toBeGreaterThan(0.3);
    // scheduled-time histogram: one sample per poll
    expect(named.get("self-waker")!.scheduledHistogram!.count).toBe(1005);
  });
});
