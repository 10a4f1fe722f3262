/**
 * Speed of `async-doctor trace` against binutils' c++filt, as whole commands in the same run (issue #13):
 *   node --import tsx bench/trace-bench.ts [--runs 5] [--mb 100] [--symbols 106000]
 *  1. `trace demangle` (both forms) and `c++filt` / `c++filt -i` over the same ≥ 106k symbols: every Rust
 *     symbol of the panic-chains fixture binaries (debug, release, v0; `nm`) and of the shared demangling
 *     vectors, repeated to the count. Nothing is cached between lines, so the repetition only sizes the
 *     input (c++filt's start-up becomes noise);
 *  2. `trace` (text and JSON) and `c++filt` over the same large log (default 100 MB: the shared backtrace
 *     samples, repeated, interleaved with ordinary log lines). c++filt only demangles; trace parses,
 *     classifies, builds chains and renders;
 *  3. the start-up baselines `node -e 0` and `trace demangle` of one symbol, so the figure beyond
 *     start-up can be read off; and the demangler alone in this process (warm), for the record.
 * Inputs are generated into a temp dir at run time (never committed) and deleted afterwards. Commands run
 * under GNU time, interleaved, medians of CPU time (user + system), wall time and peak RSS.
 * Builds the fixture binaries if they are missing (cargo, offline) and dist/ (`npm run build`) first.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { demangle } from "../src/trace/demangle/index.ts";
import { sharedFixturesRoot } from "../test/support/shared.ts";
import { cargo, cargoAvailable, rustTargetDir } from "../test/support/rust.ts";
import { cpuSeconds, haveGnuTime, interleaved, megabytes, ratio, seconds, type CommandSpec, type Summary } from "./lib/measure.ts";
import { reportBench, skipBench, type BenchTarget } from "./lib/report.ts";

const title = "trace: `trace demangle` and log cleaning against c++filt";
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg("runs", 5);
const logMb = arg("mb", 100);
const symbolCount = arg("symbols", 106_000);

if (!haveGnuTime()) skipBench(title, "GNU time (/usr/bin/time, Debian package `time`) is needed for CPU time and peak RSS of whole commands");
try {
  execFileSync("c++filt", ["--version"], { stdio: "ignore" });
} catch {
  skipBench(title, "binutils' c++filt (the baseline) is not installed");
}

// ---- inputs ----
const binaries = {
  debug: path.join(rustTargetDir, "debug", "panic-chains"),
  release: path.join(rustTargetDir, "release", "panic-chains"),
  v0: path.join(rustTargetDir, "v0", "debug", "panic-chains"),
};
if (!Object.values(binaries).every(existsSync)) {
  if (!cargoAvailable()) skipBench(title, "the panic-chains fixture binaries are not built and cargo is not available");
  process.stderr.write("trace bench: building the panic-chains fixture (debug, release, v0)…\n");
  // The same three builds as test/trace/rust-fixture.test.ts.
  await cargo("panic-chains", ["build", "--quiet"]);
  await cargo("panic-chains", ["build", "--quiet", "--release"]);
  await cargo("panic-chains", ["build", "--quiet", "--config", 'build.rustflags=["--cfg", "tokio_unstable", "-C", "symbol-mangling-version=v0"]'], {
    CARGO_TARGET_DIR: path.join(rustTargetDir, "v0"),
  });
}
const rustSymbol = /^_?_(ZN|R[A-Z])/;
const unique = new Set<string>();
for (const binary of Object.values(binaries)) {
  for (const s of execFileSync("nm", ["-j", binary], { maxBuffer: 1 << 28 }).toString().split("\n")) if (rustSymbol.test(s)) unique.add(s);
}
const demangleDir = path.join(sharedFixturesRoot, "demangle");
for (const f of readdirSync(demangleDir).filter((f) => f.endsWith(".tsv"))) {
  for (const line of readFileSync(path.join(demangleDir, f), "utf8").split("\n")) {
    const sym = line.split("\t")[0]!;
    if (rustSymbol.test(sym)) unique.add(sym);
  }
}
const uniqueSymbols = [...unique];
const symbols: string[] = [];
while (symbols.length < symbolCount) symbols.push(...uniqueSymbols.slice(0, symbolCount - symbols.length));

const work = mkdtempSync(path.join(os.tmpdir(), "trace-bench-"));
const symbolFile = path.join(work, "symbols.txt");
writeFileSync(symbolFile, `${symbols.join("\n")}\n`);
const logFile = path.join(work, "big.log");
const logBytes = writeLog(logFile, logMb * 1e6);

/** The shared backtrace samples, repeated, each followed by 40 ordinary log lines, to `bytes`. */
function writeLog(file: string, bytes: number): number {
  const backtraceDir = path.join(sharedFixturesRoot, "backtraces");
  const samples = readdirSync(backtraceDir)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => readFileSync(path.join(backtraceDir, f), "utf8"));
  const noise = Array.from({ length: 40 }, (_, i) => `2026-11-25T10:00:${String(i % 60).padStart(2, "0")}Z INFO app::server: handled request id=${i} status=200 latency_ms=${i * 3}`).join("\n");
  const fd = openSync(file, "w");
  let size = 0;
  for (let i = 0; size < bytes; i++) size += writeSync(fd, `${samples[i % samples.length]}\n${noise}\n`);
  closeSync(fd);
  return size;
}

