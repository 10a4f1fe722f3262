import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyseLog } from "../../src/trace/analyse.ts";
import { sharedFixture } from "../support/shared.ts";

/**
 * Expected chains come from the shared fixtures' README (the program's structure): worker (a select!
 * branch, src/lib.rs:50) → handle_request (an async block, src/lib.rs:42/44) → fetch_generic::<MemStore>
 * (src/lib.rs:33) → <MemStore as Store>::load (boxed future, src/lib.rs:26) → a closure panicking at
 * src/lib.rs:22:21; the task is spawned from src/bin/tokio_mt.rs.
 */
const expectedSpawnChain: Array<[kind: RegExp, name: RegExp, line: number]> = [
  [/closure/, /<btdemo::MemStore as btdemo::Store>::load$/, 22],
  [/^trait method through a boxed future$/, /<btdemo::MemStore as btdemo::Store>::load$/, 26],
  [/^async fn$/, /^btdemo::fetch_generic$/, 33],
  [/^async block/, /^btdemo::handle_request$/, 42],
  [/^async fn$/, /^btdemo::handle_request$/, 44],
  [/^select! branch$/, /^btdemo::worker$/, 50],
  [/^async fn$/, /^btdemo::worker$/, 50],
  [/^spawned task root$/, /^tokio_mt::main$/, 17],
];

function analyse(name: string) {
  return analyseLog(readFileSync(sharedFixture("backtraces", name), "utf8"), { roots: ["/nonexistent"] });
}

describe("async chain of the shared tokio samples", () => {
  for (const variant of ["debug.bt1", "debug.btfull", "debug-v0.bt1", "debug-v0.btfull", "release.bt1", "release.btfull", "release-v0.bt1", "release-v0.btfull"]) {
    it(`names the right functions in the right order (${variant})`, () => {
      const result = analyse(`tokio_mt.spawn.${variant}.txt`);
      expect(result.panics).toHaveLength(1);
      const { chain, notes } = result.panics[0];
      expect(chain.map((l) => [l.kind, l.name, l.line])).toHaveLength(expectedSpawnChain.length);
      chain.forEach((link, i) => {
        const [kind, name, line] = expectedSpawnChain[i];
        expect(link.kind, `link ${i}`).toMatch(kind);
        expect(link.name, `link ${i}`).toMatch(name);
        expect(link.line, `link ${i}`).toBe(line);
      });
      expect(chain[chain.length - 1].file).toMatch(/src\/bin\/tokio_mt\.rs$/);
      expect(notes.join(" ")).toMatch(/spawn site is not in this trace/);
      expect(notes.join(" ")).toMatch(/tokio-console/);
    });
  }

  for (const variant of ["release-lto.bt1", "release-lto-v0.btfull"]) {
    it(`keeps the order by file:line when names lost their paths (${variant})`, () => {
      const { chain, notes } = analyse(`tokio_mt.spawn.${variant}.txt`).panics[0];
      expect(chain.map((l) => l.line)).toEqual([22, 26, 33, 42, 44, 50, 50, 17]);
      expect(chain.map((l) => l.kind)).toEqual(["closure", "boxed future", "async fn", "async block", "async fn", "select! branch", "async fn", "spawned task root"]);
      expect(notes.join(" ")).toMatch(/line-tables-only/);
    });
  }

  it("folds machinery and keeps user frames unfolded", () => {
    const { report } = analyse("tokio_mt.spawn.debug.bt1.txt").panics[0];
    const frames = report.backtrace!.frames;
    expect(frames.filter((f) => !f.folded).map((f) => f.index)).toEqual([2, 3, 5, 6, 7, 8, 10, 11]);
    expect(frames[0].class).toBe("panic");
    expect(frames[4].class).toBe("glue");
    expect(frames.slice(12).every((f) => f.folded)).toBe(true);
    expect(frames.find((f) => f.demangled === "__rust_try")?.class).toBe("start");
  });
});

describe("chains of sync panics", () => {
  it("thread panic: fn and closure frames of the user, std iterator frames folded", () => {
    const { chain, report } = analyse("std_only.thread.debug.bt1.txt").panics[0];
    expect(chain.map((l) => [l.kind, l.name, l.line])).toEqual([
      ["fn", "std_only::Parser::check", 9],
      ["closure", "std_only::Parser::parse_item", 6],
      ["fn", "std_only::Parser::parse_item", 6],
      ["fn", "std_only::run_generic", 16],
      // the closure given to std::thread::Builder::spawn (a sync program: no async fn can be here)
      ["closure", "std_only::main", 25],
    ]);
    expect(report.backtrace!.frames.filter((f) => f.demangled.startsWith("core::iter")).every((f) => f.folded)).toBe(true);
  });
});
