// Lint benchmark (issue: "Speed"): lines/s single-threaded and with workers, peak memory, and the raw
// tree-sitter parse of the same files in the same run; plus `cargo clippy` on one crate for comparison.
// Usage: npm run bench:lint [-- CORPUS_DIR]   (default /usr/share/cargo/registry; run
// `bash scripts/setup-rust.sh --corpus` first for hyper, h2, tower and reqwest)
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, writeFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { reportBench, skipBench } from "./lib/report.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = process.argv[2] ?? "/usr/share/cargo/registry";
const runs = Number(process.env.BENCH_RUNS ?? 1);

interface ChildResult { mode: string; jobs: number; files: number; lines: number; findings: number; ms: number; maxRssMB: number }

function child(mode: string, root: string, jobs = 1): ChildResult {
  let best: ChildResult | undefined;
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ["--import", "tsx", path.join(here, "lint-child.ts"), mode, root, String(jobs)], { encoding: "utf8", maxBuffer: 1 << 26 });
    const result = JSON.parse(out.trim().split("\n").pop()!) as ChildResult;
    if (!best || result.ms < best.ms) best = result;
  }
  return best!;
}

if (!existsSync(corpus)) skipBench("lint", `no corpus at ${corpus} (bash scripts/setup-rust.sh --corpus)`);
const crates = readdirSync(corpus).length;
console.log(`corpus: ${corpus} (${crates} crates); machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; best of ${runs}`);
const parse = child("parse", corpus);
const lint1 = child("lint", corpus, 1);
const lintN = child("lint", corpus, os.availableParallelism());
const rate = (r: ChildResult) => `${Math.round(r.lines / (r.ms / 1000)).toLocaleString("en-US")} lines/s`;
console.log(`| run | files | lines | time | speed | peak RSS |`);
console.log(`|---|---|---|---|---|---|`);
for (const [label, r] of [["raw tree-sitter parse (1 thread)", parse], ["lint, 1 thread", lint1], [`lint, ${lintN.jobs} worker threads`, lintN]] as const) {
  console.log(`| ${label} | ${r.files} | ${r.lines.toLocaleString("en-US")} | ${(r.ms / 1000).toFixed(1)} s | ${rate(r)} | ${r.maxRssMB.toFixed(0)} MB |`);
}
console.log(`lint (1 thread) / raw parse: ${(lint1.ms / parse.ms).toFixed(2)}×; findings: ${lint1.findings}`);
const notes: string[] = [];

// cargo clippy on tokio 1.24.2 (Debian's sources), cold, against async-doctor on the same sources.
const tokio = path.join(corpus, "tokio-1.24.2");
if (existsSync(tokio) && spawnSync("cargo", ["--version"]).status === 0) {
  const work = mkdtempSync(path.join(os.tmpdir(), "async-doctor-bench-clippy-"));
  const crate = path.join(work, "tokio");
  cpSync(tokio, crate, { recursive: true });
  // Debian ships tokio's sources without its dev-dependencies (async-stream, …): drop those tables so
  // cargo can resolve the library offline.
  const manifestPath = path.join(crate, "Cargo.toml");
  const manifest = readFileSync(manifestPath, "utf8")
    .split(/\n(?=\[)/)
    .filter((section) => !/^\[[^\]]*dev-dependencies/.test(section))
    .join("\n");
  writeFileSync(manifestPath, manifest);
  mkdirSync(path.join(crate, ".cargo"), { recursive: true });
  writeFileSync(path.join(crate, ".cargo", "config.toml"), `[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "/usr/share/cargo/registry"\n[net]\noffline = true\n`);
  const started = performance.now();
  const clippy = spawnSync("cargo", ["clippy", "--offline", "--features", "full", "--quiet", "--", "-A", "clippy::never_loop"], { cwd: crate, encoding: "utf8", env: { ...process.env, CARGO_TARGET_DIR: path.join(work, "target"), RUSTFLAGS: "" } });
  const clippyMs = performance.now() - started;
  const ours = child("lint", crate, 1);
  const line = `tokio 1.24.2: cargo clippy --features full (cold) ${(clippyMs / 1000).toFixed(1)} s${clippy.status === 0 ? "" : " (failed: " + clippy.stderr.split("\n")[0] + ")"}; async-doctor lint ${(ours.ms / 1000).toFixed(1)} s (${ours.lines.toLocaleString("en-US")} lines)`;
  console.log(line);
  notes.push(line);
}
reportBench({
  title: "lint against a raw tree-sitter parse of the same files",
  baseline: "a raw tree-sitter parse of the same files (bench/lint-child.ts parse), in its own process",
  method: `each configuration in its own process (peak RSS is its own), wall time, best of ${runs} (BENCH_RUNS); corpus ${corpus} (${crates} crates)`,
  tables: [
    {
      columns: ["run", "files", "lines", "time", "speed", "peak RSS"],
      rows: ([["raw tree-sitter parse (1 thread)", parse], ["lint, 1 thread", lint1], [`lint, ${lintN.jobs} worker threads`, lintN]] as const).map(([label, r]) => [label, r.files, r.lines.toLocaleString("en-US"), `${(r.ms / 1000).toFixed(1)} s`, rate(r), `${r.maxRssMB.toFixed(0)} MB`]),
    },
  ],
  targets: [
    { what: "lint, 1 thread, against the raw parse", target: "≤ 1.5×", measured: `${(lint1.ms / parse.ms).toFixed(2)}×`, met: lint1.ms / parse.ms <= 1.5 },
    { what: `speed-up with ${lintN.jobs} workers`, target: "≥ 1.7×", measured: `${(lint1.ms / lintN.ms).toFixed(2)}×`, met: lint1.ms / lintN.ms >= 1.7 },
  ],
  notes,
});
