/**
 * End to end over Streamable HTTP: `async-doctor mcp --http` as a child process on a loopback port,
 * driven by the SDK's client, with a live console target (the kitchen-sink stream replayed by
 * `console serve`). Raw HTTP requests check the transport's guards: bearer token, Origin, Host,
 * malformed JSON, sessions and body size.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { projectRoot, sharedFixture } from "../support/shared.ts";
import { bin, call, connectHttp, startHttpServerProcess, textOf, type Connected } from "./support.ts";

const token = "test-token-1234";
const lintCases = path.join(projectRoot, "test/fixtures/rust/lint-cases");
const sharedFixtures = () => path.dirname(path.dirname(sharedFixture("console", "kitchen-sink.recording.jsonl")));

let server: Awaited<ReturnType<typeof startHttpServerProcess>>;
let replay: ChildProcess;
let liveTarget: string;
let c: Connected;

async function startReplay(): Promise<string> {
  replay = spawn(process.execPath, [bin, "console", "serve", sharedFixture("console", "kitchen-sink.watchupdates.grpc"), "--listen", "127.0.0.1:0", "--speed", "max"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise<string>((resolve, reject) => {
    let text = "";
    replay.stderr!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(text);
      if (m) resolve(m[0]);
    });
    replay.on("exit", () => reject(new Error(`console serve exited: ${text}`)));
  });
}

beforeAll(async () => {
  [server, liveTarget] = await Promise.all([
    startHttpServerProcess(["--root", lintCases, "--root", sharedFixtures()], { ASYNC_DOCTOR_MCP_TOKEN: token }),
    startReplay(),
  ]);
  c = await connectHttp(server.url, { authorization: `Bearer ${token}` });
}, 120_000);

afterAll(async () => {
  await c?.close().catch(() => {});
  await server?.stop();
  replay?.kill();
});

/** A raw request with node:http (fetch does not let a test set Host). */
function raw(method: string, url: string, headers: Record<string, string>, body?: string | Buffer): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const initialize = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
});
const jsonHeaders = { "content-type": "application/json", accept: "application/json, text/event-stream" };