// ---- whole commands ----
const root = path.resolve(import.meta.dirname, "..");
const cli = path.join(root, "bin", "async-doctor.js");
// The CLI runs from dist/: build it from the current sources first.
execFileSync(process.execPath, [path.join(root, "scripts", "build.mjs"), "--quiet"], { cwd: root, stdio: "inherit" });
const node = process.execPath;
// cwd is the temp dir: no source files there, so trace attaches no lint findings (that is measured by lint).
const env = { ...process.env, NO_COLOR: "1" };
const spec = (label: string, command: string, args: string[], stdin?: string): CommandSpec => ({ label, command, args, stdin, cwd: work, env });
const oneSymbol = "_ZN6btdemo6worker17h29180cdcd24de0bdE";
const specs: CommandSpec[] = [
  spec("node -e 0", node, ["-e", "0"]),
  spec("trace demangle SYMBOL (one symbol: start-up)", node, [cli, "trace", "demangle", oneSymbol]),
  spec("c++filt < symbols", "c++filt", [], symbolFile),
  spec("trace demangle --hash < symbols", node, [cli, "trace", "demangle", "--hash"], symbolFile),
  spec("c++filt -i < symbols", "c++filt", ["-i"], symbolFile),
  spec("trace demangle < symbols", node, [cli, "trace", "demangle"], symbolFile),
  spec("c++filt < log", "c++filt", [], logFile),
  spec("trace log (text)", node, [cli, "trace", logFile]),
  spec("trace --format json log", node, [cli, "trace", "--format", "json", logFile]),
];
const load0 = os.loadavg()[0]!;
process.stderr.write(`trace bench: ${symbols.length} symbols (${uniqueSymbols.length} unique), ${(logBytes / 1e6).toFixed(0)} MB log; ${runs} interleaved runs…\n`);
let results: Summary[];
try {
  results = interleaved(specs, runs, 1, (r) => process.stderr.write(`  run ${r}/${runs} done (load ${os.loadavg()[0]!.toFixed(1)})\n`));
} finally {
  rmSync(work, { recursive: true, force: true });
}
const by = (label: string) => results.find((r) => r.label === label)!;

// ---- the demangler alone, warm, in this process ----
for (let r = 0; r < 2; r++) for (const s of uniqueSymbols) demangle(s, { hash: r === 0 });
const inProcess = [true, false].map((hash) => {
  const times: number[] = [];
  let sink = 0;
  for (let r = 0; r < 5; r++) times.push(cpuSeconds(() => symbols.forEach((s) => (sink += demangle(s, { hash }).length))));
  if (sink < 0) console.log(sink);
  return times.sort((a, b) => a - b)[2]!;
});

