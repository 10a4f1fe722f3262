import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CaptureWriter } from "../../../src/console/capture/writer.ts";
import { loadReplaySource } from "../../../src/console/serve/replay-source.ts";
import { parseListen } from "../../../src/console/serve/run-serve.ts";
import { sharedFixture } from "../../support/shared.ts";
import { fixtureMessages, kitchenSink, tempDir } from "./support.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("replay sources", () => {
  it("takes raw .grpc timing from .meta.json and finds the sibling task-details streams by task id", async () => {
    const source = await loadReplaySource(kitchenSink());
    const meta = JSON.parse(fs.readFileSync(sharedFixture("console", "kitchen-sink.watchupdates.meta.json"), "utf8"));
    expect(source.updates).toHaveLength(meta.message_count);
    expect(source.updates[0].atMs).toBe(0);
    const last = meta.messages.at(-1).received_ms - meta.messages[0].received_ms;
    expect(source.updates.at(-1)!.atMs).toBeCloseTo(last, 3);
    expect([...source.taskDetails.keys()].sort()).toEqual(["10", "9"]);
    expect(source.taskDetails.get("9")).toHaveLength(fixtureMessages(sharedFixture("console", "kitchen-sink.taskdetails.blocker.grpc")).length);
    expect(source.state).toBeUndefined(); // console-subscriber 0.1.8 has no WatchState
  });

  it("serves the chosen session of a capture, rebased to its first update", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, "two.adcap");
    const m = fixtureMessages(kitchenSink());
    const w = CaptureWriter.create(file, { target: "t" });
    w.message("WatchUpdates", 1, m[0], undefined, 10);
    w.message("WatchUpdates", 1, m[1], undefined, 1010);
    w.message("WatchUpdates", 2, m[0], undefined, 5000);
    w.message("WatchTaskDetails", 2, Uint8Array.of(1), "695806417306648600", 5200);
    w.close();
    const first = await loadReplaySource(file);
    expect(first.updates.map((u) => u.atMs)).toEqual([0, 1000]);
    const second = await loadReplaySource(file, { session: 2 });
    expect(second.updates.map((u) => u.atMs)).toEqual([0]);
    expect([...second.taskDetails.keys()]).toEqual(["695806417306648600"]);
    await expect(loadReplaySource(file, { session: 3 })).rejects.toThrow(/session 3 has no WatchUpdates/);
  });

  it("rejects task-details streams and non-console files", async () => {
    await expect(loadReplaySource(sharedFixture("console", "kitchen-sink.taskdetails.blocker.grpc"))).rejects.toThrow(/WatchTaskDetails stream/);
    await expect(loadReplaySource(sharedFixture("console", "kitchen-sink.md"))).rejects.toThrow(/not a capture file/);
  });

  it("parses --listen", () => {
    expect(parseListen("6669")).toEqual({ host: "127.0.0.1", port: 6669 });
    expect(parseListen("0.0.0.0:7000")).toEqual({ host: "0.0.0.0", port: 7000 });
    expect(parseListen("[::1]:0")).toEqual({ host: "::1", port: 0 });
    expect(parseListen("unix:/tmp/s.sock")).toEqual({ path: "/tmp/s.sock" });
    expect(() => parseListen("x:y")).toThrow(/bad --listen/);
  });
});
