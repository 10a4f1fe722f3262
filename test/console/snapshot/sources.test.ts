import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sharedFixture } from "../../support/shared.ts";
import { splitGrpcFrames } from "../../../src/console/protocol/grpc-frames.ts";
import { runSnapshotCommand } from "../../../src/console/snapshot/run-snapshot.ts";
import { CaptureWriter } from "../../../src/console/capture/writer.ts";
import { loadReplaySource } from "../../../src/console/serve/replay-source.ts";
import { startReplayServer } from "../../../src/console/serve/replay-server.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "ad-snapshot-sources-"));

async function snapshotJson(target: string, extra: Record<string, unknown> = {}): Promise<any> {
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await runSnapshotCommand(target, { format: "json", filter: [], ...extra });
    expect(code).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(out);
}

afterEach(() => vi.restoreAllMocks());

describe("console snapshot sources", () => {
  it("reads a capture file through the live side's reader, with TaskDetails histograms", async () => {
    const file = path.join(tmp, "kitchen-sink.capture");
    const w = CaptureWriter.create(file, { target: "http://127.0.0.1:6681" });
    w.event("connected", 1);
    splitGrpcFrames(readFileSync(sharedFixture("console", "kitchen-sink.watchupdates.grpc"))).forEach((m, i) => w.message("WatchUpdates", 1, m, undefined, i * 1000));
    for (const m of splitGrpcFrames(readFileSync(sharedFixture("console", "kitchen-sink.taskdetails.blocker.grpc")))) w.message("WatchTaskDetails", 1, m, "9", 12_000);
    w.close();
    const doc = await snapshotJson(file, { filter: ["name=blocker"] });
    expect(doc.source.kind).toBe("capture");
    expect(doc.totals.tasks).toBe(212);
    const blocker = doc.tasks[0];
    expect(blocker).toMatchObject({ id: "9", name: "blocker", polls: 4, wakes: 3 });
    // fixture README: 3 polls in the bucket starting at 299 892 736 ns, 1 at 15 680 ns
    expect(blocker.pollHistogram.count).toBe(4);
    expect(blocker.pollHistogram.buckets.map((b: { lowNs: number; count: number }) => [b.lowNs, b.count])).toEqual([
      [15680, 1],
      [299892736, 3],
    ]);
  });

  it("adds the sibling .taskdetails.*.grpc bodies of a .watchupdates.grpc file (same run)", async () => {
    const doc = await snapshotJson(sharedFixture("console", "kitchen-sink-stock.watchupdates.grpc"), { filter: ["name~/^(blocker|self-waker)$/"], sort: "name" });
    expect(doc.tasks.map((t: { name: string; pollHistogram?: { count: number } }) => [t.name, t.pollHistogram?.count])).toEqual([
      ["blocker", 4],
      ["self-waker", 1005],
    ]);
  });

  it("reads a live target (the replay server) for --duration, from the snapshot through the deltas", async () => {
    const server = await startReplayServer(await loadReplaySource(sharedFixture("console", "kitchen-sink.watchupdates.grpc")), { listen: { host: "127.0.0.1", port: 0 }, speed: 0, atEnd: "hold" });
    try {
      const first = await snapshotJson(server.address);
      expect(first.source.kind).toBe("live");
      // update #0 is the initial state, before the workload started: no tasks yet (fixture README)
      expect(first.totals.updates).toBe(1);
      expect(first.totals.tasks).toBe(0);
      const all = await snapshotJson(server.address, { duration: "1500ms", filter: ["name~waker"] });
      expect(all.totals.updates).toBe(13);
      expect(all.totals.tasks).toBe(212);
      expect(all.tasks.map((t: { name: string; state: string }) => [t.name, t.state])).toEqual([
        ["lost-waker", "idle"],
        ["self-waker", "done"],
      ]);
    } finally {
      await server.close();
    }
  });
});
