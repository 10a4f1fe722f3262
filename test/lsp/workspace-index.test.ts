import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lintPaths } from "../../src/lint/api.ts";
import type { Finding } from "../../src/lint/finding.ts";
import { AnalysisScheduler } from "../../src/lsp/analysis-scheduler.ts";
import { LineIndex, rangeFromLineColumns } from "../../src/lsp/line-index.ts";
import { WorkspaceIndex } from "../../src/lsp/workspace-index.ts";
import { copyOfExample } from "./support/workspace.ts";

const shown = (findings: Finding[]) => findings.map((f) => `${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.rule} ${f.message}`).sort();

describe("WorkspaceIndex: incremental results equal a lint from scratch", () => {
  const { root, remove } = copyOfExample();
  afterAll(remove);
  const main = path.join(root, "src/main.rs");
  const store = path.join(root, "src/store.rs");

  it("after each edit: the edited file at once, every file after the idle crate pass", async () => {
    const index = new WorkspaceIndex({ jobs: 0, openBuffer: () => undefined, log: () => {} });
    const scope = (await index.addRoot(root))!;
    await index.indexScopes([scope]);
    const texts = new Map([main, store].map((file) => [file, readFileSync(file, "utf8")]));
    const edits: Array<[string, (text: string) => string]> = [
      [main, (t) => t.replace("        interval.tick().await;\n", "        interval.tick().await;\n        std::thread::sleep(Duration::from_millis(5));\n")],
      [store, (t) => t.replace("        let ticket = *next;\n", "        let ticket = *next;\n        std::thread::sleep(std::time::Duration::from_millis(1));\n")],
      [main, (t) => `// a line that moves everything below it\n${t}`],
      [main, (t) => t.replace("// Flush the batch to disk.", "// Flush the batch to disk now.")],
      [store, (t) => t.replace("pub fn take_ticket", "pub fn grab_ticket")],
      [main, (t) => t.replace("async fn report_stats", "async fn report_statistics").replace("report_stats(store)", "report_statistics(store)")],
    ];
    let version = 1;
    const chainInMain: boolean[] = [];
    for (const [file, edit] of edits) {
      const text = edit(texts.get(file)!);
      expect(text).not.toBe(texts.get(file));
      texts.set(file, text);
      await index.updateBuffer(file, text, ++version);
      writeFileSync(file, text);
      const scratch = await lintPaths([root]);
      const expected = (f: string) => shown(scratch.findings.filter((finding) => path.resolve(finding.file) === f));
      expect(shown(index.diagnosticsOf(file).findings), `${path.basename(file)} at once, version ${version}`).toEqual(expected(file));
      await index.recheckDirtyCrates();
      for (const other of [main, store, path.join(root, "src/config.rs")]) {
        expect(shown(index.diagnosticsOf(other).findings), `${path.basename(other)} after the crate pass, version ${version}`).toEqual(expected(other));
      }
      chainInMain.push(shown(index.diagnosticsOf(main).findings).some((line) => line.includes("`TicketStore::take_ticket` is called")));
    }
    // The chain through store.rs appeared in main.rs with the second edit and went away with the rename.
    expect(chainInMain).toEqual([false, true, true, true, false, false]);
  }, 120_000);
});

describe("LineIndex", () => {
  it("converts UTF-16 offsets to LSP positions and back, across astral characters and CRLF", () => {
    const text = "fn a() {}\r\nlet s = \"🦀🦀\"; x\n\nlast";
    const lines = LineIndex.of(text);
    expect(lines.lineCount).toBe(4);
    const x = text.indexOf(" x") + 1;
    // `let s = "` (9) + two crabs (2 UTF-16 units each) + `"; ` (3): x is the 17th unit of its line.
    expect(lines.position(x)).toEqual({ line: 1, character: 16 });
    expect(lines.offset({ line: 1, character: 16 })).toBe(x);
    expect(lines.position(text.length)).toEqual({ line: 3, character: 4 });
    expect(lines.offset({ line: 9, character: 0 })).toBe(text.length);
    // Columns in Unicode scalars (how findings outside indexed files are located) become UTF-16.
    const range = rangeFromLineColumns((line) => text.split(/\r?\n/)[line - 1]!, 2, 15, 2, 16);
    expect(range).toEqual({ start: { line: 1, character: 16 }, end: { line: 1, character: 17 } });
  });
});

describe("AnalysisScheduler", () => {
  it("debounces bursts and folds changes during a run into one more run", async () => {
    const runs: number[] = [];
    let release: () => void = () => {};
    const scheduler = new AnalysisScheduler(
      10,
      () =>
        new Promise<void>((resolve) => {
          runs.push(Date.now());
          release = resolve;
        }),
      () => {},
    );
    for (let i = 0; i < 5; i++) scheduler.schedule("a");
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(runs).toHaveLength(1);
    // Three more changes while the first analysis runs: one more run after it, not three.
    for (let i = 0; i < 3; i++) scheduler.schedule("a", 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    let settled = false;
    const done = scheduler.settled("a").then(() => (settled = true));
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toHaveLength(2);
    expect(settled).toBe(false);
    release();
    await done;
    expect(runs).toHaveLength(2);
    expect(scheduler.busy).toBe(false);
  });
});
