// One measured configuration of the lint benchmark, in its own process so peak memory is its own.
// Usage: lint-child.ts parse|lint ROOT [jobs]
import { findRustFiles } from "../src/rust/crate-walker.ts";
import { readSource } from "../src/rust/read-source.ts";
import { rustParser } from "../src/rust/parser.ts";
import { lintPaths } from "../src/lint/api.ts";

const [mode, root, jobsArg] = process.argv.slice(2);
const started = performance.now();
let lines = 0;
let files = 0;
let findings = 0;
if (mode === "parse") {
  const parser = await rustParser();
  for (const file of await findRustFiles([root!])) {
    const read = await readSource(file);
    if (!read.ok) continue;
    files++;
    lines += read.file.lineCount;
    parser.parse(read.file.text)!.delete();
  }
} else {
  const result = await lintPaths([root!], { jobs: Number(jobsArg ?? 1) });
  files = result.filesChecked;
  lines = result.linesChecked;
  findings = result.findings.length;
}
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ mode, jobs: Number(jobsArg ?? 1), files, lines, findings, ms, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + "\n");
