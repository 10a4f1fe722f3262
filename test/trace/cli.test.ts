import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot, sharedFixture } from "../support/shared.ts";

const bin = path.join(projectRoot, "bin/async-doctor.js");

async function cli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error && typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

describe("async-doctor trace", () => {
  it("prints the chain of a panic and exits 0", async () => {
    const { code, stdout } = await cli(["trace", sharedFixture("backtraces", "tokio_mt.spawn.debug.bt1.txt")]);
    expect(code).toBe(0);
    expect(stdout).toContain("panic in thread 'tokio-runtime-worker' at src/lib.rs:22:21");
    expect(stdout).toContain("select! branch in btdemo::worker");
    expect(stdout).not.toContain("\u001b[");
  });

  it("--format json has the documented shape", async () => {
    const { code, stdout } = await cli(["trace", "--format", "json", sharedFixture("backtraces", "tokio_mt.spawn.debug-v0.bt1.txt")]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { panics: Array<Record<string, unknown>>; dumps: unknown[] };
    const [p] = json.panics;
    expect(Object.keys(p)).toEqual(expect.arrayContaining(["thread", "message", "location", "chain", "frames"]));
    const chain = p.chain as Array<Record<string, unknown>>;
    const frames = p.frames as Array<Record<string, unknown>>;
    expect(Object.keys(chain[0])).toEqual(expect.arrayContaining(["kind", "name", "file", "line", "column"]));
    expect(Object.keys(frames[0])).toEqual(expect.arrayContaining(["index", "name", "demangled", "file", "line", "column", "class", "folded"]));
    expect(frames).toHaveLength(55);
    expect(json.dumps).toEqual([]);
  });

  it("reads stdin with '-'", async () => {
    const input = "\nthread 'main' (7) panicked at src/main.rs:2:5:\nboom\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
    const { code, stdout } = await cli(["trace", "--format", "json", "-"], input);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).panics[0]).toMatchObject({ thread: "main", message: "boom", location: { file: "src/main.rs", line: 2, column: 5 } });
  });

  it("exits 2 with one line for an unreadable file", async () => {
    const { code, stderr } = await cli(["trace", "/nonexistent/log.txt"]);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/cannot read \/nonexistent\/log\.txt/);
  });

  it("exits 2 when nothing in the input is a panic, backtrace or dump", async () => {
    const { code, stderr } = await cli(["trace", "-"], "just some log\nnothing to see\n");
    expect(code).toBe(2);
    expect(stderr).toMatch(/no panic/);
  });
});

describe("async-doctor trace demangle", () => {
  it("demangles arguments, one line each, short by default and with --hash", async () => {
    const syms = ["_ZN6btdemo6worker17h29180cdcd24de0bdE", "_RNvCs1656KGin9a0_6btdemo14handle_request", "not_a_symbol"];
    const short = await cli(["trace", "demangle", ...syms]);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe("btdemo::worker\nbtdemo::handle_request\nnot_a_symbol\n");
    const long = await cli(["trace", "demangle", "--hash", ...syms]);
    expect(long.stdout).toBe("btdemo::worker::h29180cdcd24de0bd\nbtdemo[cca504d5b13673a]::handle_request\nnot_a_symbol\n");
  });

  it("demangles stdin line by line, keeping blank and foreign lines", async () => {
    const input = "_ZN6btdemo6worker17h29180cdcd24de0bdE\n\n  0x1 - _RNvCs1656KGin9a0_6btdemo6worker\nplain";
    const { stdout } = await cli(["trace", "demangle"], input);
    expect(stdout).toBe("btdemo::worker\n\n  0x1 - btdemo::worker\nplain\n");
  });
});

