/**
 * Issue #20 D5–D13 on the MCP server: stdio message bounds and malformed lines, per-call time budgets,
 * one shared lint pool, HTTP session eviction and Content-Length checks, ReDoS-free filters, long lines,
 * gRPC frame cap, control characters. Each case failed before (the server exited 0 silently, hung, grew
 * one pool per request, or locked new clients out for 30 minutes).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { parseTaskFilter } from "../../src/console/snapshot/filter.ts";
import type { TaskRow } from "../../src/console/snapshot/task-columns.ts";
import { runCli } from "../support/cli.ts";
import { projectRoot } from "../support/shared.ts";
import { bin, call, connectHttp, connectStdio, startHttpServerProcess, textOf } from "../mcp/support.ts";
import { nestedClosures } from "./hostile-inputs.ts";

/** Talks raw newline-delimited JSON-RPC to `async-doctor mcp` on stdio. */
function rawStdio(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bin, "mcp", "--root", projectRoot], { cwd: projectRoot, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["pipe", "pipe", "pipe"] });
  let buffer = "";
  const waiting: Array<(m: Record<string, unknown>) => void> = [];
  const received: Array<Record<string, unknown>> = [];
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let i: number;
    while ((i = buffer.indexOf("\n")) !== -1) {
      const message = JSON.parse(buffer.slice(0, i)) as Record<string, unknown>;
      buffer = buffer.slice(i + 1);
      const next = waiting.shift();
      if (next) next(message);
      else received.push(message);
    }
  });
  const next = () => new Promise<Record<string, unknown>>((resolve) => (received.length > 0 ? resolve(received.shift()!) : waiting.push(resolve)));
  return { child, next, write: (text: string | Buffer) => new Promise<void>((resolve) => child.stdin.write(text, () => resolve())) };
}

const initialize = `${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } })}\n`;

describe("MCP under attack", () => {
  it("D5 (stdio): an oversized line gets a JSON-RPC error with its id, a malformed one a parse error, and the server goes on", async () => {
    const s = rawStdio({ ASYNC_DOCTOR_MCP_MAX_MESSAGE_BYTES: String(1024 * 1024) });
    try {
      await s.write(initialize);
      expect((await s.next()).id).toBe(1);
      await s.write(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"clean_backtrace","arguments":{"text":"${'\\"'.repeat(2 * 1024 * 1024)}"}}}\n`);
      expect(await s.next()).toMatchObject({ id: 7, error: { code: -32600, message: expect.stringMatching(/message over the 1 MiB limit \(ASYNC_DOCTOR_MCP_MAX_MESSAGE_BYTES\)/) } });
      await s.write("this is not json\n");
      expect(await s.next()).toMatchObject({ id: null, error: { code: -32700 } });
      await s.write(`${JSON.stringify({ jsonrpc: "2.0", id: 8, method: "ping" })}\n`);
      expect(await s.next()).toMatchObject({ id: 8, result: {} });
      expect(s.child.exitCode).toBeNull();
    } finally {
      s.child.kill();
    }
  }, 60_000);

  it("D5/D9: a lint over the per-call budget is stopped with an error; the server keeps serving", async () => {
    // The budget is read by the server process: start one with it.
    const slow = await connectStdioWithEnv({ ASYNC_DOCTOR_MCP_REQUEST_BUDGET_MS: "2500" });
    try {
      const started = Date.now();
      const result = await call(slow.client, "lint_rust_async", { code: nestedClosures(120_000) });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/stopped: over the time budget of 3 s per call \(ASYNC_DOCTOR_MCP_REQUEST_BUDGET_MS\)|lint stopped: over the time budget/);
      expect(Date.now() - started).toBeLessThan(15_000);
      const quick = await call(slow.client, "lint_rust_async", { code: "async fn a() { std::thread::sleep(d); }" });
      expect(quick.isError).toBeFalsy();
      expect(quick.structuredContent?.summary.warnings + quick.structuredContent?.summary.errors).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  }, 60_000);

  it("D7: a 500 KiB one-line snippet with many findings answers within seconds", async () => {
    const c = await connectStdioWithEnv({});
    try {
      const line = "async fn f() { " + "std::thread::sleep(d); ".repeat(22_000) + "}";
      const started = Date.now();
      const result = await call(c.client, "lint_rust_async", { code: line.slice(0, 500 * 1024 - 2) + "}" });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(result.structuredContent?.summary.warnings + result.structuredContent?.summary.errors).toBeGreaterThan(10_000);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await c.close();
    }
  }, 60_000);

  it("D13: control characters of a snippet's name and a panic message are escaped in text results", async () => {
    const c = await connectStdioWithEnv({});
    try {
      const lint = await call(c.client, "lint_rust_async", { code: "async fn a() { std::thread::sleep(d); }", fileName: "\u001b]0;owned\u0007.rs" });
      expect(textOf(lint)).toContain("\\x1b]0;owned\\x07.rs");
      const trace = await call(c.client, "clean_backtrace", { text: "thread 'main' panicked at src/main.rs:1:1:\n\u001b[2Jboom\n" });
      expect(textOf(trace)).toContain("\\x1b[2Jboom");
      expect(textOf(lint) + textOf(trace)).not.toContain("\u001b");
    } finally {
      await c.close();
    }
  }, 60_000);
});

const stdioClients: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const c of stdioClients) await c.close().catch(() => {});
});

