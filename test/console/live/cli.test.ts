import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { captureRecords, readCapture } from "../../../src/console/capture/reader.ts";
import type { CaptureMessage } from "../../../src/console/capture/format.ts";
import { openCaptureSource } from "../../../src/console/capture/capture-source.ts";
import { decodeUpdate } from "../../../src/console/protocol/decode.ts";
import { openLiveSource, type LiveSourceItem } from "../../../src/console/transport/live-source.ts";
import { ConsoleState } from "../../../src/console/model/console-state.ts";
import { taskRows } from "../../../src/console/watch/task-rows.ts";
import { fixtureMessages, freePort, kitchenSink, runCli, serveChild, startCli, tempDir, waitFor, withDeadline, type CliChild } from "./support.ts";

const children: CliChild[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) {
      c.child.kill("SIGKILL");
      await c.exited;
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}
async function serve(args: string[]) {
  const c = await serveChild(args);
  children.push(c);
  return c;
}
async function killed(c: CliChild): Promise<void> {
  c.child.kill("SIGKILL");
  await c.exited;
}
function updateLines(file: string): number {
  if (!fs.existsSync(file)) return 0;
  return (fs.readFileSync(file, "utf8").match(/"rpc":"WatchUpdates"/g) ?? []).length;
}

describe("console serve + live source: the app is killed mid-stream and restarts", { timeout: 120_000 }, () => {
  it("reconnects, marks the new snapshot as a reset, and rebuilds the same state", async () => {
    const expected = fixtureMessages(kitchenSink());
    const port = await freePort();
    let server = await serve([kitchenSink(), "--listen", `127.0.0.1:${port}`, "--speed", "4"]);
    const source = await openLiveSource(`127.0.0.1:${port}`, { connectTimeoutMs: 5000 });
    const table = new ConsoleState();
    const reference = new ConsoleState();
    for (const m of expected) reference.applyUpdate(decodeUpdate(m));

    const items = await withDeadline(40_000, "reconnect", async () => {
      const seen: LiveSourceItem[] = [];
      for await (const item of source) {
        seen.push(item);
        if (item.reset) table.reset();
        if (item.update) table.applyUpdate(item.update);
        const updates = seen.filter((i) => i.update);
        if (updates.length === 3 && !seen.some((i) => i.reset)) {
          await killed(server); // the app dies mid-stream …
          server = await serve([kitchenSink(), "--listen", `127.0.0.1:${port}`, "--speed", "max"]); // … and comes back
        }
        if (seen.some((i) => i.reset) && updates.filter((u) => u.session === 2).length === expected.length) break;
      }
      return seen;
    });
    await source.close();
    const resetAt = items.findIndex((i) => i.reset);
    // the updates of session 1 (three, or one more that was already on its way when the app died), then the new snapshot
    expect(resetAt).toBeGreaterThanOrEqual(3);
    expect(items.slice(0, resetAt).every((i) => i.session === 1 && !i.reset)).toBe(true);
    expect(items[resetAt]).toMatchObject({ session: 2 });
    expect(items[resetAt].update?.now).toEqual(decodeUpdate(expected[0]).now);
    // the state after the reset equals a clean pass over the stream
    const key = (t: ConsoleState) => taskRows(t).map((r) => `${r.id}:${r.state}:${r.polls}`).sort();
    expect(key(table)).toEqual(key(reference));
    expect(taskRows(table).length).toBeGreaterThan(200);
  });
});

