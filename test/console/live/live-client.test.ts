import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decodeTaskDetails, decodeUpdate } from "../../../src/console/protocol/decode.ts";
import { encodeState, encodeUpdate } from "../../../src/console/protocol/encode.ts";
import { loadReplaySource } from "../../../src/console/serve/replay-source.ts";
import { startReplayServer, type ReplayServer } from "../../../src/console/serve/replay-server.ts";
import { LiveClient, type LiveEvent } from "../../../src/console/transport/live-client.ts";
import { parseTarget } from "../../../src/console/transport/target.ts";
import { ConsoleState } from "../../../src/console/model/console-state.ts";
import { taskRows } from "../../../src/console/watch/task-rows.ts";
import { sharedFixture } from "../../support/shared.ts";
import { fixtureMessages, kitchenSink, serveInProcess, silentTcpServer, tempDir, withDeadline, writeGrpcFile } from "./support.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function serve(file: string, options: Parameters<typeof serveInProcess>[1] = {}): Promise<ReplayServer> {
  const server = await serveInProcess(file, options);
  cleanups.push(() => server.close());
  return server;
}
function client(address: string, options: Partial<ConstructorParameters<typeof LiveClient>[0]> = {}): LiveClient {
  const c = new LiveClient({ target: parseTarget(address), timeoutMs: 2000, backoff: { initialMs: 20, maxMs: 100 }, ...options });
  cleanups.push(() => c.close());
  return c;
}

/** Collects events until `stop` says so (bounded by the deadline). */
async function eventsUntil(c: LiveClient, stop: (e: LiveEvent, all: LiveEvent[]) => boolean, ms = 15_000): Promise<LiveEvent[]> {
  return withDeadline(ms, "live events", async () => {
    const all: LiveEvent[] = [];
    for await (const e of c.events()) {
      all.push(e);
      if (stop(e, all)) break;
    }
    return all;
  });
}
const updates = (events: LiveEvent[]) => events.filter((e) => e.type === "update") as Extract<LiveEvent, { type: "update" }>[];

