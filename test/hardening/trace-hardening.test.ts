/**
 * Issue #20 D2 and issue #14 item 3: the trace model is bounded and streamed. Before, a 1.9 MB log of
 * exponentially expanding v0 back-references ended in a V8 heap abort (exit 134, a native stack).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { analyseLog } from "../../src/trace/analyse.ts";
import { renderJson } from "../../src/trace/render-json.ts";
import { renderText } from "../../src/trace/render-text.ts";
import { runCli } from "../support/cli.ts";
import { sharedFixture } from "../support/shared.ts";
import { v0BackrefBomb } from "./hostile-inputs.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "trace-hardening-"));
});

function panicWithFrames(frames: string[]): string {
  return ["thread 'main' panicked at src/main.rs:1:1:", "boom", "stack backtrace:", ...frames.map((f, i) => `  ${i}: ${f}`), ""].join("\n");
}

describe("trace on hostile inputs", () => {
  it("D2: distinct back-reference bombs stay within the demangled-text budget (exit 0, bounded output)", async () => {
    const frames = Array.from({ length: 400 }, (_, i) => v0BackrefBomb(40, `c${i}`));
    const file = path.join(dir, "bomb.log");
    writeFileSync(file, panicWithFrames(frames));
    for (const format of ["json", "text"]) {
      const result = await runCli(["trace", file, "--format", format, "--no-lint"], { env: { ASYNC_DOCTOR_TRACE_MAX_DEMANGLED_CHARS: String(2 * 1024 * 1024) } });
      expect(result.code, result.stderr.slice(0, 500)).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout.length).toBeLessThan(8 * 1024 * 1024);
      if (format === "json") {
        const doc = JSON.parse(result.stdout) as { panics: Array<{ frames: Array<{ demangled: string }> }>; bounds?: { undemangled: number } };
        expect(doc.panics[0]!.frames.every((f) => f.demangled.length <= 64 * 1024 + 32)).toBe(true);
        expect(doc.bounds?.undemangled).toBeGreaterThan(0);
      } else {
        expect(result.stdout).toMatch(/frames were left mangled: the log's demangled-text budget was spent/);
      }
    }
  }, 120_000);

  it("#14: frames past the cap are counted: '… N frames more'", async () => {
    const file = path.join(dir, "deep.log");
    writeFileSync(file, panicWithFrames(Array.from({ length: 5000 }, (_, i) => `app::f${i}`)));
    const text = await runCli(["trace", file, "--no-lint", "--full"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/… 3976 frames more \(not kept: over 1024 frames per backtrace, ASYNC_DOCTOR_TRACE_MAX_FRAMES\)/);
    const json = JSON.parse((await runCli(["trace", file, "--no-lint", "--format", "json"])).stdout) as { panics: Array<{ frames: unknown[]; droppedFrames: number }> };
    expect(json.panics[0]!.frames).toHaveLength(1024);
    expect(json.panics[0]!.droppedFrames).toBe(3976);
  });

  it("streams the same output as the in-memory renderers (text and JSON) for the golden samples, all in one log", async () => {
    const names = ["tokio_mt.spawn.debug.bt1.txt", "std_only.thread.release-v0.btfull.txt", "async_backtrace.taskdump_and_panic.txt", "force_capture.async.debug.txt"];
    const log = names.map((n) => readFileSync(sharedFixture("backtraces", n), "utf8")).join("\n");
    const file = path.join(dir, "golden.log");
    writeFileSync(file, log);
    const result = analyseLog(log, { roots: ["/nonexistent-root"] });
    const text = await runCli(["trace", file, "--no-lint", "--root", "/nonexistent-root"]);
    expect(text.stdout).toBe(renderText(result, { color: false, full: false }));
    const json = await runCli(["trace", file, "--no-lint", "--root", "/nonexistent-root", "--format", "json"]);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(renderJson(result)));
    expect(json.stdout).toBe(renderJson(result));
  });

  it("D13: terminal escapes in a panic message are printed escaped", async () => {
    const file = path.join(dir, "escape.log");
    writeFileSync(file, "thread 'main' panicked at src/main.rs:1:1:\n\u001b]0;owned\u0007\u001b[2Jboom\n");
    const result = await runCli(["trace", file, "--no-lint"]);
    expect(result.stdout).toContain("\\x1b]0;owned\\x07\\x1b[2Jboom");
    expect(result.stdout).not.toContain("\u001b");
  });

  it("#14: a FIFO named as the log is refused at once (exit 2, one line)", async () => {
    const fifo = path.join(dir, "pipe.log");
    execFileSync("mkfifo", [fifo]);
    const result = await runCli(["trace", fifo]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(/pipe\.log is a FIFO \(named pipe\), not a regular file/)]);
  });

  it("#13: trace demangle streams (a line longer than the cap is cut, the rest still demangled)", async () => {
    const input = `${"x".repeat(200_000)}\n_ZN4core3fmt5write17h0123456789abcdefE\n`;
    const result = await runCli(["trace", "demangle"], { input });
    const lines = result.stdout.split("\n");
    expect(lines[0]!.length).toBe(64 * 1024);
    expect(lines[1]).toBe("core::fmt::write");
  });
});