const startup = by("trace demangle SYMBOL (one symbol: start-up)");
const rows = results.map((r) => [r.label, seconds(r.cpu), `${r.cpuMin.toFixed(2)}–${r.cpuMax.toFixed(2)}`, seconds(r.wall), megabytes(r.maxRssMb)]);
const pairs: Array<[string, string, string]> = [
  ["demangle, with hashes (`{}`)", "trace demangle --hash < symbols", "c++filt < symbols"],
  ["demangle, short (`{:#}`)", "trace demangle < symbols", "c++filt -i < symbols"],
  ["clean the log (text)", "trace log (text)", "c++filt < log"],
  ["clean the log (JSON)", "trace --format json log", "c++filt < log"],
];
const comparison = pairs.map(([what, ours, theirs]) => {
  const o = by(ours);
  const t = by(theirs);
  return [what, seconds(o.cpu), seconds(t.cpu), ratio(o.cpu / t.cpu), seconds(o.cpu - startup.cpu), ratio((o.cpu - startup.cpu) / t.cpu), megabytes(o.maxRssMb)];
});
const targets: BenchTarget[] = [
  ...pairs.slice(0, 2).map(([what, ours, theirs]): BenchTarget => {
    const r = by(ours).cpu / by(theirs).cpu;
    return { what: `${what}: CPU of \`${ours}\` vs \`${theirs}\``, target: "≤ 2×", measured: ratio(r), met: r <= 2 };
  }),
  (() => {
    const r = by("trace log (text)").cpu / by("c++filt < log").cpu;
    return { what: "clean a 100 MB log: CPU of `trace` vs `c++filt`", target: "≤ 2×", measured: ratio(r), met: r <= 2 };
  })(),
  (() => {
    const rss = Math.max(by("trace log (text)").maxRssMb, by("trace --format json log").maxRssMb);
    return { what: "clean a 100 MB log: peak RSS (text and JSON)", target: "< 100 MB", measured: megabytes(rss), met: rss < 100 };
  })(),
];

console.log(`trace bench: ${symbols.length} symbols (${uniqueSymbols.length} unique), log ${(logBytes / 1e6).toFixed(0)} MB; load ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}`);
console.table(results.map((r) => ({ command: r.label, "CPU s": r.cpu.toFixed(2), "wall s": r.wall.toFixed(2), "peak MB": r.maxRssMb.toFixed(0) })));
for (const t of targets) console.log(`${t.met ? "met   " : "MISSED"} ${t.what}: ${t.measured} (target ${t.target})`);

reportBench({
  title,
  baseline: "binutils `c++filt` on the same inputs; `node -e 0` and a one-symbol `trace demangle` for start-up",
  method: `whole commands (the built CLI, \`bin/async-doctor.js\`) under GNU time, ${runs} interleaved runs after a warm-up, medians; ${symbols.length.toLocaleString("en-US")} symbols (${uniqueSymbols.length.toLocaleString("en-US")} unique, from the panic-chains binaries and the shared vectors), a ${(logBytes / 1e6).toFixed(0)} MB log of the shared backtrace samples and ordinary lines`,
  tables: [
    { caption: "Against c++filt (CPU = user + system, medians; “beyond start-up” subtracts the one-symbol command)", columns: ["task", "async-doctor CPU", "c++filt CPU", "ratio", "beyond start-up", "ratio beyond start-up", "async-doctor peak RSS"], rows: comparison },
    { caption: "Every command", columns: ["command", "CPU (median)", "CPU range", "wall (median)", "peak RSS"], rows },
    {
      caption: "The demangler alone, warm, in one process (no start-up, no I/O)",
      columns: ["form", "symbols/s (CPU)", "c++filt symbols/s as a whole command"],
      rows: [
        ["with hashes", Math.round(symbols.length / inProcess[0]!).toLocaleString("en-US"), Math.round(symbols.length / by("c++filt < symbols").cpu).toLocaleString("en-US")],
        ["short", Math.round(symbols.length / inProcess[1]!).toLocaleString("en-US"), Math.round(symbols.length / by("c++filt -i < symbols").cpu).toLocaleString("en-US")],
      ],
    },
  ],
  targets,
});
