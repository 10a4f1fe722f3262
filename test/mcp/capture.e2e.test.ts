/**
 * Capture files over MCP: the kitchen-sink stream replayed by `console serve` is recorded with
 * `console record` (with the blocker's TaskDetails), then read back through the MCP tools; and the
 * capture itself is replayed by `console serve` and observed live.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedFixture } from "../support/shared.ts";
import { bin, call, connectStdio, textOf, type Connected } from "./support.ts";

const children: ChildProcess[] = [];
let dir: string;
let capture: string;
let c: Connected;

function serve(file: string): Promise<string> {
  const child = spawn(process.execPath, [bin, "console", "serve", file, "--listen", "127.0.0.1:0", "--speed", "max"], { stdio: ["ignore", "ignore", "pipe"] });
  children.push(child);
  return new Promise<string>((resolve, reject) => {
    let text = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(text);
      if (m) resolve(m[0]);
    });
    child.on("exit", () => reject(new Error(`console serve exited: ${text}`)));
  });
}

function record(target: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "console", "record", target, "-o", out, "--duration", "2s", "--task", "blocker"], { stdio: ["ignore", "ignore", "pipe"] });
    let text = "";
    child.stderr!.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`console record exited ${code}: ${text}`))));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "mcp-capture-"));
  capture = path.join(dir, "kitchen-sink.capture");
  const address = await serve(sharedFixture("console", "kitchen-sink.watchupdates.grpc"));
  await record(address, capture);
  c = await connectStdio({ args: ["--root", dir] });
}, 180_000);

afterAll(async () => {
  await c?.close();
  for (const child of children) child.kill();
});

describe("mcp on a capture file", () => {
  it("console_snapshot and console_diagnose read the capture", async () => {
    const snap = await call(c.client, "console_snapshot", { target: "kitchen-sink.capture", filters: ["name~blocker"] });
    expect(snap.isError, textOf(snap)).toBeFalsy();
    expect(snap.structuredContent!.source.kind).toBe("capture");
    expect(snap.structuredContent!.tasks[0].name).toBe("blocker");
    const diag = await call(c.client, "console_diagnose", { target: capture });
    const found = diag.structuredContent!.diagnoses.map((d: { rule: string; task: { name: string } | null }) => `${d.rule}:${d.task?.name ?? ""}`);
    expect(found).toEqual(expect.arrayContaining(["blocking-poll:blocker", "lost-waker:lost-waker", "self-wake-spin:self-waker"]));
  });

  it("console_task_details has the poll histogram the capture recorded", async () => {
    const r = await call(c.client, "console_task_details", { target: capture, task: "blocker" });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent!.pollHistogram.count).toBe(4);
    expect(r.structuredContent!.pollHistogram.buckets.length).toBeGreaterThan(0);
    expect(textOf(r)).toMatch(/Poll times: 4 samples/);
  });

  it("the capture replayed by console serve is read as a live target", async () => {
    const address = await serve(capture);
    const r = await call(c.client, "console_snapshot", { target: address, durationMs: 1000, sort: "polls", limit: 2 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent!.source.kind).toBe("live");
    expect(r.structuredContent!.tasks).toHaveLength(2);
    expect(r.structuredContent!.tasks[0].polls).toBeGreaterThanOrEqual(r.structuredContent!.tasks[1].polls);
  }, 60_000);
});
