import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyseLog } from "../../src/trace/analyse.ts";
import { renderJson } from "../../src/trace/render-json.ts";
import { renderText } from "../../src/trace/render-text.ts";
import { sharedFixture } from "../support/shared.ts";

/**
 * Golden outputs for a representative set of shared samples. Regenerate with UPDATE_GOLDEN=1 and review
 * the diff by eye: the chains must match the program structure described in the fixtures' README.
 */
const goldenDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "golden");
const update = process.env.UPDATE_GOLDEN === "1";

const representative = [
  "tokio_mt.spawn.debug.bt1.txt",
  "tokio_mt.spawn.debug-v0.btfull.txt",
  "tokio_mt.spawn.release-lto.bt1.txt",
  "std_only.assert.debug.bt1.txt",
  "std_only.thread.release-v0.btfull.txt",
  "force_capture.async.debug.txt",
  "tokio_taskdump.1_53.debug.txt",
  "async_backtrace.taskdump_and_panic.txt",
];

function check(file: string, actual: string): void {
  const target = path.join(goldenDir, file);
  if (update || !existsSync(target)) {
    if (!update) throw new Error(`golden file missing: ${file} (run with UPDATE_GOLDEN=1)`);
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(target, actual);
    return;
  }
  expect(actual).toBe(readFileSync(target, "utf8"));
}

describe("golden outputs", () => {
  for (const name of representative) {
    it(name, () => {
      const text = readFileSync(sharedFixture("backtraces", name), "utf8");
      // No local sources: the output must not depend on the machine.
      const result = analyseLog(text, { roots: ["/nonexistent-root"] });
      check(name.replace(/\.txt$/, ".text"), renderText(result, { color: false, full: false }));
      check(name.replace(/\.txt$/, ".json"), renderJson(result));
    });
  }
  it("full mode keeps every frame", () => {
    const text = readFileSync(sharedFixture("backtraces", "tokio_mt.spawn.debug.bt1.txt"), "utf8");
    const out = renderText(analyseLog(text, { roots: ["/nonexistent-root"] }), { color: false, full: true });
    const frameLines = out.split("\n").filter((l) => /^\s+\d+\s{2}\S/.test(l));
    expect(frameLines).toHaveLength(55);
    expect(out).not.toContain("folded");
  });
});
