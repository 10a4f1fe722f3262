/**
 * Speed of `async-doctor trace` (node --import tsx bench/trace-bench.ts [--mb 100]):
 *  1. demangle every Rust symbol of the panic-chains fixture binaries (debug, release, v0; `nm`), plus the
 *     shared demangling vectors, in both forms, and the same symbols through binutils' c++filt in the same
 *     run (one process per form, symbols on stdin: its start-up is amortised over all symbols);
 *  2. clean a large log (default 100 MB): the shared backtrace samples repeated, interleaved with ordinary
 *     log lines, through parse → classify → chains → text rendering.
 * Build the fixture binaries first (the trace tests do, or `cargo build` in test/fixtures/rust/panic-chains).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyseLog } from "../src/trace/analyse.ts";
import { demangle } from "../src/trace/demangle/index.ts";
import { renderText } from "../src/trace/render-text.ts";
import { sharedFixturesRoot } from "../test/support/shared.ts";
import { rustTargetDir } from "../test/support/rust.ts";

const mbArg = process.argv.indexOf("--mb");
const logMb = mbArg > 0 ? Number(process.argv[mbArg + 1]) : 100;

// ---- 1. demangling ----
const binaries = [
  path.join(rustTargetDir, "debug", "panic-chains"),
  path.join(rustTargetDir, "release", "panic-chains"),
  path.join(rustTargetDir, "v0", "debug", "panic-chains"),
].filter((b) => existsSync(b));
const symbolSet = new Set<string>();
for (const b of binaries) {
  for (const s of execFileSync("nm", ["-j", b], { maxBuffer: 1 << 28 }).toString().split("\n")) if (/^_?_(ZN|R[A-Z])/.test(s)) symbolSet.add(s);
}
const demangleDir = path.join(sharedFixturesRoot, "demangle");
for (const f of readdirSync(demangleDir).filter((f) => f.endsWith(".tsv"))) {
  for (const line of readFileSync(path.join(demangleDir, f), "utf8").split("\n")) {
    const sym = line.split("\t")[0];
    if (/^_?_(ZN|R[A-Z])/.test(sym)) symbolSet.add(sym);
  }
}
const unique = [...symbolSet];
// Repeat to a size where c++filt's process start-up is noise.
const symbols: string[] = [];
while (symbols.length < 100_000) symbols.push(...unique);
const input = `${symbols.join("\n")}\n`;

/**
 * CPU seconds (user + system) of the best of `rounds` runs: the build machines are shared and loaded, so
 * wall time says more about the neighbours than about us; CPU time is comparable between the two sides.
 */
function cpuTime(body: () => void, rounds = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    body();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  return best;
}

/** CPU seconds of c++filt over the symbol file, measured by bash's `time` (children are not in our cpuUsage). */
function cxxfiltCpu(flags: string[], file: string, rounds = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const out = execFileSync("bash", ["-c", `TIMEFORMAT='%U %S'; { time c++filt ${flags.join(" ")} < '${file}' > /dev/null; } 2>&1`]).toString().trim().split(/\s+/);
    best = Math.min(best, Number(out[0]) + Number(out[1]));
  }
  return best;
}

const symbolFile = path.join(mkdtempSync(path.join(os.tmpdir(), "trace-bench-")), "symbols.txt");
writeFileSync(symbolFile, input);

// Warm the JIT up in both modes before measuring either.
for (let r = 0; r < 2; r++) for (const s of unique) demangle(s, { hash: r === 0 }) + demangle(s, { hash: r === 1 });

const rows: Array<Record<string, string>> = [];
for (const [label, hash, flags] of [
  ["with hashes ({}, c++filt)", true, []],
  ["short ({:#}, c++filt -i)", false, ["-i"]],
] as const) {
  let sink = 0;
  const ours = cpuTime(() => {
    for (const s of symbols) sink += demangle(s, { hash }).length;
  }, 5);
  const theirs = cxxfiltCpu([...flags], symbolFile, 5);
  rows.push({
    demangle: label,
    symbols: String(symbols.length),
    "async-doctor sym/s (CPU)": (symbols.length / ours).toFixed(0),
    "c++filt sym/s (CPU)": (symbols.length / theirs).toFixed(0),
    "speed vs c++filt": `${(theirs / ours).toFixed(2)}×`,
  });
  if (sink < 0) console.log(sink);
}

// ---- 2. log cleaning ----
const backtraceDir = path.join(sharedFixturesRoot, "backtraces");
const samples = readdirSync(backtraceDir)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .map((f) => readFileSync(path.join(backtraceDir, f), "utf8"));
const noise = Array.from({ length: 40 }, (_, i) => `2026-11-25T10:00:${String(i % 60).padStart(2, "0")}Z INFO app::server: handled request id=${i} status=200 latency_ms=${i * 3}`).join("\n");
const parts: string[] = [];
let size = 0;
for (let i = 0; size < logMb * 1e6; i++) {
  const chunk = `${samples[i % samples.length]}\n${noise}\n`;
  parts.push(chunk);
  size += chunk.length;
}
const log = parts.join("");
const c0 = process.cpuUsage();
const t0 = performance.now();
const result = analyseLog(log, { roots: ["/nonexistent-root"] });
const t1 = performance.now();
const text = renderText(result, { color: false, full: false });
const t2 = performance.now();
const cpu = process.cpuUsage(c0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const frames = result.panics.reduce((n, p) => n + (p.report.backtrace?.frames.length ?? 0), 0);

console.log(`machine: ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, node ${process.version}; binaries: ${binaries.length}, unique symbols: ${unique.length}`);
console.table(rows);
console.table([
  {
    log: `${(log.length / 1e6).toFixed(0)} MB`,
    panics: result.panics.length,
    frames,
    dumps: result.dumps.length,
    "parse+chains s": ((t1 - t0) / 1000).toFixed(2),
    "render s": ((t2 - t1) / 1000).toFixed(2),
    "MB/s (wall)": (log.length / 1e6 / ((t2 - t0) / 1000)).toFixed(1),
    "MB/s (CPU)": (log.length / 1e6 / cpuSeconds).toFixed(1),
    "output MB": (text.length / 1e6).toFixed(1),
  },
]);
