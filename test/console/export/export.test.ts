import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConsoleState } from "../../../src/console/model/console-state.ts";
import { openRecordingSource } from "../../../src/console/recording/recording-source.ts";
import { runCli } from "../../support/cli.ts";
import { serveChild } from "../live/support.ts";
import { sharedFixture } from "../../support/shared.ts";
import { decodePerfetto } from "./perfetto-decode.ts";
import { traceRuleViolations, type TraceEvent } from "./trace-event-rules.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "async-doctor-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenarios = ["kitchen-sink", "kitchen-sink-stock", "late-connect"] as const;

async function exportJson(source: string, name: string, extra: string[] = []): Promise<{ events: TraceEvent[]; summary: Record<string, unknown> }> {
  const out = path.join(dir, `${name}.json`);
  const r = await runCli(["console", "export", "--format", "chrome-trace", source, "-o", out, ...extra]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const doc = JSON.parse(readFileSync(out, "utf8")) as { traceEvents: TraceEvent[]; displayTimeUnit: string };
  expect(doc.displayTimeUnit).toBe("ns");
  return { events: doc.traceEvents, summary: JSON.parse(r.stdout) as Record<string, unknown> };
}

/** Final polls per task name (named tasks only) from the state model, the independent count. */
async function modelPolls(recording: string): Promise<Map<string, number>> {
  const state = new ConsoleState();
  for await (const item of openRecordingSource(recording)) {
    if (item.update) state.applyUpdate(item.update);
  }
  const polls = new Map<string, number>();
  for (const t of state.tasks.values()) if (t.name) polls.set(t.name, (polls.get(t.name) ?? 0) + t.polls);
  return polls;
}

function threadOf(events: TraceEvent[], label: RegExp): { pid: number; tid: number } {
  const named = events.filter((e) => e.ph === "M" && e.name === "thread_name" && label.test(String(e.args?.name)));
  expect(named).toHaveLength(1);
  return { pid: named[0]!.pid, tid: named[0]!.tid };
}

const pollSlices = (events: TraceEvent[], t: { pid: number; tid: number }) =>
  events.filter((e) => (e.ph === "X" || e.ph === "B") && e.cat === "poll" && e.pid === t.pid && e.tid === t.tid);

describe("console export --format chrome-trace", () => {
  for (const scenario of scenarios) {
    it(`${scenario}.recording.jsonl: a valid Trace Event Format trace, one poll slice per poll`, async () => {
      const recording = sharedFixture("console", `${scenario}.recording.jsonl`);
      const { events, summary } = await exportJson(recording, `${scenario}-rec`);
      expect(traceRuleViolations(events)).toEqual([]);
      const polls = await modelPolls(recording);
      expect(polls.size).toBeGreaterThan(0);
      for (const [name, count] of polls) {
        if (events.filter((e) => e.ph === "M" && e.name === "thread_name" && String(e.args?.name).startsWith(`${name} #`)).length !== 1) continue;
        expect(pollSlices(events, threadOf(events, new RegExp(`^${name} #`))), name).toHaveLength(count);
      }
      const total = events.filter((e) => e.ph === "X" && e.cat === "poll").length;
      expect(summary.polls).toBe(total);
      // Self-wakes are the wakes whose waker is known: each is a flow into the task's next poll.
      expect(events.filter((e) => e.ph === "s").length).toBe(summary.flows);
    });
  }

  it("kitchen-sink: tracks, flows, instants, diagnoses and the utilisation counter carry the run's facts", async () => {
    const { events } = await exportJson(sharedFixture("console", "kitchen-sink.recording.jsonl"), "ks-facts", ["--recording-interval", "100ms"]);
    const selfWaker = threadOf(events, /^self-waker #12$/);
    const flows = events.filter((e) => e.ph === "s" && e.tid === selfWaker.tid);
    expect(flows).toHaveLength(1000); // kitchen-sink.md: 1 000 self-wakes
    const blocker = threadOf(events, /^blocker #11$/);
    const long = pollSlices(events, blocker).filter((e) => e.dur! >= 299_000);
    expect(long).toHaveLength(3); // three ~300 ms std::thread::sleep polls
    expect(events.filter((e) => e.ph === "i" && e.name === "drop" && e.tid === blocker.tid)).toHaveLength(1);
    expect(events.filter((e) => e.ph === "i" && e.name === "spawn")).toHaveLength(212);
    // The lost-waker task never gets a drop; its diagnosis covers the rest of the run.
    const lost = threadOf(events, /^lost-waker #9$/);
    expect(events.filter((e) => e.name === "drop" && e.tid === lost.tid)).toHaveLength(0);
    const diagnoses = events.filter((e) => e.cat === "diagnosis");
    expect(diagnoses.map((d) => d.args?.rule).sort()).toEqual(["blocking-poll", "lost-waker", "self-wake-spin"]);
    const lostDiag = diagnoses.find((d) => d.args?.rule === "lost-waker")!;
    expect(lostDiag.dur!).toBeGreaterThan(10e6); // > 10 s of the 12.8 s run, in µs
    // Worker threads: two tracks in the blocking group, each one poll running to the end.
    const workers = events.filter((e) => e.ph === "M" && e.name === "thread_name" && /^tokio worker thread/.test(String(e.args?.name)));
    expect(workers).toHaveLength(2);
    const counters = events.filter((e) => e.ph === "C");
    expect(counters.length).toBeGreaterThan(50);
    for (const c of counters) expect(c.args?.busy as number).toBeLessThanOrEqual(2 + 1e-9 + 1); // ≤ workers (+ block_on thread)
    expect(counters.some((c) => (c.args?.busy as number) > 0.25)).toBe(true); // blocker's 300 ms polls hold a worker
    expect(counters.every((c) => typeof c.args?.idle === "number")).toBe(true); // 2 workers known
  });

  it("a raw .grpc WatchUpdates body: valid, and never more poll slices than polls", async () => {
    const { events, summary } = await exportJson(sharedFixture("console", "kitchen-sink.watchupdates.grpc"), "ks-grpc");
    expect(traceRuleViolations(events)).toEqual([]);
    const blocker = threadOf(events, /^blocker @ src\/bin\/kitchen-sink\.rs:\d+:\d+ #11$/);
    const slices = pollSlices(events, blocker);
    expect(slices.length).toBeGreaterThan(0);
    expect(slices.length).toBeLessThanOrEqual(4);
    expect(summary.diagnoses).toBeGreaterThan(0);
    expect(events.some((e) => e.cat === "diagnosis" && e.args?.rule === "lock-contention")).toBe(true);
  });

  it("a bounded live window: `console serve` replays kitchen-sink, the export of 3 s of it is valid", async () => {
    const serve = await serveChild([sharedFixture("console", "kitchen-sink.watchupdates.grpc"), "--listen", "127.0.0.1:0", "--speed", "4", "--at-end", "hold"]);
    try {
      const { events, summary } = await exportJson(serve.address, "live", ["--duration", "3s"]);
      expect(traceRuleViolations(events)).toEqual([]);
      expect((summary.source as { kind: string }).kind).toBe("live");
      expect(summary.spawns).toBeGreaterThan(0);
      expect(events.some((e) => e.ph === "X" && e.cat === "poll")).toBe(true);
    } finally {
      serve.child.kill("SIGTERM");
    }
  }, 60_000);

  it("bad input: one line on stderr, exit 2, no file left half-written", async () => {
    const bad = path.join(dir, "bad.recording.jsonl");
    writeFileSync(bad, '{"v":1}\n{"Enter":{"id":1,"at":oops}}\n{"Exit":{"id":1,"at":{"secs_since_epoch":1,"nanos_since_epoch":2}}}\n');
    const r = await runCli(["console", "export", bad, "-o", path.join(dir, "bad.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/line 2/);
    expect(existsSync(path.join(dir, "bad.json"))).toBe(false);
    const noDir = await runCli(["console", "export", sharedFixture("console", "kitchen-sink.recording.jsonl"), "-o", path.join(dir, "no/such/dir.json")]);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/cannot write/);
    const noOut = await runCli(["console", "export", sharedFixture("console", "kitchen-sink.recording.jsonl")]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/-o FILE/);
    const fmt = await runCli(["console", "export", "--format", "svg", sharedFixture("console", "kitchen-sink.recording.jsonl"), "-o", path.join(dir, "x")]);
    expect(fmt.code).toBe(2);
  });
});

describe("console export --format perfetto", () => {
  it("kitchen-sink.recording.jsonl: Perfetto TracePackets that decode to a valid trace with the same slices", async () => {
    const out = path.join(dir, "ks.perfetto-trace");
    const recording = sharedFixture("console", "kitchen-sink.recording.jsonl");
    const r = await runCli(["console", "export", "--format", "perfetto", recording, "-o", out]);
    expect(r.code).toBe(0);
    const decoded = decodePerfetto(readFileSync(out));
    expect(decoded.sequenceIds.size).toBe(1);
    expect(traceRuleViolations(decoded.events)).toEqual([]);
    const summary = JSON.parse(r.stdout) as { polls: number; flows: number };
    expect(decoded.events.filter((e) => e.ph === "B" && e.cat === "poll")).toHaveLength(summary.polls);
    expect(decoded.events.filter((e) => e.ph === "s")).toHaveLength(summary.flows);
    const polls = await modelPolls(recording);
    const blocker = threadOf(decoded.events, /^blocker #11$/);
    expect(pollSlices(decoded.events, blocker)).toHaveLength(polls.get("blocker")!);
    expect([...decoded.tracks.values()].filter((t) => t.kind === "counter").map((t) => t.name).sort()).toEqual([
      "worker threads busy polling: busy",
      "worker threads busy polling: idle",
    ]);
  });
});