describe("live client against the replay server (real HTTP/2 on loopback)", () => {
  it("receives every WatchUpdates message of the shared stream byte for byte, and WatchState is UNIMPLEMENTED", async () => {
    const expected = fixtureMessages(kitchenSink());
    const server = await serve(kitchenSink());
    const c = client(server.address);
    const events = await eventsUntil(c, (_, all) => updates(all).length === expected.length && all.some((e) => e.type === "state-unsupported"));
    expect(events[0]).toMatchObject({ type: "connected", session: 1 });
    const got = updates(events);
    expect(got.map((u) => Buffer.from(u.bytes).equals(expected[got.indexOf(u)]))).toEqual(expected.map(() => true));
    // the bytes decode with "data"'s decoder and ids stay exact
    const ids = got.flatMap((u) => {
      const d = decodeUpdate(u.bytes);
      return [...(d.resourceUpdate?.statsUpdate.keys() ?? []), ...(d.asyncOpUpdate?.statsUpdate.keys() ?? []), ...(d.taskUpdate?.statsUpdate.keys() ?? [])];
    });
    expect(ids.some((id) => id > BigInt(Number.MAX_SAFE_INTEGER))).toBe(true);
    expect(events.some((e) => e.type === "state-unsupported")).toBe(true);
  });

  it("streams WatchTaskDetails for a chosen task (fixture task 'blocker', id 9)", async () => {
    const expected = fixtureMessages(sharedFixture("console", "kitchen-sink.taskdetails.blocker.grpc"));
    const server = await serve(kitchenSink());
    const c = client(server.address, { watchState: false });
    const events = await eventsUntil(c, (e, all) => {
      if (e.type === "connected") c.watchTaskDetails(9n);
      return all.filter((x) => x.type === "details").length === expected.length;
    });
    const details = events.filter((e) => e.type === "details") as Extract<LiveEvent, { type: "details" }>[];
    expect(details.every((d) => d.task === 9n)).toBe(true);
    expect(details.map((d, i) => Buffer.from(d.bytes).equals(expected[i]))).toEqual(expected.map(() => true));
    expect(decodeTaskDetails(details[0].bytes).taskId).toBe(9n);
  });

  it("reports NOT_FOUND for a task without details and keeps watching", async () => {
    const server = await serve(kitchenSink());
    const c = client(server.address, { watchState: false });
    const events = await eventsUntil(c, (e) => {
      if (e.type === "connected") c.watchTaskDetails(12345n);
      return e.type === "details-ended";
    });
    expect(events.at(-1)).toMatchObject({ type: "details-ended", task: 12345n, reason: expect.stringMatching(/NOT_FOUND/) });
  });

  it("reconnects with backoff when the connection drops mid-stream, and announces a reset before the new snapshot", async () => {
    const expected = fixtureMessages(kitchenSink());
    const server = await serve(kitchenSink(), { killAfter: 3 });
    const c = client(server.address, { watchState: false });
    const events = await eventsUntil(c, (_, all) => updates(all).length >= 7);
    const types = events.map((e) => e.type);
    expect(types.slice(0, 5)).toEqual(["connected", "update", "update", "update", "disconnected"]);
    expect(types.slice(5, 8)).toEqual(["reset", "connected", "update"]);
    const second = updates(events).filter((u) => u.session === 2);
    expect(Buffer.from(second[0].bytes).equals(expected[0])).toBe(true); // a fresh snapshot
    const disconnected = events[4] as Extract<LiveEvent, { type: "disconnected" }>;
    expect(disconnected.reason).toMatch(/connection closed/);
    expect(disconnected.retryInMs).toBeGreaterThanOrEqual(10);
  });

  it("carries a message larger than 4 MiB", async () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const name = "n".repeat(6 * 1024 * 1024);
    const big = encodeUpdate({
      now: { seconds: 1795635741, nanos: 0 },
      taskUpdate: {
        newTasks: [{ id: 2251799813685569n, kind: 0, fields: [{ strName: "task.name", strVal: name }], parents: [] }],
        statsUpdate: new Map(),
        droppedEvents: 0,
      },
    });
    expect(big.length).toBeGreaterThan(4 * 1024 * 1024);
    const file = path.join(dir, "big.grpc");
    writeGrpcFile(file, [big, encodeUpdate({ now: { seconds: 1795635742, nanos: 0 } })]);
    const server = await serve(file);
    const c = client(server.address, { watchState: false });
    const events = await eventsUntil(c, (_, all) => updates(all).length === 2);
    const first = decodeUpdate(updates(events)[0].bytes);
    expect(first.taskUpdate?.newTasks[0].id).toBe(2251799813685569n);
    expect(first.taskUpdate?.newTasks[0].fields[0].strVal?.length).toBe(name.length);
  });

  it("fails with a clear usage error on a wrong content type", async () => {
    const server = await serve(kitchenSink(), { fault: "content-type" });
    const c = client(server.address);
    await expect(eventsUntil(c, () => false)).rejects.toThrow(/content-type 'text\/html.*not a console-subscriber/);
  });

  it("fails with a clear usage error on garbage frames", async () => {
    const server = await serve(kitchenSink(), { fault: "garbage" });
    const c = client(server.address);
    await expect(eventsUntil(c, () => false)).rejects.toThrow(/not a gRPC message stream/);
  });

  it("fails with a clear error when WatchUpdates itself is UNIMPLEMENTED", async () => {
    const server = await serve(kitchenSink(), { fault: "unimplemented" });
    const c = client(server.address);
    await expect(eventsUntil(c, () => false)).rejects.toThrow(/WatchUpdates failed: UNIMPLEMENTED/);
  });

  it("times out on an HTTP/2 server that never answers", async () => {
    const server = await serve(kitchenSink(), { fault: "silent" });
    const c = client(server.address, { timeoutMs: 600 });
    const started = Date.now();
    await expect(eventsUntil(c, () => false)).rejects.toThrow(/no console snapshot from .* within 600 ms: .*sent no WatchUpdates message within/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("fails at once with a clear error on an HTTP/1.1 server", async () => {
    const http = await import("node:http");
    const web = http.createServer((_, res) => res.end("hello"));
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => web.close(() => resolve())));
    const { port } = web.address() as import("node:net").AddressInfo;
    const c = client(`127.0.0.1:${port}`, { timeoutMs: 5000 });
    const started = Date.now();
    await expect(eventsUntil(c, () => false)).rejects.toThrow(/^http:\/\/127\.0\.0\.1:\d+ does not speak HTTP\/2 gRPC/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("times out on a TCP server that never speaks HTTP/2", async () => {
    const silent = await silentTcpServer();
    cleanups.push(() => silent.close());
    const c = client(silent.address, { timeoutMs: 500 });
    await expect(eventsUntil(c, () => false)).rejects.toThrow(/no HTTP\/2 handshake/);
  });

  it("retries a refused connection until the timeout, then says nothing listens", async () => {
    const c = client("127.0.0.1:1", { timeoutMs: 300 });
    await expect(eventsUntil(c, () => false)).rejects.toThrow(/no console snapshot from http:\/\/127\.0\.0\.1:1 within 300 ms: nothing listens .*connection refused/);
  });

  it("serves WatchState when the capture has it", async () => {
    const source = await loadReplaySource(kitchenSink());
    source.state = [{ atMs: 0, bytes: encodeState({ temporality: 1 }) }];
    const server = await startReplayServer(source, { listen: { host: "127.0.0.1", port: 0 }, speed: 0 });
    cleanups.push(() => server.close());
    const c = client(server.address);
    const events = await eventsUntil(c, (e) => e.type === "state");
    expect(events.at(-1)).toMatchObject({ type: "state" });
  });

  it("serves a console-subscriber recording as synthesised updates", async () => {
    const server = await serve(sharedFixture("console", "kitchen-sink.recording.jsonl"));
    const table = new ConsoleState();
    const c = client(server.address, { watchState: false });
    await eventsUntil(c, (e) => {
      if (e.type === "update") table.applyUpdate(decodeUpdate(e.bytes));
      return taskRows(table).length === 212 && taskRows(table).find((r) => r.name === "blocker")?.state === "done";
    });
    const rows = taskRows(table);
    expect(rows).toHaveLength(212);
    expect(rows.find((r) => r.name === "blocker")).toMatchObject({ state: "done", polls: 4 });
  });

  it("pauses and resumes only when asked, and resumes on shutdown", async () => {
    const log: string[] = [];
    const server = await serve(kitchenSink(), { speed: 1, log: (l) => log.push(l) });
    const c = client(server.address, { watchState: false });
    const iterator = c.events()[Symbol.asyncIterator]();
    const nextUpdate = async () => {
      for (;;) {
        const { value, done } = await iterator.next();
        if (done) throw new Error("ended");
        if (value.type === "update") return value;
      }
    };
    await withDeadline(5000, "snapshot", nextUpdate);
    expect(log.filter((l) => /Pause|Resume/.test(l))).toEqual([]); // never on its own
    await c.pause();
    expect(c.pausedByUs).toBe(true);
    const held = await Promise.race([nextUpdate().then(() => "update"), new Promise((r) => setTimeout(() => r("quiet"), 1500))]);
    expect(held).toBe("quiet"); // update #1 (due at ~0.95 s) is held while paused
    await c.shutdown(); // resumes what it paused
    expect(log.filter((l) => /Pause|Resume/.test(l))).toEqual(["Pause requested", "Resume requested"]);
  });

  it("replays with the recorded spacing scaled by --speed, to several clients at once", async () => {
    const meta = JSON.parse(fs.readFileSync(sharedFixture("console", "kitchen-sink.watchupdates.meta.json"), "utf8"));
    const span = meta.messages.at(-1).received_ms - meta.messages[0].received_ms; // ~12.8 s
    const speed = 8;
    const server = await serve(kitchenSink(), { speed });
    const watchAll = async () => {
      const c = client(server.address, { watchState: false });
      const times: number[] = [];
      await eventsUntil(c, (e) => {
        if (e.type === "update") times.push(e.t);
        return times.length === meta.message_count;
      }, 30_000);
      return times;
    };
    const [a, b] = await Promise.all([watchAll(), watchAll()]);
    for (const times of [a, b]) {
      const elapsed = times.at(-1)! - times[0];
      expect(elapsed).toBeGreaterThan(span / speed - 100); // never early
      expect(elapsed).toBeLessThan(span / speed + 5000); // and not stuck
    }
  });

  it("connects over a Unix socket", async () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const sock = path.join(dir, "console.sock");
    const server = await serve(kitchenSink(), { listen: { path: sock } });
    expect(server.address).toBe(`unix:${sock}`);
    const c = client(`unix:${sock}`, { watchState: false });
    const events = await eventsUntil(c, (_, all) => updates(all).length === 2);
    expect(updates(events)).toHaveLength(2);
  });
});