describe("mcp over HTTP", () => {
  it("lists tools, resources and prompts", async () => {
    expect((await c.client.listTools()).tools).toHaveLength(6);
    expect((await c.client.listResources()).resources.some((r) => r.uri === "async-doctor://runtime-rules/blocking-poll")).toBe(true);
    expect((await c.client.listPrompts()).prompts.map((p) => p.name)).toContain("explain_panic");
  });

  it("console_snapshot observes a live target (console serve) with progress notifications", async () => {
    const progress: number[] = [];
    const r = await call(c.client, "console_snapshot", { target: liveTarget, durationMs: 1500, filters: ["name~blocker"] }, { onprogress: (p) => progress.push(p.progress) });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent!.source.kind).toBe("live");
    expect(r.structuredContent!.tasks.map((t: { name: string }) => t.name)).toEqual(["blocker"]);
    expect(r.structuredContent!.tasks[0].location).toMatch(/kitchen-sink\.rs/);
    expect(progress.length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("console_diagnose on the live target finds the kitchen-sink problems", async () => {
    const r = await call(c.client, "console_diagnose", { target: liveTarget, durationMs: 2000 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const found = r.structuredContent!.diagnoses.map((d: { rule: string; task: { name: string } | null }) => `${d.rule}:${d.task?.name ?? ""}`);
    expect(found).toEqual(expect.arrayContaining(["blocking-poll:blocker", "lost-waker:lost-waker", "self-wake-spin:self-waker"]));
    expect(r.structuredContent!.source.kind).toBe("live");
  }, 60_000);

  it("console_task_details on the live target", async () => {
    const r = await call(c.client, "console_task_details", { target: liveTarget, task: "self-waker", durationMs: 1000 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent!.task.name).toBe("self-waker");
    expect(r.structuredContent!.latest.selfWakes).toBeGreaterThan(0);
  }, 60_000);

  it("lint, explain and clean_backtrace work over HTTP too", async () => {
    const lint = await call(c.client, "lint_rust_async", { paths: ["src/select_cancel_unsafe.rs"] });
    expect(lint.structuredContent!.summary.byRule["select-cancel-unsafe"]).toBeGreaterThan(0);
    const explain = await call(c.client, "explain_rust_async", { topic: "pin-and-unpin" });
    expect(explain.structuredContent!.topic.id).toBe("pin-and-unpin");
    const bt = await call(c.client, "clean_backtrace", { file: sharedFixture("backtraces", "std_only.unwrap.debug.bt1.txt") });
    expect(bt.structuredContent!.summary.panics).toBe(1);
    const outside = await call(c.client, "clean_backtrace", { file: path.join(projectRoot, "package.json") });
    expect(outside.isError).toBe(true);
  });
});

describe("mcp over HTTP: transport security", () => {
  it("requires the bearer token", async () => {
    const none = await raw("POST", server.url, jsonHeaders, initialize);
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/Bearer/);
    const wrong = await raw("POST", server.url, { ...jsonHeaders, authorization: "Bearer nope" }, initialize);
    expect(wrong.status).toBe(401);
    const right = await raw("POST", server.url, { ...jsonHeaders, authorization: `Bearer ${token}` }, initialize);
    expect(right.status).toBe(200);
    expect(right.headers["mcp-session-id"]).toBeTruthy();
  });

  it("checks Origin and Host (DNS rebinding)", async () => {
    const auth = { ...jsonHeaders, authorization: `Bearer ${token}` };
    expect((await raw("POST", server.url, { ...auth, origin: "https://evil.example" }, initialize)).status).toBe(403);
    expect((await raw("POST", server.url, { ...auth, origin: "http://localhost:3000" }, initialize)).status).toBe(200);
    expect((await raw("POST", server.url, { ...auth, host: "evil.example:80" }, initialize)).status).toBe(403);
  });

  it("answers malformed requests with JSON-RPC errors", async () => {
    const auth = { ...jsonHeaders, authorization: `Bearer ${token}` };
    const notJson = await raw("POST", server.url, auth, "{not json");
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.code).toBe(-32700);
    const noSession = await raw("POST", server.url, auth, JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }));
    expect(noSession.status).toBe(400);
    const unknownSession = await raw("POST", server.url, { ...auth, "mcp-session-id": "not-a-session" }, JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }));
    expect(unknownSession.status).toBe(404);
    const tooBig = await raw("POST", server.url, auth, Buffer.alloc(17 * 1024 * 1024, 32));
    expect(tooBig.status).toBe(413);
    const elsewhere = await raw("POST", server.url.replace(/\/mcp$/, "/other"), auth, initialize);
    expect(elsewhere.status).toBe(404);
  }, 60_000);

  it("ends a session on DELETE; the session id is then unknown", async () => {
    const auth = { ...jsonHeaders, authorization: `Bearer ${token}` };
    const init = await raw("POST", server.url, auth, initialize);
    const id = String(init.headers["mcp-session-id"]);
    const list = JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list" });
    const before = await raw("POST", server.url, { ...auth, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" }, list);
    expect(before.status).toBe(200);
    expect(before.body).toContain("lint_rust_async");
    const del = await raw("DELETE", server.url, { authorization: `Bearer ${token}`, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" });
    expect(del.status).toBe(200);
    const after = await raw("POST", server.url, { ...auth, "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" }, list);
    expect(after.status).toBe(404);
  });

  it("refuses to listen on a non-loopback address without a token", async () => {
    const { code, stderr } = await runCli(["mcp", "--http", "--listen", "0.0.0.0:0"], { env: { ASYNC_DOCTOR_MCP_TOKEN: "" } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/not a loopback address: set a bearer token/);
  });
});
