import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CaptureWriter } from "../../../src/console/capture/writer.ts";
import { captureRecords, readCapture } from "../../../src/console/capture/reader.ts";
import type { CaptureMessage } from "../../../src/console/capture/format.ts";

const dirs: string[] = [];
function tempFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "adcap-"));
  dirs.push(dir);
  return path.join(dir, name);
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("capture files", () => {
  it("round-trips messages, events and 64-bit task ids, with small read chunks", async () => {
    const file = tempFile("a.adcap");
    const w = CaptureWriter.create(file, { target: "http://127.0.0.1:6669", tool: "test" });
    w.event("connected", 1);
    const big = new Uint8Array(70_000).map((_, i) => i % 251);
    w.message("WatchUpdates", 1, big);
    w.message("WatchTaskDetails", 1, Uint8Array.of(1, 2, 3), "695806417306648600");
    w.message("WatchUpdates", 1, new Uint8Array(0));
    w.close("duration reached");
    const items = await collect(readCapture(file, { chunkSize: 777 }));
    expect(items[0]).toMatchObject({ header: { asyncDoctorCapture: 1, target: "http://127.0.0.1:6669" } });
    const records = items.slice(1).map((i) => ("record" in i ? i.record : undefined));
    expect(records.map((r) => r?.kind)).toEqual(["event", "message", "message", "message", "event"]);
    const m = records[1] as CaptureMessage;
    expect(Buffer.from(m.bytes).equals(Buffer.from(big))).toBe(true);
    expect((records[2] as CaptureMessage).task).toBe("695806417306648600");
    expect((records[3] as CaptureMessage).bytes.length).toBe(0);
    expect(records[4]).toMatchObject({ event: "stopped", reason: "duration reached" });
    // times are monotonic
    const ts = records.map((r) => r!.t);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
  });

  it("ignores a last record cut by a kill, but keeps every complete one", async () => {
    const file = tempFile("cut.adcap");
    const w = CaptureWriter.create(file, { target: "t" });
    w.message("WatchUpdates", 1, Uint8Array.of(9, 9));
    w.message("WatchUpdates", 1, Uint8Array.of(8, 8, 8));
    // simulate a kill in the middle of the third write
    fs.appendFileSync(file, '{"t":12.5,"s":1,"rpc":"WatchUpdates","b64":"AAEC');
    const records = await collect(captureRecords(file));
    expect(records.map((r) => (r as CaptureMessage).bytes.length)).toEqual([2, 3]);
  });

  it("refuses to overwrite, and rejects files that are not captures", async () => {
    const file = tempFile("x.adcap");
    CaptureWriter.create(file, { target: "t" }).close();
    expect(() => CaptureWriter.create(file, { target: "t" })).toThrow(/EEXIST/);
    const other = tempFile("y.jsonl");
    fs.writeFileSync(other, '{"v":1}\n');
    await expect(collect(readCapture(other))).rejects.toThrow(/not an async-doctor capture/);
    const corrupt = tempFile("z.adcap");
    fs.writeFileSync(corrupt, '{"asyncDoctorCapture":1,"target":"t","startedAt":"x"}\nnot json\n{"t":1}\n');
    await expect(collect(readCapture(corrupt))).rejects.toThrow(/z\.adcap:2/);
  });
});

describe("capture files as a ConsoleSource", () => {
  it("decodes updates and details, and marks the first update of a later session as a reset", async () => {
    const { openCaptureSource, isCaptureFile } = await import("../../../src/console/capture/capture-source.ts");
    const { fixtureMessages, kitchenSink } = await import("./support.ts");
    const { sharedFixture } = await import("../../support/shared.ts");
    const updates = fixtureMessages(kitchenSink());
    const details = fixtureMessages(sharedFixture("console", "kitchen-sink.taskdetails.blocker.grpc"));
    const file = tempFile("two-sessions.adcap");
    const w = CaptureWriter.create(file, { target: "http://127.0.0.1:6669" });
    w.event("connected", 1);
    w.message("WatchUpdates", 1, updates[0]);
    w.message("WatchUpdates", 1, updates[1]);
    w.message("WatchTaskDetails", 1, details[0], "9");
    w.event("ended", 1, "the connection closed");
    w.event("connected", 2);
    w.message("WatchUpdates", 2, updates[0]);
    w.close();
    expect(isCaptureFile(fs.readFileSync(file).subarray(0, 64))).toBe(true);
    expect(isCaptureFile(Buffer.from('{"v":1}\n'))).toBe(false);
    const source = await openCaptureSource(file);
    expect(source.kind).toBe("capture");
    const items = await collect(source);
    expect(items.map((i) => (i.update ? "u" : "d") + i.session + (i.reset ? "R" : ""))).toEqual(["u1", "u1", "d1", "u2R"]);
    expect(items[2].taskDetails?.taskId).toBe(9n);
    expect(items[3].receivedAt).toBeGreaterThanOrEqual(items[0].receivedAt);
  });
});
