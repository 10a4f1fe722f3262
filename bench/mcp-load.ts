/**
 * MCP load test (issue #20): 200 concurrent `lint_rust_async` calls over Streamable HTTP on loopback for
 * 60 s against `async-doctor mcp --http`, then throughput, p50/p99 latency, the server's peak RSS (VmHWM
 * from /proc) and its CPU time (all threads: the lint workers too). Bounded in count and time.
 *   node --import tsx bench/mcp-load.ts [--concurrency 200] [--sessions 50] [--seconds 60] [--bin CLI]...
 * The calls are spread over `--sessions` MCP sessions (several calls in flight per session, as the
 * protocol allows): before the hardening merge the server took at most 64 sessions in all, now 64 per
 * client address, so 200 sessions from one loopback client would measure the session cap, not the
 * server. Half the calls lint a snippet (`code`), half the lint-cases crate (`paths: ["."]`).
 * `--bin` (repeatable; default this checkout) runs checkouts' CLIs in the same run, alternating (e.g. the code before the
 * hardening merge: `git worktree add /tmp/mcp-before ce61045 && (cd /tmp/mcp-before && npm ci)`).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { median } from "./lib/measure.ts";
import { reportBench } from "./lib/report.ts";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const concurrency = Number(arg("concurrency", arg("clients", "200")));
const sessions = Math.min(concurrency, Number(arg("sessions", "50")));
const seconds = Number(arg("seconds", "60"));
const rounds = Number(arg("rounds", "1"));
const here = path.join(import.meta.dirname, "..", "bin", "async-doctor.js");
const bins = args.flatMap((a, i) => (a === "--bin" ? [path.resolve(args[i + 1]!)] : []));
if (bins.length === 0) bins.push(here);
const root = path.resolve(import.meta.dirname, "..", "test", "fixtures", "rust", "lint-cases");
const snippet = readFileSync(path.join(root, "src", "blocking_in_async.rs"), "utf8");
const clockTicks = 100; // USER_HZ on Linux

interface Run {
  bin: string;
  ok: number;
  /** Per kind of call: the snippet lints are cheap, the crate lints ~8× dearer; a fair queue serves both. */
  snippetOk: number;
  crateOk: number;
  snippetP50: number;
  crateP50: number;
  crateP99: number;
  errors: number;
  refusedSessions: number;
  elapsed: number;
  perSecond: number;
  p50: number;
  p99: number;
  peakRssMb: number;
  cpuSeconds: number;
  load: number;
}

