import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot, sharedFixture } from "../../support/shared.ts";

const bin = path.join(projectRoot, "bin/async-doctor.js");
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, "console", "snapshot", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const tmp = mkdtempSync(path.join(os.tmpdir(), "ad-snapshot-"));

describe("async-doctor console snapshot", () => {
  it("prints the task table of a .grpc WatchUpdates body, sorted by total, with tokio-console durations", () => {
    const r = run(sharedFixture("console", "kitchen-sink.watchupdates.grpc"), "--filter", "name~er", "--top", "3");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const header = lines.findIndex((l) => /^\s*ID\s+Name\s+State\s+Total\s+Busy\s+Sched\s+Idle\s+Polls\s+Wakes\s+Wakers\s+Kind\s+Location/.test(l));
    expect(header).toBeGreaterThan(0);
    // name~er: lost-waker (11.9 s, still alive), ticker (10.75 s), self-waker (4.0 s) … by total, descending
    // (kitchen-sink.md dropped_at column); busy times are the oracle's last busy_time: 871 ns, 3 721 455 ns, 852 502 ns
    expect(lines[header + 1]).toMatch(/^\s*7\s+lost-waker\s+idle\s+11\.9\ds\s+871\.00ns\s+-\s/);
    expect(lines[header + 2]).toMatch(/^\s*8\s+ticker\s+done\s+10\.75s\s+3\.72ms\s/);
    expect(lines[header + 3]).toMatch(/^\s*10\s+self-waker\s+done\s+4\.01s\s+852\.50µs\s+-\s+4\.00s\s+1005\s+1004\s+0\s+task\s+src\/bin\/kitchen-sink\.rs:79:10$/);
    expect(r.stdout).toMatch(/Tasks: 212 \(2 running, 0 scheduled, 2 idle, 208 done\), 3 shown/);
    expect(r.stdout).toMatch(/Mutex\s+PUB\s+src\/bin\/kitchen-sink\.rs:87:26\s+locked=false/);
  });

  it("emits JSON with ids as strings, for a recording, with its limitations", () => {
    const r = run(sharedFixture("console", "kitchen-sink.recording.jsonl"), "--format", "json", "--sort", "polls", "--top", "2");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.source.kind).toBe("recording");
    expect(doc.source.limitations.join(" ")).toMatch(/no spawn locations/);
    expect(doc.totals.tasks).toBe(212);
    expect(doc.tasks.map((t: { id: string; name: string; polls: number }) => [t.id, t.name, t.polls])).toEqual([
      ["10", "self-waker", 1005],
      ["8", "ticker", 45],
    ]);
    expect(doc.tasks[0].selfWakes).toBe(1000);
    expect(typeof doc.tasks[0].scheduledNs).toBe("number");
  });

  it("filters state and kind, and sorts ascending on request", () => {
    const r = run(sharedFixture("console", "kitchen-sink-stock.watchupdates.grpc"), "--format", "json", "--filter", "state!=done", "--filter", "kind!=blocking", "--sort", "id:asc");
    const doc = JSON.parse(r.stdout);
    expect(doc.tasks.map((t: { id: string; kind: string }) => [t.id, t.kind])).toEqual([
      ["6", "block_on"],
      ["7", "task"],
    ]);
    expect(doc.totals.tasks).toBe(187);
  });

  it("exits 2 with one line for bad input", () => {
    const garbage = path.join(tmp, "garbage.bin");
    writeFileSync(garbage, "hello, I am not console data\n");
    for (const args of [[garbage], [path.join(tmp, "missing.jsonl")], [sharedFixture("console", "kitchen-sink.watchupdates.grpc"), "--sort", "nope"], [sharedFixture("console", "kitchen-sink.watchupdates.grpc"), "--filter", "polls~x"]]) {
      const r = run(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stdout).toBe("");
    }
    const truncated = path.join(tmp, "truncated.grpc");
    writeFileSync(truncated, Buffer.from([0, 0, 0, 0, 50, 1, 2]));
    expect(run(truncated).code).toBe(2);
  });
});
