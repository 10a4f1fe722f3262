import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseLog } from "../../src/trace/log-parser.ts";
import { countNodes } from "../../src/trace/task-dump.ts";
import { sharedFixturesRoot, sharedFixture } from "../support/shared.ts";

const backtraceDir = path.join(sharedFixturesRoot, "backtraces");
const samples = readdirSync(backtraceDir).filter((f) => f.endsWith(".txt")).sort();

function sample(name: string): string {
  return readFileSync(sharedFixture("backtraces", name), "utf8");
}

/** Counted independently of the parser: numbered frame lines, Debug `{ fn:` entries, ╼ tree lines. */
function independentCounts(text: string): { frames: number; treeNodes: number } {
  const lines = text.split("\n");
  const numbered = lines.filter((l) => /^\s*\d+:\s/.test(l)).length;
  const debugEntries = (text.match(/\{ fn: /g) ?? []).length;
  const treeNodes = lines.filter((l) => l.includes("╼")).length;
  return { frames: numbered + debugEntries, treeNodes };
}

describe("every shared sample parses with no frame lost", () => {
  it("has samples", () => expect(samples.length).toBeGreaterThan(60));
  for (const name of samples) {
    it(name, () => {
      const text = sample(name);
      const log = parseLog(text);
      const expected = independentCounts(text);
      const frames = log.panics.reduce((n, p) => n + (p.backtrace?.frames.length ?? 0), 0);
      const nodes = log.dumps.reduce((n, d) => n + d.tasks.reduce((m, t) => m + countNodes(t.root), 0), 0);
      expect(frames).toBe(expected.frames);
      expect(nodes).toBe(expected.treeNodes);
      // Frames keep their printed order and indexes.
      for (const p of log.panics) {
        const idx = p.backtrace?.frames.map((f) => f.index) ?? [];
        for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThanOrEqual(idx[i - 1]);
      }
    });
  }
});

describe("panic headers", () => {
  it("reads rustc ≥ 1.91 headers with thread id, message and location", () => {
    const log = parseLog(sample("tokio_mt.spawn.debug.bt1.txt"));
    expect(log.panics).toHaveLength(1);
    const [p] = log.panics;
    expect(p.headerStyle).toBe("rustc-1.91");
    expect(p.thread).toBe("tokio-runtime-worker");
    expect(p.threadId).toBe(21185);
    expect(p.message).toBe("value 47 out of range (key=7)");
    expect(p.location).toEqual({ file: "src/lib.rs", line: 22, column: 21 });
    expect(p.backtrace?.style).toBe("short");
    expect(p.backtrace?.frames[2].location).toEqual({ file: "./src/lib.rs", line: 22, column: 21 });
    expect(log.joinErrors).toEqual([{ taskId: 3, kind: "panic", inputLine: 114 }]);
  });

  it("reads multi-line messages (assert_eq!) up to the backtrace", () => {
    const [p] = parseLog(sample("std_only.assert.debug.bt1.txt")).panics;
    expect(p.message).toBe("assertion `left == right` failed: sum mismatch for [1, 2]\n  left: 3\n right: 4");
    expect(p.backtrace?.frames).toHaveLength(6);
  });

  it("reads a panic without backtrace (RUST_BACKTRACE unset)", () => {
    const [p] = parseLog(sample("std_only.main.debug.bt0.txt")).panics;
    expect(p.message).toBe("unlucky item at depth 3");
    expect(p.backtrace).toBeUndefined();
  });

  it("reads rustc 1.73–1.90 headers (no thread id)", () => {
    const text = sample("std_only.thread.debug.bt1.txt").replace(/ \(\d+\) panicked/, " panicked");
    const [p] = parseLog(text).panics;
    expect(p.headerStyle).toBe("rustc-1.73");
    expect(p.thread).toBe("parser-thread");
    expect(p.threadId).toBeUndefined();
    expect(p.backtrace?.frames).toHaveLength(12);
  });

  it("reads pre-1.73 headers with the message inline, also across lines", () => {
    const one = "thread 'main' panicked at 'called `Option::unwrap()` on a `None` value', src/main.rs:4:37\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
    const [p] = parseLog(one).panics;
    expect(p.headerStyle).toBe("rustc-legacy");
    expect(p.message).toBe("called `Option::unwrap()` on a `None` value");
    expect(p.location).toEqual({ file: "src/main.rs", line: 4, column: 37 });
    const multi = "thread 'worker' panicked at 'assertion failed: `(left == right)`\n  left: `1`,\n right: `2`', src/lib.rs:10:5\nstack backtrace:\n   0: rust_begin_unwind\n   1: app::run\n             at ./src/lib.rs:10:5\n";
    const [q] = parseLog(multi).panics;
    expect(q.message).toBe("assertion failed: `(left == right)`\n  left: `1`,\n right: `2`");
    expect(q.location?.line).toBe(10);
    expect(q.backtrace?.frames.map((f) => f.name)).toEqual(["rust_begin_unwind", "app::run"]);
  });

  it("separates several panics in one interleaved log and keeps cargo test sections", () => {
    const a = sample("std_only.thread.debug.bt1.txt");
    const b = sample("tokio_mt.spawn.debug.bt1.txt");
    const text = `running 2 tests\n---- tests::parse stdout ----\n${a}some other output\n---- tests::spawn stdout ----\n${b}\nfailures:\n    tests::parse\n`;
    const log = parseLog(text);
    expect(log.panics.map((p) => [p.thread, p.test, p.backtrace?.frames.length])).toEqual([
      ["parser-thread", "tests::parse", 12],
      ["tokio-runtime-worker", "tests::spawn", 55],
    ]);
  });

  it("reads Windows paths in location lines", () => {
    const text = "\nthread 'main' (1) panicked at src\\main.rs:3:5:\nboom\nstack backtrace:\n   0: app::main\n             at C:\\Users\\dev\\app\\src\\main.rs:3:5\n";
    const [p] = parseLog(text).panics;
    expect(p.backtrace?.frames[0].location).toEqual({ file: "C:\\Users\\dev\\app\\src\\main.rs", line: 3, column: 5 });
  });

  it("reads anyhow's Error / Caused by / Stack backtrace", () => {
    const text = "Error: failed to load config\n\nCaused by:\n    0: reading app.toml\n    1: No such file or directory (os error 2)\n\nStack backtrace:\n   0: anyhow::error::<impl anyhow::Error>::msg\n             at /usr/share/cargo/registry/anyhow-1.0.69/src/error.rs:83:36\n   1: app::load\n             at ./src/main.rs:9:5\n";
    const log = parseLog(text);
    expect(log.panics).toHaveLength(1);
    expect(log.panics[0].kind).toBe("error");
    expect(log.panics[0].message).toBe("failed to load config\ncaused by: reading app.toml\ncaused by: No such file or directory (os error 2)");
    expect(log.panics[0].backtrace?.frames.map((f) => f.demangled)).toEqual(["anyhow::error::<impl anyhow::Error>::msg", "app::load"]);
  });

  it("reads JoinError texts of old and new tokio", () => {
    const text = 'Err(JoinError::Panic(Id(3), ...))\ntask 9 panicked with message "boom"\ntask 4 was cancelled\n';
    expect(parseLog(text).joinErrors.map((j) => [j.taskId, j.kind, j.message])).toEqual([
      [3, "panic", undefined],
      [9, "panic", "boom"],
      [4, "cancelled", undefined],
    ]);
  });
});

describe("backtrace forms", () => {
  it("reads std::backtrace::Backtrace in Display, alternate, Debug and pretty Debug forms", () => {
    const text = sample("force_capture.async.debug.txt");
    const log = parseLog(text);
    expect(log.panics.map((p) => p.backtrace?.style)).toEqual(["short", "full", "debug", "debug"]);
    const [display, full, debug, pretty] = log.panics.map((p) => p.backtrace!.frames);
    expect(display[0].demangled).toBe("force_capture::inner::{{closure}}");
    expect(debug.map((f) => f.demangled)).toEqual(pretty.map((f) => f.demangled));
    expect(debug[0].location).toEqual({ file: "./src/bin/force_capture.rs", line: 7 });
    expect(debug.find((f) => f.name === "main")?.location).toBeUndefined();
    // full: hashes dropped from the demangled name, address kept
    expect(full.every((f) => f.address?.startsWith("0x"))).toBe(true);
    expect(full.some((f) => /::h[0-9a-f]{16}$/.test(f.name))).toBe(true);
    expect(full.some((f) => /::h[0-9a-f]{16}$/.test(f.demangled))).toBe(false);
  });

  it("normalises v0 full names (crate disambiguators) to the same names as legacy", () => {
    const legacy = parseLog(sample("tokio_mt.spawn.debug.btfull.txt")).panics[0].backtrace!.frames;
    const v0 = parseLog(sample("tokio_mt.spawn.debug-v0.btfull.txt")).panics[0].backtrace!.frames;
    const user = (fs: typeof legacy) => fs.filter((f) => f.demangled.includes("btdemo::")).map((f) => f.demangled.replace(/::<[^>]*>/g, "").replace(/\{closure#0\}/g, "{{closure}}"));
    expect(user(v0).slice(0, 6)).toEqual(user(legacy).slice(0, 6));
    expect(v0.some((f) => /\[[0-9a-f]{8,}\]/.test(f.demangled))).toBe(false);
  });

  it("demangles raw mangled names in frames", () => {
    const text = "stack backtrace:\n   0: _ZN6btdemo6worker28_$u7b$$u7b$closure$u7d$$u7d$17h172a4b0f4b47f576E\n   1: _RNvCs1656KGin9a0_6btdemo14handle_request\n";
    const frames = parseLog(text).panics[0].backtrace!.frames;
    expect(frames.map((f) => f.demangled)).toEqual(["btdemo::worker::{{closure}}", "btdemo::handle_request"]);
  });
});

describe("parser robustness (property tests)", () => {
  it("never throws on arbitrary mixes of real and garbage lines, and never invents frames", async () => {
    const fc = (await import("fast-check")).default;
    const realLines = sample("tokio_mt.spawn.debug-v0.btfull.txt").split("\n").concat(sample("tokio_taskdump.1_53.debug.txt").split("\n"), sample("force_capture.async.debug.txt").split("\n"));
    const line = fc.oneof(fc.constantFrom(...realLines), fc.string({ maxLength: 80 }), fc.constantFrom("stack backtrace:", "Stack backtrace:", "Error: x", "Caused by:", "   0: ", "  at ", "╼ ", "TASK 1:", "thread 'x' panicked at '"));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const text = lines.join("\n");
        const log = parseLog(text);
        const frames = log.panics.reduce((n, p) => n + (p.backtrace?.frames.length ?? 0), 0);
        const numbered = lines.filter((l) => /^\s*\d+:\s/.test(l)).length + (text.match(/\{ fn: /g) ?? []).length;
        const unnumbered = lines.filter((l) => /^ {6,}\S+$/.test(l)).length;
        expect(frames).toBeLessThanOrEqual(numbered + unnumbered);
      }),
      { numRuns: 2000 },
    );
  });
});