async function run(bin: string): Promise<Run> {
  const child = spawn(process.execPath, [bin, "mcp", "--http", "--listen", "127.0.0.1:0", "--root", root], { stdio: ["ignore", "ignore", "pipe"] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stderr!.on("data", (c: Buffer) => {
      text += c.toString();
      const m = /listening on (http:\/\/\S+\/mcp)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.on("exit", () => reject(new Error(text)));
  });
  const proc = (file: string) => readFileSync(`/proc/${child.pid}/${file}`, "utf8");
  let peakKb = 0;
  let cpuTicks = 0;
  const sample = () => {
    try {
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(proc("status"))?.[1] ?? 0));
      // utime and stime: fields 14 and 15, counted after the command name's closing parenthesis.
      const fields = proc("stat").slice(proc("stat").lastIndexOf(")") + 2).split(" ");
      cpuTicks = Number(fields[11]) + Number(fields[12]);
    } catch {
      // the server has exited
    }
  };
  const sampler = setInterval(sample, 200);

  const latencies: number[] = [];
  const byKind: [number[], number[]] = [[], []];
  let errors = 0;
  let refused = 0;
  const deadline = Date.now() + seconds * 1000;
  const clients: Client[] = [];
  for (let s = 0; s < sessions; s++) {
    try {
      const client = new Client({ name: `load-${s}`, version: "0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      clients.push(client);
    } catch {
      refused++;
    }
  }
  const caller = async (i: number): Promise<void> => {
    const client = clients[i % clients.length];
    if (!client) return;
    while (Date.now() < deadline) {
      const started = performance.now();
      try {
        const result = await client.callTool({ name: "lint_rust_async", arguments: i % 2 === 0 ? { code: snippet } : { paths: ["."], limit: 5 } }, undefined, { timeout: 300_000 });
        if (result.isError) errors++;
        else {
          latencies.push(performance.now() - started);
          byKind[i % 2]!.push(performance.now() - started);
        }
      } catch {
        errors++;
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, (_, i) => caller(i)));
  const elapsed = (Date.now() - started) / 1000;
  sample();
  clearInterval(sampler);
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  child.kill("SIGTERM");
  for (const list of [latencies, ...byKind]) list.sort((a, b) => a - b);
  const pctOf = (list: number[], p: number) => (list.length ? list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))]! : Number.NaN);
  const pct = (p: number) => pctOf(latencies, p);
  return {
    bin,
    ok: latencies.length,
    snippetOk: byKind[0].length,
    crateOk: byKind[1].length,
    snippetP50: pctOf(byKind[0], 50),
    crateP50: pctOf(byKind[1], 50),
    crateP99: pctOf(byKind[1], 99),
    errors,
    refusedSessions: refused,
    elapsed,
    perSecond: latencies.length / elapsed,
    p50: pct(50),
    p99: pct(99),
    peakRssMb: peakKb / 1024,
    cpuSeconds: cpuTicks / clockTicks,
    load: os.loadavg()[0]!,
  };
}

const runs: Run[] = [];
for (let r = 0; r < rounds; r++) {
  for (const bin of bins) {
    const result = await run(bin);
    runs.push(result);
    console.log(JSON.stringify(result));
  }
}
const label = (bin: string) => (bin === here ? "this checkout" : path.relative(process.cwd(), bin) || bin);
const rows = bins.map((bin) => {
  const mine = runs.filter((r) => r.bin === bin);
  const m = (f: (r: Run) => number) => median(mine.map(f));
  return [
    label(bin),
    mine.length,
    m((r) => r.ok),
    m((r) => r.errors),
    m((r) => r.refusedSessions),
    `${m((r) => r.perSecond).toFixed(1)}/s`,
    `${(m((r) => r.p50) / 1000).toFixed(2)} s`,
    `${(m((r) => r.p99) / 1000).toFixed(2)} s`,
    `${m((r) => r.snippetOk)} / ${m((r) => r.crateOk)}`,
    `${(m((r) => r.snippetP50) / 1000).toFixed(2)} s / ${(m((r) => r.crateP50) / 1000).toFixed(2)} s`,
    `${(m((r) => r.crateP99) / 1000).toFixed(2)} s`,
    `${m((r) => r.peakRssMb).toFixed(0)} MB`,
    `${m((r) => r.cpuSeconds).toFixed(1)} s`,
    `${((m((r) => r.cpuSeconds) / Math.max(1, m((r) => r.ok))) * 1000).toFixed(0)} ms`,
  ];
});
reportBench({
  title: "MCP server under load: concurrent lints over HTTP",
  baseline: bins.length > 1 ? "the other checkouts given with `--bin`, alternating in the same run" : "none in this run (give `--bin` for another checkout)",
  method: `${concurrency} calls in flight over ${sessions} sessions for ${seconds} s on loopback (half a snippet, half the lint-cases crate), then the calls in flight finish; server CPU (all threads) and VmHWM from /proc; medians of ${rounds} round(s)`,
  tables: [
    {
      columns: ["server", "rounds", "calls ok", "errors", "sessions refused", "throughput", "p50 latency", "p99 latency", "ok: snippet / crate", "p50: snippet / crate", "p99 crate", "peak RSS", "server CPU", "CPU per call"],
      rows,
    },
  ],
});
process.exit(0);
