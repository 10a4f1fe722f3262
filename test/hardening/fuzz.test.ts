/**
 * Fuzz suite (issue #14 item 5): fast-check properties over the entry points that take hostile input,
 * in process. Small in CI; `npm run fuzz` runs many more cases (FUZZ_RUNS). The assertion everywhere:
 * no throw other than a one-line usage error, output within its bounds. The CLI-level cases (exit codes,
 * one stderr line, bounded RSS) are in lint-/trace-/mcp-hardening.test.ts, generated from the same
 * hostile inputs (hostile-inputs.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.ts";
import { parseTaskFilter } from "../../src/console/snapshot/filter.ts";
import { lintText } from "../../src/lint/api.ts";
import { analyseLog } from "../../src/trace/analyse.ts";
import { demangleLine, tryDemangle } from "../../src/trace/demangle/index.ts";
import { renderJson } from "../../src/trace/render-json.ts";
import { renderText } from "../../src/trace/render-text.ts";
import { nestedClosures, nestedJoins, v0BackrefBomb } from "./hostile-inputs.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 40);
const timeout = Math.max(60_000, runs * 2_000);

const rustTokens = ["async", "fn", "f", "(", ")", "{", "}", "[", "]", "<", ">", ";", ",", ".await", "tokio::join!", "tokio::select!", "std::thread::sleep", "|x|", "=>", "=", "let", "move", "'a", '"s"', "r#\"", "/*", "*/", "//", "\n", "::", "impl", "for", "match", "loop", "é", "😀", "\u0000", "\u001b[2J"];
const rustish = fc.array(fc.constantFrom(...rustTokens), { maxLength: 400 }).map((t) => t.join(" "));

const logTokens = ["thread 'main' panicked at src/main.rs:1:1:", "stack backtrace:", "   0: ", "             at src/lib.rs:3:4", "_ZN4core3fmt5write17h0123456789abcdefE", "_RNvCs_4core3foo", "[... omitted 3 frames ...]", "Error: x", "Caused by:", "Stack backtrace:", "TASK 1:", "╼ app::f at src/main.rs:1:1", "└┈ ", "Backtrace [", "{ fn: \"f\", file: \"a.rs\", line: 1 }", "]", "task 3 panicked with message \"x\"", "---- t stdout ----", "\u001b]0;x\u0007", "\n", "\r\n", " "];
const logish = fc.array(fc.oneof(fc.constantFrom(...logTokens), fc.string({ maxLength: 40 })), { maxLength: 300 }).map((t) => t.join(""));

function oneLineUsage(error: unknown): void {
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).not.toContain("\n");
}

describe("fuzz", () => {
  it("the demangler never throws and respects its output cap", () => {
    const symbolish = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: fc.constantFrom(..."_RZNIBEThC0123456789abcdefgs_vxyzMXY.$"), maxLength: 200 }).map((s) => `_R${s}`),
      fc.tuple(fc.integer({ min: 1, max: 60 }), fc.nat(40)).map(([levels, cut]) => v0BackrefBomb(levels).slice(0, 10 + cut * 7)),
    );
    fc.assert(
      fc.property(symbolish, (s) => {
        const d = tryDemangle(s, { maxOutput: 4096 });
        if (d) expect(d.text.length).toBeLessThanOrEqual(4096 + 64 + s.length);
        expect(typeof demangleLine(s, { maxOutput: 4096 })).toBe("string");
      }),
      { numRuns: runs * 10 },
    );
  });

  it("trace never throws on garbage logs, and renders them", () => {
    fc.assert(
      fc.property(logish, (log) => {
        const result = analyseLog(log, { roots: ["/nonexistent-root"] });
        for (const p of result.panics) expect(p.report.backtrace?.frames.length ?? 0).toBeLessThanOrEqual(1024);
        expect(renderText(result, { color: false, full: true })).not.toContain("\u001b");
        JSON.parse(renderJson(result));
      }),
      { numRuns: runs * 5 },
    );
  }, timeout);

  it("lint never throws on Rust-ish garbage (a file failure is a notice)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(rustish, fc.integer({ min: 1, max: 300 }).map(nestedJoins), fc.integer({ min: 1, max: 3000 }).map(nestedClosures)), async (code) => {
        try {
          const result = await lintText(code, "fuzz.rs");
          expect(result.filesChecked).toBe(1);
        } catch (error) {
          oneLineUsage(error);
        }
      }),
      { numRuns: runs },
    );
  }, timeout);

  it("console filters are a predicate or a one-line usage error, and run in linear time", () => {
    const filterish = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.tuple(fc.constantFrom("name", "state", "polls", "busy", "id", "field.x", "zzz"), fc.constantFrom("=", "!=", "~", "!~", ">", "<="), fc.string({ maxLength: 30 })).map(([f, o, v]) => `${f}${o}${v}`),
      fc.string({ unit: fc.constantFrom(..."a+*?()|[]{}^$.\\"), maxLength: 30 }).map((r) => `name~/${r}/`),
    );
    const row = { id: "1", name: `${"a".repeat(20_000)}!`, state: "idle", fields: {}, task: {} } as never;
    fc.assert(
      fc.property(filterish, (expr) => {
        let predicate: ((row: never) => boolean) | undefined;
        try {
          predicate = parseTaskFilter(expr);
        } catch (error) {
          oneLineUsage(error);
          return;
        }
        const started = performance.now();
        try {
          predicate(row);
        } catch {
          // A clause on a column this minimal row lacks; the point here is time.
        }
        expect(performance.now() - started).toBeLessThan(1_000);
      }),
      { numRuns: runs * 5 },
    );
  });
});
