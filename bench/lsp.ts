/**
 * Speed and memory of `async-doctor lsp` (npm run bench:lsp; needs `npm run build`), the server run
 * as an editor runs it (a child process on stdio) and driven by vscode-languageserver-protocol's client:
 *
 *  1. keystrokes: the workspace is tokio 1.24.2 (Debian's sources, ~98k lines), the buffer its
 *     src/net/windows/named_pipe.rs (2,587 lines, many async fns). Text is typed into an async fn one
 *     character per didChange, at typing speed (a key every 120 ms, a pause after each 10 so the
 *     idle whole-crate pass runs too). Per keystroke: wall time from didChange to the
 *     publishDiagnostics of that version, and the CPU time the server's main thread spent in that
 *     window (/proc/PID/schedstat, ns), which is what the latency is on an idle machine, minus the
 *     debounce wait.
 *  2. first index: every crate of /usr/share/cargo/registry (~1.17M lines) as one workspace folder,
 *     with $/progress: time to the progress end, CPU of the whole server process (all threads),
 *     peak and final RSS; then keystrokes in the same buffer with that index in memory.
 *
 * Usage: npm run bench:lsp [-- --keystrokes N] [-- --skip-index]
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LspClient } from "../test/lsp/support/lsp-client.ts";

const registry = "/usr/share/cargo/registry";
const tokio = path.join(registry, "tokio-1.24.2");
const bufferFile = path.join(tokio, "src/net/windows/named_pipe.rs");
const args = process.argv.slice(2);
const keystrokes = Number(args[args.indexOf("--keystrokes") + 1] ?? 0) || 200;
const skipIndex = args.includes("--skip-index");

const clockTick = 100; // USER_HZ on Linux
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTick;
}
function mainThreadCpuNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
}
function memoryMB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function indexed(root: string): Promise<{ client: LspClient; ms: number; cpuMs: number; progressReports: number }> {
  const client = LspClient.start({ cwd: os.tmpdir() });
  const pid = client.child.pid!;
  const started = performance.now();
  const cpuBefore = processCpuMs(pid);
  await client.initialize({ roots: [root], capabilities: { window: { workDoneProgress: true } } });
  await client.waitFor(() => client.progress.some((p) => (p.value as { kind: string }).kind === "end"), "first index", 1_800_000);
  return { client, ms: performance.now() - started, cpuMs: processCpuMs(pid) - cpuBefore, progressReports: client.progress.filter((p) => (p.value as { kind: string }).kind === "report").length };
}

/** Types `count` characters into an async fn of the buffer; returns per-keystroke wall and CPU ms. */
async function type(client: LspClient, count: number): Promise<{ wall: number[]; cpu: number[] }> {
  const text = readFileSync(bufferFile, "utf8");
  const lines = text.split("\n");
  // Inside `pub async fn connect(&self)` of NamedPipeServer: a fresh line at the start of its body.
  const at = lines.findIndex((line) => line.includes("pub async fn connect(&self)")) + 1;
  await client.open(bufferFile, text, 1);
  await client.waitForDiagnostics(bufferFile, (p) => p.version === 1, 0, 120_000);
  const pid = client.child.pid!;
  const typed = "let pending_bytes = self.io.registration().poll_read_ready(cx);";
  const wall: number[] = [];
  const cpu: number[] = [];
  let version = 1;
  let column = 8;
  await client.change(bufferFile, ++version, [{ range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, text: "        \n" }]);
  await client.waitForDiagnostics(bufferFile, (p) => p.version === version, 0, 120_000);
  for (let i = 0; i < count; i++) {
    const char = typed[i % typed.length]!;
    const cpuBefore = mainThreadCpuNs(pid);
    const sent = performance.now();
    await client.change(bufferFile, ++version, [{ range: { start: { line: at, character: column }, end: { line: at, character: column } }, text: char }]);
    const expected = version;
    await client.waitForDiagnostics(bufferFile, (p) => p.version === expected, 0, 120_000);
    wall.push(performance.now() - sent);
    cpu.push((mainThreadCpuNs(pid) - cpuBefore) / 1e6);
    column++;
    if ((i + 1) % typed.length === 0) {
      // Next line: delete what was typed, as if the user started over.
      await client.change(bufferFile, ++version, [{ range: { start: { line: at, character: 8 }, end: { line: at, character: column } }, text: "" }]);
      column = 8;
    }
    await sleep((i + 1) % 10 === 0 ? 700 : 120);
  }
  return { wall, cpu };
}

function report(label: string, result: { wall: number[]; cpu: number[] }): void {
  const row = (values: number[]) => `${percentile(values, 50).toFixed(1)} / ${percentile(values, 95).toFixed(1)} / ${Math.max(...values).toFixed(1)}`;
  console.log(`| ${label} | ${result.wall.length} | ${row(result.wall)} | ${row(result.cpu)} |`);
}

console.log(`machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.log(`buffer: ${path.relative(registry, bufferFile)} (${readFileSync(bufferFile, "utf8").split("\n").length} lines)`);
console.log("");
console.log("| workspace | keystrokes | didChange → publishDiagnostics, wall ms p50 / p95 / max | server main-thread CPU ms per keystroke p50 / p95 / max |");
console.log("|---|---|---|---|");

const small = await indexed(tokio);
const smallKeys = await type(small.client, keystrokes);
report(`tokio 1.24.2 (${small.client.logs.find((l) => /indexed/.test(l))?.replace(/^async-doctor: /, "")})`, smallKeys);
const smallMemory = memoryMB(small.client.child.pid!);
await small.client.shutdown();

let big: Awaited<ReturnType<typeof indexed>> | undefined;
let bigMemory: { rss: number; peak: number } | undefined;
let bigAfterIndex: { rss: number; peak: number } | undefined;
if (!skipIndex) {
  big = await indexed(registry);
  bigAfterIndex = memoryMB(big.client.child.pid!);
  const bigKeys = await type(big.client, Math.min(keystrokes, 100));
  report(`all of ${registry} (${big.client.logs.find((l) => /indexed/.test(l))?.replace(/^async-doctor: /, "")})`, bigKeys);
  bigMemory = memoryMB(big.client.child.pid!);
  await big.client.shutdown();
}

console.log("");
console.log("| first index | wall | server CPU (all threads) | $/progress reports | RSS after index | peak RSS |");
console.log("|---|---|---|---|---|---|");
console.log(`| tokio 1.24.2 | ${(small.ms / 1000).toFixed(1)} s | ${(small.cpuMs / 1000).toFixed(1)} s | ${small.progressReports} | — | ${smallMemory.peak.toFixed(0)} MB (RSS ${smallMemory.rss.toFixed(0)} MB after the keystrokes) |`);
if (big && bigMemory && bigAfterIndex) {
  console.log(`| ${registry} | ${(big.ms / 1000).toFixed(1)} s | ${(big.cpuMs / 1000).toFixed(1)} s | ${big.progressReports} | ${bigAfterIndex.rss.toFixed(0)} MB | ${bigMemory.peak.toFixed(0)} MB (RSS ${bigMemory.rss.toFixed(0)} MB after the keystrokes) |`);
}
