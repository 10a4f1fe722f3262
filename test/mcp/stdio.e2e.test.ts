/**
 * End to end over stdio: the real `async-doctor mcp` child process, driven by the SDK's client. Every
 * tool is called on real fixtures: the lint-cases crate, the shared kitchen-sink recording and .grpc
 * body, and shared panic logs.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, sharedFixture } from "../support/shared.ts";
import { call, connectStdio, textOf, type Connected } from "./support.ts";

const lintCases = path.join(projectRoot, "test/fixtures/rust/lint-cases");
const sharedFixtures = () => path.dirname(path.dirname(sharedFixture("console", "kitchen-sink.recording.jsonl")));
const recording = () => sharedFixture("console", "kitchen-sink.recording.jsonl");
const panicLog = () => sharedFixture("backtraces", "tokio_mt.spawn.debug.bt1.txt");

let c: Connected;
let outside: string;

beforeAll(async () => {
  outside = mkdtempSync(path.join(os.tmpdir(), "mcp-outside-"));
  writeFileSync(path.join(outside, "secret.rs"), "fn main() { std::thread::sleep(std::time::Duration::from_secs(1)); }\n");
  c = await connectStdio({ args: ["--root", lintCases, "--root", sharedFixtures()] });
}, 120_000);

afterAll(async () => {
  await c?.close();
});

describe("mcp over stdio", () => {
  it("lists the six tools with input and output schemas and read-only annotations", async () => {
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["clean_backtrace", "console_diagnose", "console_snapshot", "console_task_details", "explain_rust_async", "lint_rust_async"]);
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      expect(tool.description!.length, tool.name).toBeGreaterThan(80);
    }
    const lint = tools.find((t) => t.name === "lint_rust_async")!;
    expect(Object.keys(lint.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(["paths", "code", "rules", "offset", "limit"]));
  });

  it("lists every explain topic and rule doc as a resource with a stable URI, and reads them", async () => {
    const { resources } = await c.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain("async-doctor://topics/future-and-poll");
    expect(uris).toContain("async-doctor://rules/blocking-in-async");
    expect(uris).toContain("async-doctor://runtime-rules/lost-waker");
    expect(uris.filter((u) => u.startsWith("async-doctor://topics/")).length).toBeGreaterThanOrEqual(13);
    expect(uris.filter((u) => u.startsWith("async-doctor://rules/")).length).toBeGreaterThanOrEqual(13);
    expect(uris.filter((u) => u.startsWith("async-doctor://runtime-rules/")).length).toBe(10);
    const doc = await c.client.readResource({ uri: "async-doctor://rules/guard-across-await" });
    expect(doc.contents[0]!.mimeType).toBe("text/markdown");
    expect(String((doc.contents[0] as { text: string }).text)).toMatch(/guard/i);
    const topic = await c.client.readResource({ uri: "async-doctor://topics/wakers" });
    expect(String((topic.contents[0] as { text: string }).text)).toMatch(/^# .*\n/);
    await expect(c.client.readResource({ uri: "async-doctor://rules/../../package.json" })).rejects.toThrow();
  });

  it("lists the three prompts and fills in their arguments", async () => {
    const { prompts } = await c.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(["diagnose_slow_tokio_app", "explain_panic", "review_async_code"]);
    const review = await c.client.getPrompt({ name: "review_async_code", arguments: { code: "async fn f() { std::thread::sleep(d); }" } });
    const text = (review.messages[0]!.content as { text: string }).text;
    expect(text).toContain("lint_rust_async");
    expect(text).toContain("std::thread::sleep(d)");
    const diag = await c.client.getPrompt({ name: "diagnose_slow_tokio_app", arguments: { target: "http://127.0.0.1:6669" } });
    expect((diag.messages[0]!.content as { text: string }).text).toContain("console_diagnose");
  });

  it("lint_rust_async: lints the lint-cases crate with counts by rule, pages findings, and reports progress", async () => {
    const progress: number[] = [];
    const first = await call(c.client, "lint_rust_async", { paths: [lintCases], limit: 5 }, { onprogress: (p) => progress.push(p.progress) });
    expect(first.isError).toBeFalsy();
    const s = first.structuredContent!;
    expect(s.summary.files).toBeGreaterThanOrEqual(10);
    expect(s.summary.byRule["blocking-in-async"]).toBeGreaterThan(0);
    expect(s.summary.byRule["guard-across-await"]).toBeGreaterThan(0);
    expect(s.summary.errors + s.summary.warnings + s.summary.notes).toBe(s.total);
    expect(s.findings).toHaveLength(5);
    expect(s.nextOffset).toBe(5);
    expect(textOf(first)).toMatch(/call again with offset=5/);
    expect(progress.length).toBeGreaterThan(0);
    // The default page keeps a whole-crate answer small.
    const defaults = await call(c.client, "lint_rust_async", { paths: [lintCases] });
    expect(defaults.structuredContent!.findings).toHaveLength(20);
    expect(JSON.stringify(defaults).length).toBeLessThan(40_000);
    expect(textOf(defaults).length).toBeLessThan(6_000);
    const second = await call(c.client, "lint_rust_async", { paths: [lintCases], offset: 5, limit: 5 });
    expect(second.structuredContent!.findings[0]).not.toEqual(s.findings[0]);
    const onlyRule = await call(c.client, "lint_rust_async", { paths: ["src"], rules: ["guard-across-await"], limit: 200 });
    expect(new Set(onlyRule.structuredContent!.findings.map((f: { rule: string }) => f.rule))).toEqual(new Set(["guard-across-await"]));
    expect(onlyRule.structuredContent!.nextOffset).toBeNull();
  });

  it("lint_rust_async: lints an inline snippet", async () => {
    const code = "async fn handler() {\n    std::thread::sleep(std::time::Duration::from_millis(10));\n}\n";
    const r = await call(c.client, "lint_rust_async", { code });
    expect(r.structuredContent!.findings).toEqual([expect.objectContaining({ rule: "blocking-in-async", line: 2 })]);
    expect(textOf(r)).toMatch(/1 finding/);
  });

  it("explain_rust_async: a topic by id, a question, and the state machine at FILE:LINE", async () => {
    const byId = await call(c.client, "explain_rust_async", { topic: "wakers" });
    expect(byId.structuredContent).toMatchObject({ kind: "topic", confidence: 1, topic: { id: "wakers", uri: "async-doctor://topics/wakers" } });
    expect(byId.structuredContent!.topic.body.length).toBeGreaterThan(500);
    const q = await call(c.client, "explain_rust_async", { question: "future cannot be sent between threads safely" });
    expect(q.structuredContent!.topic.id).toBe("future-not-send");
    const at = await call(c.client, "explain_rust_async", { at: "src/guard_across_await.rs:20" });
    expect(at.isError, textOf(at)).toBeFalsy();
    expect(at.structuredContent!.kind).toBe("state-machine");
    expect(at.structuredContent!.stateMachine.awaits.length).toBeGreaterThan(0);
  });

  it("console_snapshot: the shared kitchen-sink recording, filtered, sorted and paged", async () => {
    const r = await call(c.client, "console_snapshot", { target: recording(), sort: "busy", limit: 3 });
    const s = r.structuredContent!;
    expect(s.source.kind).toBe("recording");
    expect(s.totals.tasks).toBeGreaterThan(100);
    expect(s.tasks).toHaveLength(3);
    expect(s.nextOffset).toBe(3);
    expect(s.tasks[0].busyNs).toBeGreaterThanOrEqual(s.tasks[1].busyNs);
    const named = await call(c.client, "console_snapshot", { target: recording(), filters: ["name~blocker"] });
    expect(named.structuredContent!.tasks.map((t: { name: string }) => t.name)).toEqual(["blocker"]);
    expect(named.structuredContent!.matched).toBe(1);
    const bad = await call(c.client, "console_snapshot", { target: recording(), filters: ["nonsense>>"] });
    expect(bad.isError).toBe(true);
  });

  it("console_diagnose: finds the kitchen-sink problems in the recording", async () => {
    const r = await call(c.client, "console_diagnose", { target: recording() });
    const s = r.structuredContent!;
    const found = s.diagnoses.map((d: { rule: string; task: { name: string } | null }) => `${d.rule}:${d.task?.name ?? ""}`).sort();
    expect(found).toEqual(expect.arrayContaining(["blocking-poll:blocker", "lost-waker:lost-waker", "self-wake-spin:self-waker"]));
    expect(s.summary.byRule["lost-waker"]).toBe(1);
    expect(s.diagnoses[0].docs).toMatch(/^async-doctor:\/\/runtime-rules\//);
    const allowed = await call(c.client, "console_diagnose", { target: recording(), allow: ["lost-waker"] });
    expect(allowed.structuredContent!.summary.byRule["lost-waker"]).toBeUndefined();
  });

  it("console_task_details: history of one task, and its poll histogram from the .grpc body", async () => {
    const r = await call(c.client, "console_task_details", { target: recording(), task: "blocker", historySamples: 3 });
    const s = r.structuredContent!;
    expect(s.task.name).toBe("blocker");
    expect(s.latest.polls).toBe(4);
    expect(s.history.length).toBeLessThanOrEqual(3);
    expect(s.historyTotal).toBeGreaterThanOrEqual(s.history.length);
    const grpc = await call(c.client, "console_task_details", { target: sharedFixture("console", "kitchen-sink.watchupdates.grpc"), task: "blocker" });
    expect(grpc.structuredContent!.pollHistogram.count).toBe(4);
    expect(grpc.structuredContent!.pollHistogram.maxNs).toBeGreaterThan(250e6);
    const withResources = await call(c.client, "console_snapshot", { target: sharedFixture("console", "kitchen-sink.watchupdates.grpc"), includeResources: true, limit: 2 });
    expect(withResources.structuredContent!.totals.resources).toBeGreaterThan(0);
    expect(withResources.structuredContent!.resources.length).toBeGreaterThan(0);
    expect(withResources.structuredContent!.resources.length).toBeLessThanOrEqual(2);
    expect(withResources.structuredContent!.tasks[0].pollHistogram?.buckets).toBeUndefined();
    const missing = await call(c.client, "console_task_details", { target: recording(), task: "no-such-task" });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/console_snapshot/);
  });

  it("clean_backtrace: the shared tokio panic log, as a file and as text", async () => {
    const r = await call(c.client, "clean_backtrace", { file: panicLog() });
    expect(r.isError, textOf(r)).toBeFalsy();
    const s = r.structuredContent!;
    expect(s.summary.panics).toBeGreaterThanOrEqual(1);
    const names = s.panics.flatMap((p: { chain: { name: string }[] }) => p.chain.map((l) => l.name)).join(" ");
    expect(names).toMatch(/fetch_generic/);
    expect(names).toMatch(/handle_request|worker/);
    expect(s.panics[0].frames).toBeUndefined();
    expect(s.panics[0].frameCount).toBeGreaterThan(s.panics[0].chain.length);
    const { readFileSync } = await import("node:fs");
    const asText = await call(c.client, "clean_backtrace", { text: readFileSync(panicLog(), "utf8"), includeFrames: true });
    expect(asText.structuredContent!.panics[0].frames.length).toBe(asText.structuredContent!.panics[0].frameCount);
    const nothing = await call(c.client, "clean_backtrace", { text: "all good, nothing panicked" });
    expect(nothing.isError).toBe(true);
  });
});

describe("mcp over stdio: security and bad input", () => {
  it("refuses path traversal and absolute paths outside the roots", async () => {
    for (const [tool, args] of [
      ["lint_rust_async", { paths: ["../../../../etc"] }],
      ["lint_rust_async", { paths: [path.join(outside, "secret.rs")] }],
      ["explain_rust_async", { at: `${path.join(outside, "secret.rs")}:1` }],
      ["clean_backtrace", { file: "/etc/passwd" }],
      ["console_snapshot", { target: path.join(projectRoot, "package.json") }],
    ] as const) {
      const r = await call(c.client, tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(r)).toMatch(/outside the allowed roots/);
    }
  });

  it("refuses a symlink inside a root that points out of it", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "mcp-root-"));
    mkdirSync(path.join(root, "src"));
    symlinkSync(path.join(outside, "secret.rs"), path.join(root, "src", "escape.rs"));
    symlinkSync(outside, path.join(root, "outside-dir"));
    const s = await connectStdio({ args: ["--root", root] });
    try {
      for (const p of ["src/escape.rs", "outside-dir", "outside-dir/secret.rs"]) {
        const r = await call(s.client, "lint_rust_async", { paths: [p] });
        expect(r.isError, p).toBe(true);
        expect(textOf(r)).toMatch(/outside the allowed roots/);
      }
      // Linting the root itself does not follow the symlinks inside it.
      writeFileSync(path.join(root, "src", "ok.rs"), "async fn f() {}\n");
      const whole = await call(s.client, "lint_rust_async", { paths: ["."] });
      expect(whole.structuredContent!.summary.files).toBe(1);
      expect(whole.structuredContent!.findings).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it("clean_backtrace does not show source lines of files outside the roots that a log names", async () => {
    const secretDir = mkdtempSync(path.join(os.tmpdir(), "mcp-secret-"));
    writeFileSync(path.join(secretDir, "lib.rs"), Array.from({ length: 60 }, (_, i) => `// TOPSECRET line ${i + 1}`).join("\n"));
    const { readFileSync } = await import("node:fs");
    const log = readFileSync(panicLog(), "utf8").replaceAll("./src/lib.rs", path.join(secretDir, "lib.rs"));
    const r = await call(c.client, "clean_backtrace", { text: log });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(JSON.stringify(r.structuredContent)).toContain(path.join(secretDir, "lib.rs"));
    expect(JSON.stringify(r)).not.toContain("TOPSECRET");
    // The same log with the file inside a root does show the line (so the check above can fail).
    const inside = await call(c.client, "clean_backtrace", { text: readFileSync(panicLog(), "utf8").replaceAll("./src/lib.rs", path.join(lintCases, "src/blocking_in_async.rs")) });
    expect(inside.structuredContent!.panics.some((p: { chain: { source: string | null }[] }) => p.chain.some((l) => l.source))).toBe(true);
  });

  it("reads a lint config inside the root but never one above it", async () => {
    const outer = mkdtempSync(path.join(os.tmpdir(), "mcp-config-"));
    const root = path.join(outer, "crate");
    mkdirSync(path.join(root, "src"), { recursive: true });
    writeFileSync(path.join(outer, "async-doctor.toml"), "TOPSECRET = = =\n");
    writeFileSync(path.join(root, "src", "lib.rs"), "pub async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n");
    const s = await connectStdio({ args: ["--root", root] });
    try {
      const r = await call(s.client, "lint_rust_async", { paths: ["src"] });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(JSON.stringify(r)).not.toContain("TOPSECRET");
      expect(r.structuredContent!.summary.byRule["blocking-in-async"]).toBe(1);
      const at = await call(s.client, "explain_rust_async", { at: "src/lib.rs:2" });
      expect(at.isError, textOf(at)).toBeFalsy();
      expect(JSON.stringify(at)).not.toContain("TOPSECRET");
      expect(at.structuredContent!.stateMachine.lintError).toBeUndefined();
      expect(at.structuredContent!.stateMachine.findings).toEqual([expect.objectContaining({ rule: "blocking-in-async", line: 2 })]);
      writeFileSync(path.join(root, "async-doctor.toml"), '[rules]\nblocking-in-async = "off"\n');
      const configured = await call(s.client, "lint_rust_async", { paths: ["src"] });
      expect(configured.structuredContent!.summary.byRule["blocking-in-async"]).toBeUndefined();
      const atConfigured = await call(s.client, "explain_rust_async", { at: "src/lib.rs:2" });
      expect(atConfigured.structuredContent!.stateMachine.findings).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it("refuses remote console targets", async () => {
    const r = await call(c.client, "console_diagnose", { target: "http://192.0.2.1:6669" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/only loopback/);
  });

  it("an unreachable live target is a quick tool error naming it", async () => {
    for (const tool of ["console_snapshot", "console_diagnose", "console_task_details"]) {
      const started = Date.now();
      const r = await call(c.client, tool, { target: "127.0.0.1:1", task: "x", durationMs: 500 });
      expect(r.isError, tool).toBe(true);
      expect(textOf(r)).toMatch(/127\.0\.0\.1:1/);
      expect(Date.now() - started).toBeLessThan(8_000);
    }
  }, 60_000);

  it("bounds input sizes", async () => {
    const huge = "// x\n".repeat(120_000);
    const r = await call(c.client, "lint_rust_async", { code: huge });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/byte limit/);
    const tooManyPaths = await call(c.client, "lint_rust_async", { paths: Array.from({ length: 100 }, () => "src") });
    expect(tooManyPaths.isError).toBe(true);
    const longTarget = await call(c.client, "console_snapshot", { target: "x".repeat(10_000) });
    expect(longTarget.isError).toBe(true);
    const pageTooBig = await call(c.client, "lint_rust_async", { paths: ["src"], limit: 100_000 });
    expect(pageTooBig.isError).toBe(true);
  });

  it("answers malformed requests with errors and keeps serving", async () => {
    const wrongType = await call(c.client, "lint_rust_async", { paths: "src" });
    expect(wrongType.isError).toBe(true);
    const both = await call(c.client, "lint_rust_async", { paths: ["src"], code: "fn main() {}" });
    expect(both.isError).toBe(true);
    expect(textOf(both)).toMatch(/either paths .* or code/);
    const unknownRule = await call(c.client, "lint_rust_async", { code: "fn main() {}", rules: ["no-such-rule"] });
    expect(textOf(unknownRule)).toMatch(/unknown rule 'no-such-rule'/);
    await expect(c.client.callTool({ name: "rm_rf", arguments: {} })).resolves.toMatchObject({ isError: true });
    const still = await call(c.client, "explain_rust_async", { topic: "select" });
    expect(still.isError).toBeFalsy();
  });
});

describe("mcp over stdio: client roots", () => {
  it("uses the client's roots instead of --root when the client declares them", async () => {
    const roots = [lintCases];
    const s = await connectStdio({ args: ["--root", sharedFixtures()], clientRoots: roots });
    try {
      const inside = await call(s.client, "lint_rust_async", { paths: ["src/blocking_in_async.rs"] });
      expect(inside.isError, textOf(inside)).toBeFalsy();
      const notGiven = await call(s.client, "console_snapshot", { target: recording() });
      expect(notGiven.isError).toBe(true);
      expect(textOf(notGiven)).toMatch(/outside the allowed roots/);
      // The client changes its roots and says so: the server asks again.
      roots.splice(0, roots.length, sharedFixtures());
      await s.client.sendRootsListChanged();
      const now = await call(s.client, "console_snapshot", { target: recording(), limit: 1 });
      expect(now.isError, textOf(now)).toBeFalsy();
      const gone = await call(s.client, "lint_rust_async", { paths: [path.join(lintCases, "src/blocking_in_async.rs")] });
      expect(textOf(gone)).toMatch(/outside the allowed roots/);
    } finally {
      await s.close();
    }
  });
});

describe("mcp over stdio: a big workspace", () => {
  it("lints 80 files (worker threads) with progress notifications up to the total, and pages the findings", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "mcp-big-"));
    mkdirSync(path.join(root, "src"));
    writeFileSync(path.join(root, "Cargo.toml"), '[package]\nname = "big"\nversion = "0.1.0"\nedition = "2021"\n');
    const mods: string[] = [];
    for (let i = 0; i < 79; i++) {
      mods.push(`mod m${i};`);
      writeFileSync(path.join(root, "src", `m${i}.rs`), `pub async fn load${i}() -> String {\n    std::fs::read_to_string("f${i}").unwrap()\n}\n`);
    }
    writeFileSync(path.join(root, "src", "lib.rs"), `${mods.join("\n")}\n`);
    const s = await connectStdio({ args: ["--root", root] });
    try {
      const seen: { progress: number; total?: number }[] = [];
      const r = await call(s.client, "lint_rust_async", { paths: ["."], limit: 10 }, { onprogress: (p) => seen.push(p) });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(r.structuredContent!.summary.files).toBe(80);
      expect(r.structuredContent!.summary.byRule["blocking-in-async"]).toBe(79);
      expect(r.structuredContent!.findings).toHaveLength(10);
      expect(r.structuredContent!.nextOffset).toBe(10);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((p) => p.total === 80)).toBe(true);
      expect(seen.at(-1)!.progress).toBe(80);
    } finally {
      await s.close();
    }
  }, 120_000);
});
