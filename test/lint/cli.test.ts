import { mkdtempSync, writeFileSync, readFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { projectRoot } from "../support/shared.ts";

const snippet = `
async fn handler() {
    std::thread::sleep(std::time::Duration::from_millis(5));
}
`;

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "async-doctor-lint-"));
}

describe("async-doctor lint (CLI)", () => {
  it("lints stdin and exits 1 with a rustc-style report", async () => {
    const result = await runCli(["lint", "-", "--stdin-filename", "snippet.rs"], { input: snippet });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("warning[blocking-in-async]");
    expect(result.stdout).toContain("--> snippet.rs:3:5");
    expect(result.stdout).toMatch(/\^{10,}/);
  });

  it("exits 0 on clean code and with --fail-on never", async () => {
    const clean = await runCli(["lint", "-"], { input: "async fn f() { tokio::time::sleep(std::time::Duration::from_millis(5)).await; }\n" });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("no async pitfalls found");
    const never = await runCli(["lint", "-", "--fail-on", "never"], { input: snippet });
    expect(never.code).toBe(0);
  });

  it("--fail-on error ignores warnings but not errors", async () => {
    expect((await runCli(["lint", "-", "--fail-on", "error"], { input: snippet })).code).toBe(0);
    const error = "async fn f() { futures::executor::block_on(async {}); }\n";
    expect((await runCli(["lint", "-", "--fail-on", "error"], { input: error })).code).toBe(1);
  });

  it("prints the documented JSON shape with 1-based positions", async () => {
    const result = await runCli(["lint", "-", "--format", "json", "--stdin-filename", "x.rs"], { input: snippet });
    const data = JSON.parse(result.stdout) as { findings: Array<Record<string, unknown>>; summary: Record<string, unknown> };
    expect(data.findings).toHaveLength(1);
    const finding = data.findings[0]!;
    expect(finding).toMatchObject({ rule: "blocking-in-async", severity: "warning", file: "x.rs", line: 3, column: 5, endLine: 3 });
    expect(finding.endColumn).toBe(3 + "std::thread::sleep(std::time::Duration::from_millis(5))".length + 2);
    expect(typeof finding.help).toBe("string");
    expect(finding.fix).toMatchObject({ applicability: "machine-applicable" });
    expect(data.summary).toMatchObject({ files: 1, warnings: 1, errors: 0 });
  });

  it("prints SARIF 2.1.0 and cargo JSON lines", async () => {
    const sarif = JSON.parse((await runCli(["lint", "-", "--format", "sarif", "--stdin-filename", "x.rs"], { input: snippet })).stdout);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].columnKind).toBe("unicodeCodePoints");
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: "blocking-in-async", level: "warning" });
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region).toMatchObject({ startLine: 3, startColumn: 5 });
    const cargo = (await runCli(["lint", "-", "--format", "cargo-json", "--stdin-filename", "x.rs"], { input: snippet })).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(cargo[0].reason).toBe("compiler-message");
    expect(cargo[0].message.spans[0]).toMatchObject({ line_start: 3, column_start: 5, is_primary: true });
    expect(cargo[0].message.spans[0].byte_start).toBe(snippet.indexOf("std::thread"));
    expect(cargo.at(-1)).toMatchObject({ reason: "build-finished" });
  });

  it("counts columns in Unicode scalar values", async () => {
    const input = `async fn f() { let s = "é😀"; std::thread::sleep(std::time::Duration::ZERO); }\n`;
    const data = JSON.parse((await runCli(["lint", "-", "--format", "json"], { input })).stdout);
    expect(data.findings[0].column).toBe([...input.slice(0, input.indexOf("std::thread"))].length + 1);
  });

  it("honours inline allow comments on the line and the line before", async () => {
    const input = `async fn f() {
    // async-doctor: allow(blocking-in-async) start-up only
    std::thread::sleep(std::time::Duration::ZERO);
    std::thread::sleep(std::time::Duration::ZERO); // async-doctor: allow(blocking-in-async)
    std::thread::sleep(std::time::Duration::ZERO);
}
`;
    const data = JSON.parse((await runCli(["lint", "-", "--format", "json"], { input })).stdout);
    expect(data.findings.map((f: { line: number }) => f.line)).toEqual([5]);
  });

  it("reads async-doctor.toml: rules off, severities, extra blocking functions and safe wrappers", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "async-doctor.toml"), `[rules]\ndetached-spawn = "off"\nblocking-in-async = "error"\n[blocking]\nfunctions = ["legacy_query"]\nsafe-wrappers = ["offload"]\n`);
    writeFileSync(
      path.join(dir, "lib.rs"),
      `fn offload<F: FnOnce()>(f: F) { f() }
async fn f() {
    tokio::spawn(async {});
    db::legacy_query();
    offload(|| std::thread::sleep(std::time::Duration::ZERO));
}
`,
    );
    const data = JSON.parse((await runCli(["lint", dir, "--format", "json"])).stdout);
    expect(data.findings.map((f: { rule: string; line: number; severity: string }) => `${f.rule}:${f.line}:${f.severity}`)).toEqual(["blocking-in-async:4:error"]);
  });

  it("rejects unknown rules, bad config and missing paths with exit 2 and one line", async () => {
    const unknown = await runCli(["lint", "-", "--rule", "no-such-rule"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    const missing = await runCli(["lint", "/no/such/path"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or directory/);
    const dir = tempDir();
    writeFileSync(path.join(dir, "async-doctor.toml"), "[rules\n");
    const bad = await runCli(["lint", dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid TOML/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it("skips binary, non-UTF-8 files and target/, reports syntax errors, never crashes", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "binary.rs"), Buffer.from([0x66, 0x6e, 0x00, 0x01]));
    writeFileSync(path.join(dir, "latin1.rs"), Buffer.from([0x2f, 0x2f, 0xe9, 0x0a]));
    writeFileSync(path.join(dir, "broken.rs"), "async fn f( { std::thread::sleep(d); \n fn g() {}");
    mkdirSync(path.join(dir, "target"));
    writeFileSync(path.join(dir, "target", "gen.rs"), snippet);
    mkdirSync(path.join(dir, "ignored"));
    writeFileSync(path.join(dir, "ignored", "x.rs"), snippet);
    writeFileSync(path.join(dir, ".gitignore"), "ignored/\n");
    const result = await runCli(["lint", dir, "--format", "json"]);
    expect(result.code).toBeLessThan(2);
    const data = JSON.parse(result.stdout);
    const notices = data.summary.notices.map((n: { file: string; kind: string }) => `${path.basename(n.file)}:${n.kind}`).sort();
    expect(notices).toEqual(["binary.rs:skipped", "broken.rs:syntax-error", "latin1.rs:skipped"]);
    expect(data.findings.every((f: { file: string }) => !f.file.includes("target") && !f.file.includes("ignored"))).toBe(true);
  });

  it("--fix rewrites std::thread::sleep statements in async fns and leaves the rest", async () => {
    const dir = tempDir();
    const file = path.join(dir, "main.rs");
    writeFileSync(file, `async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n    let _ = std::fs::read("x");\n}\n`);
    const result = await runCli(["lint", file, "--fix", "--format", "json"]);
    expect(readFileSync(file, "utf8")).toBe(`async fn f() {\n    tokio::time::sleep(std::time::Duration::from_millis(1)).await;\n    let _ = std::fs::read("x");\n}\n`);
    const data = JSON.parse(result.stdout);
    expect(data.findings.map((f: { rule: string; line: number }) => `${f.rule}:${f.line}`)).toEqual(["blocking-in-async:3"]);
    const again = await runCli(["lint", file, "--format", "json"]);
    expect(JSON.parse(again.stdout).findings).toHaveLength(1);
  });

  it("lists rules", async () => {
    const result = await runCli(["lint", "--list-rules"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n")).toHaveLength(14);
  });

  it("finds the bundled example's pitfalls, including the helper chain", async () => {
    const data = JSON.parse((await runCli(["lint", "examples", "--format", "json"])).stdout);
    const rules = new Set(data.findings.map((f: { rule: string }) => f.rule));
    for (const rule of ["blocking-in-async", "guard-across-await", "select-recreated-future", "unbounded-spawn", "detached-spawn"]) expect(rules).toContain(rule);
    const chain = data.findings.find((f: { chain?: string[] }) => f.chain);
    expect(chain.chain).toEqual(["main", "load_settings", "read_config_file", "std::fs::read_to_string"]);
  });

  it("the README's sample of `npm start` is what the bundled example really prints", async () => {
    const result = await runCli(["lint", "examples/", "--fail-on", "never"]);
    expect(result.code).toBe(0);
    const firstFinding = result.stdout.split("\n\n")[0]!;
    const readme = readFileSync(path.join(projectRoot, "README.md"), "utf8");
    expect(readme).toContain(firstFinding);
    const count = JSON.parse((await runCli(["lint", "examples/", "--format", "json"])).stdout).findings.length;
    // Eight pitfalls, seven findings: the accept loop's spawn is unbounded and detached, one finding names both.
    expect(count).toBe(7);
    expect(readme).toContain("the example has eight pitfalls, in seven findings");
  });
});
