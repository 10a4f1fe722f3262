/**
 * Issue #20 D1 and issue #14 (input policy): the lint CLI on hostile inputs, as a child process.
 * Each case failed before: the nested macros took the parser's memory to an abort that killed every
 * later parse, one such file failed a whole tree (exit 2), FIFOs hung, devices were read to the end.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { blockingFile, manyFns, nestedJoins } from "./hostile-inputs.ts";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lint-hardening-"));
});

function crate(name: string, files: Record<string, string>): string {
  const root = path.join(dir, name);
  mkdirSync(path.join(root, "src"), { recursive: true });
  writeFileSync(path.join(root, "Cargo.toml"), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`);
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, "src", file), text);
  return root;
}

function stderrLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.trim() !== "");
}

describe("lint on hostile inputs", () => {
  it("D1: 2 000 nested join! (28 KB) is linted in bounded memory with a notice, not an abort", async () => {
    const root = crate("nested", { "lib.rs": nestedJoins(2000) });
    const started = Date.now();
    const result = await runCli(["lint", root, "--format", "json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.stderr).toMatch(/macro bodies not analysed: .*ASYNC_DOCTOR_MACRO_BYTES_FACTOR/);
    expect(result.stderr).not.toMatch(/Aborted|at .*\.js:\d+/);
  });

  it("D1: one bad file in a tree of 71 fails alone; the other 70 are checked", async () => {
    const files: Record<string, string> = { "bad.rs": nestedJoins(2000) };
    for (let i = 0; i < 70; i++) files[`good${i}.rs`] = blockingFile;
    const root = crate("tree71", files);
    const result = await runCli(["lint", root, "--format", "json"]);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: Array<{ file: string }>; summary: { files: number } };
    expect(new Set(report.findings.map((f) => path.basename(f.file))).size).toBe(70);
  });

  it("D1: a parser abort (WASM memory cap reached) fails only its file, in one line, and the parser is recreated for the next", async () => {
    const root = crate("abort", { "a.rs": blockingFile, "m.rs": manyFns(40_000), "z.rs": blockingFile });
    const result = await runCli(["lint", root, "--format", "json"], { env: { ASYNC_DOCTOR_PARSER_MEMORY_MB: "48" } });
    expect(result.code, result.stderr).toBe(1);
    const lines = stderrLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/m\.rs: not checked: the parser ran out of memory \(cap 48 MiB, ASYNC_DOCTOR_PARSER_MEMORY_MB\)/);
    const report = JSON.parse(result.stdout) as { findings: Array<{ file: string }> };
    expect(report.findings.map((f) => path.basename(f.file)).sort()).toEqual(["a.rs", "z.rs"]);
  });

  it("#14: a file over the time budget is skipped with a notice and the run goes on", async () => {
    const root = crate("budget", { "a.rs": blockingFile, "big.rs": manyFns(20_000) });
    const result = await runCli(["lint", root, "--format", "json"], { env: { ASYNC_DOCTOR_FILE_TIME_BUDGET_MS: "5" } });
    expect(result.stderr).toMatch(/big\.rs: not checked: over the time budget of 5 ms per file \(ASYNC_DOCTOR_FILE_TIME_BUDGET_MS\)/);
    const report = JSON.parse(result.stdout) as { findings: Array<{ file: string }> };
    expect(report.findings.some((f) => f.file.endsWith("a.rs"))).toBe(true);
  });

  it("#14: a FIFO named x.rs is refused at once (exit 2, one line), and skipped with a notice when walked", async () => {
    const root = crate("fifo", { "a.rs": blockingFile });
    const fifo = path.join(root, "src", "x.rs");
    execFileSync("mkfifo", [fifo]);
    const named = await runCli(["lint", fifo]);
    expect(named.code).toBe(2);
    expect(stderrLines(named.stderr)).toEqual([expect.stringMatching(/x\.rs: a FIFO \(named pipe\), not a regular file/)]);
    const walked = await runCli(["lint", root, "--format", "json"]);
    expect(walked.code).toBe(1);
    expect(walked.stderr).toMatch(/x\.rs: a FIFO \(named pipe\), not a regular file/);
  });

  it("#14: a .rs path to /dev/zero is refused, never read", async () => {
    const link = path.join(dir, "zero.rs");
    symlinkSync("/dev/zero", link);
    const result = await runCli(["lint", link]);
    expect(result.code).toBe(2);
    expect(stderrLines(result.stderr)).toEqual([expect.stringMatching(/zero\.rs: a character device, not a regular file/)]);
  });

  it("#14: stdin and files over their size limits are refused in the user's words", async () => {
    const stdin = await runCli(["lint", "-", "--format", "json"], { input: blockingFile.repeat(100), env: { ASYNC_DOCTOR_MAX_STDIN_BYTES: "1000" } });
    expect(stdin.stderr).toMatch(/stdin is over the limit of 1000 bytes \(ASYNC_DOCTOR_MAX_STDIN_BYTES\)/);
    const root = crate("large", { "a.rs": blockingFile.repeat(100) });
    const file = await runCli(["lint", root, "--format", "json"], { env: { ASYNC_DOCTOR_MAX_FILE_BYTES: "1024" } });
    expect(file.stderr).toMatch(/a\.rs: file too large \(7200 bytes; the limit is 1 KiB, ASYNC_DOCTOR_MAX_FILE_BYTES\)/);
    const bad = await runCli(["lint", root], { env: { ASYNC_DOCTOR_MAX_FILE_BYTES: "lots" } });
    expect(bad.code).toBe(2);
    expect(stderrLines(bad.stderr)).toEqual(["async-doctor: error: ASYNC_DOCTOR_MAX_FILE_BYTES=lots: expected a number of bytes, at least 1"]);
  });
});