describe("console record", { timeout: 120_000 }, () => {
  it("leaves a valid capture when killed, with every message received so far, and serve replays it", async () => {
    const d = dir();
    const out = path.join(d, "killed.adcap");
    const server = await serve([kitchenSink(), "--listen", "127.0.0.1:0", "--speed", "2"]);
    const recorder = startCli(["console", "record", server.address, "--out", out, "--task", "blocker"]);
    children.push(recorder);
    await waitFor("4 updates on disk", () => updateLines(out) >= 4, 30_000);
    await killed(recorder);

    const records = [];
    for await (const r of captureRecords(out)) records.push(r);
    const updates = records.filter((r): r is CaptureMessage => r.kind === "message" && r.rpc === "WatchUpdates");
    const expected = fixtureMessages(kitchenSink());
    expect(updates.length).toBeGreaterThanOrEqual(4);
    updates.forEach((u, i) => expect(Buffer.from(u.bytes).equals(expected[i])).toBe(true));
    const details = records.filter((r): r is CaptureMessage => r.kind === "message" && r.rpc === "WatchTaskDetails");
    expect(details.length).toBeGreaterThan(0);
    expect(details.every((x) => x.task === "9")).toBe(true);
    expect(records.some((r) => r.kind === "event" && r.event === "stopped")).toBe(false);

    // the killed capture is a valid source and a valid serve input
    const src = await openCaptureSource(out);
    let n = 0;
    for await (const item of src) if (item.update) n++;
    expect(n).toBe(updates.length);
    const replay = await serve([out, "--listen", "127.0.0.1:0", "--speed", "max"]);
    const live = await openLiveSource(replay.address, { connectTimeoutMs: 5000 });
    const got = await withDeadline(15_000, "replayed capture", async () => {
      const list: LiveSourceItem[] = [];
      for await (const item of live) {
        if (item.update) list.push(item);
        if (list.length === updates.length) break;
      }
      return list;
    });
    await live.close();
    expect(got[0].update?.now).toEqual(decodeUpdate(expected[0]).now);
  });

  it("records a new session, starting with a fresh snapshot, each time the connection drops", async () => {
    const d = dir();
    const out = path.join(d, "sessions.adcap");
    const server = await serve([kitchenSink(), "--listen", "127.0.0.1:0", "--speed", "max", "--kill-after", "3"]);
    const result = await runCli(["console", "record", server.address, "--out", out, "--duration", "2s"]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.sessions).toBeGreaterThanOrEqual(2);
    const records = [];
    for await (const r of captureRecords(out)) records.push(r);
    const expected = fixtureMessages(kitchenSink());
    for (let s = 1; s <= 2; s++) {
      const updates = records.filter((r): r is CaptureMessage => r.kind === "message" && r.session === s);
      expect(updates.map((u) => Buffer.from(u.bytes).equals(expected[updates.indexOf(u)]))).toEqual([true, true, true]);
      expect(records.some((r) => r.kind === "event" && r.event === "ended" && r.session === s)).toBe(true);
    }
  });

  it("stops cleanly on SIGTERM: exit 0, summary, and a final 'stopped' record", async () => {
    const d = dir();
    const out = path.join(d, "term.adcap");
    const server = await serve([kitchenSink(), "--listen", "127.0.0.1:0", "--speed", "4"]);
    const recorder = startCli(["console", "record", server.address, "--out", out]);
    children.push(recorder);
    await waitFor("2 updates on disk", () => updateLines(out) >= 2, 30_000);
    recorder.child.kill("SIGTERM");
    expect(await recorder.exited).toBe(0);
    expect(JSON.parse(recorder.stdout())).toMatchObject({ stoppedBy: "interrupted", sessions: 1 });
    const items = [];
    for await (const item of readCapture(out)) items.push(item);
    expect(items.at(-1)).toMatchObject({ record: { kind: "event", event: "stopped", reason: "interrupted" } });
  });

  it("stops after --duration and prints a JSON summary", async () => {
    const d = dir();
    const out = path.join(d, "timed.adcap");
    const server = await serve([kitchenSink(), "--listen", "127.0.0.1:0", "--speed", "10"]);
    const result = await runCli(["console", "record", server.address, "--out", out, "--duration", "800ms"]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ sessions: 1, stoppedBy: "duration reached" });
    expect(summary.updates).toBeGreaterThan(1);
    const items = [];
    for await (const item of readCapture(out)) items.push(item);
    expect(items.at(-1)).toMatchObject({ record: { kind: "event", event: "stopped", reason: "duration reached" } });
    // refuses to overwrite
    const again = await runCli(["console", "record", server.address, "--out", out, "--duration", "100ms"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists; pass --force/);
  });

  it("exits 2 with one clear line on a wrong content type, garbage, or a server that never answers", async () => {
    const d = dir();
    const cases: [string[], RegExp, number][] = [
      [["--fault", "content-type"], /content-type 'text\/html/, 0],
      [["--fault", "garbage"], /not a gRPC message stream/, 1], // garbage after the first message
      [["--fault", "silent"], /sent no WatchUpdates message within 1 s/, 0],
    ];
    for (const [fault, message, recorded] of cases) {
      const server = await serve([kitchenSink(), "--listen", "127.0.0.1:0", ...fault]);
      const out = path.join(d, `${fault[1]}.adcap`);
      const result = await runCli(["console", "record", server.address, "--out", out, "--timeout", "1s"]);
      expect(result.code, fault.join(" ")).toBe(2);
      const errorLines = result.stderr.split("\n").filter((l) => l.startsWith("async-doctor: error:"));
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatch(message);
      // no empty capture is left behind; what did arrive is kept
      expect(updateLines(out), fault.join(" ")).toBe(recorded);
      if (recorded === 0) expect(fs.existsSync(out)).toBe(false);
      await killed(server);
    }
  });
});

describe("console snapshot on a live target", { timeout: 120_000 }, () => {
  it("reads the replayed stream through the live source, and exits 2 when nothing listens", async () => {
    const server = await serve([kitchenSink(), "--listen", "127.0.0.1:0", "--speed", "max"]);
    const result = await runCli(["console", "snapshot", server.address, "--duration", "1s", "--format", "json"]);
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(view.source.kind).toBe("live");
    expect(view.totals).toMatchObject({ tasks: 212, updates: 13 });
    const dead = await runCli(["console", "snapshot", "unix:/nonexistent/console.sock", "--timeout", "500ms"]);
    expect(dead.code).toBe(2);
    expect(dead.stderr).toMatch(/no console snapshot from unix:\/nonexistent\/console\.sock within 500 ms: no socket/);
  });
});

describe("console serve input errors", { timeout: 120_000 }, () => {
  it("exits 2 on a missing file, a recording, and a bad --listen", async () => {
    const missing = await runCli(["console", "serve", "/nonexistent/x.adcap"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    const d = dir();
    const rec = path.join(d, "r.jsonl");
    fs.writeFileSync(rec, '{"v":1}\n');
    const recording = await runCli(["console", "serve", rec, "--listen", "127.0.0.1:0"]);
    expect(recording.code).toBe(2);
    expect(recording.stderr).toMatch(/recording/);
    const badListen = await runCli(["console", "serve", kitchenSink(), "--listen", "nowhere:xx"]);
    expect(badListen.code).toBe(2);
    expect(badListen.stderr).toMatch(/bad --listen/);
  });
});
