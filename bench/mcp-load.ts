/**
 * MCP load test (issue #20): N concurrent clients call lint_rust_async over Streamable HTTP on loopback
 * for D seconds against `async-doctor mcp --http`, then report throughput, p50/p99 latency and the
 * server's peak RSS (sampled from /proc). Bounded in count and time; it stops by itself.
 *   node --import tsx bench/mcp-load.ts [--clients 200] [--seconds 60] [--bin path/to/bin/async-doctor.js]
 * `--bin` runs another checkout's CLI (e.g. main's) for a before/after comparison in the same run.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const clients = Number(arg("clients", "200"));
const seconds = Number(arg("seconds", "60"));
const bin = path.resolve(arg("bin", path.join(import.meta.dirname, "..", "bin", "async-doctor.js")));
const root = path.resolve(import.meta.dirname, "..", "test", "fixtures", "rust", "lint-cases");
const snippet = readFileSync(path.join(root, "src", "blocking_in_async.rs"), "utf8");

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

let peakKb = 0;
const sampler = setInterval(() => {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
  } catch {}
}, 200);

const latencies: number[] = [];
let errors = 0;
let refused = 0;
const deadline = Date.now() + seconds * 1000;
async function worker(i: number): Promise<void> {
  let client: Client;
  try {
    client = new Client({ name: `load-${i}`, version: "0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  } catch {
    refused++;
    return;
  }
  while (Date.now() < deadline) {
    const started = performance.now();
    try {
      const result = await client.callTool({ name: "lint_rust_async", arguments: i % 2 === 0 ? { code: snippet } : { paths: ["."], limit: 5 } }, undefined, { timeout: 300_000 });
      if (result.isError) errors++;
      else latencies.push(performance.now() - started);
    } catch {
      errors++;
    }
  }
  await client.close().catch(() => {});
}
const started = Date.now();
await Promise.all(Array.from({ length: clients }, (_, i) => worker(i)));
const elapsed = (Date.now() - started) / 1000;
clearInterval(sampler);
child.kill("SIGTERM");
latencies.sort((a, b) => a - b);
const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(0) : "-");
console.log(
  JSON.stringify({ bin, clients, seconds, elapsed: elapsed.toFixed(1), ok: latencies.length, errors, refusedSessions: refused, perSecond: (latencies.length / elapsed).toFixed(1), p50ms: pct(50), p99ms: pct(99), peakRssMb: (peakKb / 1024).toFixed(0) }),
);
process.exit(0);
