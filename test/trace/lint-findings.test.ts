import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { analyseLog } from "../../src/trace/analyse.ts";
import { attachLintFindings, fnRange } from "../../src/trace/lint-findings.ts";
import { SourceFiles } from "../../src/trace/source-files.ts";

const source = `async fn fetch(id: u32) -> u32 {
    std::thread::sleep(std::time::Duration::from_millis(10));
    if id > 3 {
        panic!("bad id {id}");
    }
    id
}

#[tokio::main]
async fn main() {
    fetch(7).await;
}
`;

const log = `
thread 'main' (1) panicked at src/main.rs:4:9:
bad id 7
stack backtrace:
   0: __rustc::rust_begin_unwind
   1: core::panicking::panic_fmt
   2: app::fetch::{{closure}}
             at ./src/main.rs:4:9
   3: app::main::{{closure}}
             at ./src/main.rs:11:14
   4: tokio::runtime::park::CachedParkThread::block_on::{{closure}}
             at /usr/share/cargo/registry/tokio-1.24.2/src/runtime/park.rs:283:63
`;

describe("lint findings per user frame", () => {
  it("fnRange finds the body of the fn around a line", () => {
    const lines = source.split("\n");
    expect(fnRange(lines, 4)).toEqual([1, 7]);
    expect(fnRange(lines, 11)).toEqual([10, 12]);
  });

  it("attaches the findings of the function that holds the frame", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "trace-lint-"));
    mkdirSync(path.join(dir, "src"));
    writeFileSync(path.join(dir, "src/main.rs"), source);
    const sources = new SourceFiles([dir]);
    const result = analyseLog(log, { sources });
    const chain = result.panics[0].chain;
    expect(chain.map((l) => [l.kind, l.name, l.line])).toEqual([
      ["async fn", "app::fetch", 4],
      ["async fn", "app::main", 11],
    ]);
    expect(chain[0].source).toBe('panic!("bad id {id}");');
    await attachLintFindings(result, sources);
    expect(chain[0].lint?.map((f) => [f.rule, f.line])).toEqual([["blocking-in-async", 2]]);
    expect(chain[1].lint).toBeUndefined();
  });
});