async function connectStdioWithEnv(env: Record<string, string>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const c = await connectStdio({ args: ["--root", projectRoot] });
    stdioClients.push(c);
    return c;
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

describe("MCP over HTTP under attack", () => {
  it("D12: clients that open sessions and walk away cannot lock others out; Content-Length over the bound is refused before reading", async () => {
    const server = await startHttpServerProcess(["--root", projectRoot], { ASYNC_DOCTOR_MCP_MAX_SESSIONS: "8", ASYNC_DOCTOR_MCP_EVICTABLE_IDLE_MS: "200" });
    try {
      const idle = [];
      for (let i = 0; i < 8; i++) idle.push(await connectHttp(server.url));
      await new Promise((resolve) => setTimeout(resolve, 400));
      const late = await connectHttp(server.url);
      const result = await call(late.client, "explain_rust_async", { topic: "cancellation-safety" });
      expect(result.isError).toBeFalsy();
      await late.close();
      const refused = await new Promise<number>((resolve, reject) => {
        const u = new URL(server.url);
        const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": String(64 * 1024 * 1024), accept: "application/json, text/event-stream" } }, (res) => resolve(res.statusCode ?? 0));
        req.on("error", reject);
        req.write("{");
        // The body never comes: the answer must not wait for it.
      });
      expect(refused).toBe(413);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("D9: 12 concurrent lints of an 80-file crate share one pool (the thread count stays small)", async () => {
    const server = await startHttpServerProcess(["--root", projectRoot]);
    try {
      const clients = await Promise.all(Array.from({ length: 12 }, () => connectHttp(server.url)));
      let maxThreads = 0;
      const sampler = setInterval(() => {
        try {
          const status = readFileSync(`/proc/${server.child.pid}/status`, "utf8");
          maxThreads = Math.max(maxThreads, Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0));
        } catch {}
      }, 50);
      const results = await Promise.all(clients.map((c) => call(c.client, "lint_rust_async", { paths: ["test/fixtures/rust/lint-cases"] })));
      clearInterval(sampler);
      for (const r of results) expect(r.isError, textOf(r)).toBeFalsy();
      // Node's own threads (~11) plus the pool's workers (at most 4), not 2 per request.
      expect(maxThreads).toBeLessThan(20);
      await Promise.all(clients.map((c) => c.close()));
    } finally {
      await server.stop();
    }
  }, 120_000);
});

describe("bounded regexes and frames", () => {
  it("D6: a catastrophic pattern in a filter runs in linear time (RE2 semantics)", () => {
    const predicate = parseTaskFilter("name~/(a+)+$/");
    const row = { name: `${"a".repeat(100_000)}!`, fields: {} } as unknown as TaskRow;
    const started = performance.now();
    expect(predicate(row)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(() => parseTaskFilter("name~/(?=a)/")).toThrow(/bad regular expression \(RE2 syntax\)/);
  });

  it("D13: the live client refuses a gRPC frame announced as 1 GiB without buffering it", async () => {
    const server = http2.createServer();
    server.on("stream", (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" });
      const header = Buffer.from([0, 0x40, 0, 0, 0]); // 1 GiB
      stream.write(header);
      stream.write(Buffer.alloc(1024));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const result = await runCli(["console", "snapshot", `127.0.0.1:${port}`], { env: { ASYNC_DOCTOR_MAX_GRPC_FRAME_BYTES: String(16 * 1024 * 1024) } });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/gRPC message of 1073741824 bytes exceeds the limit of 16777216/);
    } finally {
      server.close();
    }
  }, 60_000);
});
