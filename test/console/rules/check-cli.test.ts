import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { projectRoot, sharedFixture } from "../../support/shared.ts";

const run = promisify(execFile);
const bin = path.join(projectRoot, "bin/async-doctor.js");

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, "console", "check", ...args], { env: { ...process.env, NO_COLOR: "1" } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("async-doctor console check (CLI)", () => {
  const recording = () => sharedFixture("console", "kitchen-sink.recording.jsonl");

  it("--format json prints diagnoses and a summary; exit 1 on warnings", async () => {
    const { code, stdout } = await cli([recording(), "--format", "json"]);
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as { diagnoses: { rule: string; severity: string; confidence: string; task: { id: string; name: string; spawnedAt: string }; evidence: object; message: string; help: string; related: unknown[] }[]; summary: { errors: number; warnings: number } };
    expect(out.summary).toMatchObject({ errors: 1, warnings: 2 });
    for (const d of out.diagnoses) {
      expect(Object.keys(d)).toEqual(["rule", "severity", "confidence", "task", "evidence", "message", "help", "related"]);
      expect(d.task.spawnedAt).toMatch(/^2026-11-25T19:42:21\.\d{9}Z$/);
    }
  });

  it("--fail-on, --allow and --set change the exit code", async () => {
    expect((await cli([recording(), "--fail-on", "never"])).code).toBe(0);
    expect((await cli([recording(), "--fail-on", "error"])).code).toBe(1);
    expect((await cli([recording(), "--fail-on", "error", "--allow", "lost-waker"])).code).toBe(0);
    const quiet = await cli([recording(), "--allow", "lost-waker", "--set", "blocking-poll.threshold=1s", "--set", "self-wake-spin.min-polls=5000"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toContain("0 error(s), 0 warning(s)");
  });

  it("text output names the task, the evidence and the fix", async () => {
    const { stdout } = await cli([recording()]);
    expect(stdout).toMatch(/error\[lost-waker\] 'lost-waker' \(id 7\)/);
    expect(stdout).toMatch(/warning\[blocking-poll\] 'blocker' \(id 9\)/);
    expect(stdout).toContain("help:");
    expect(stdout).toContain("not checked: lock-contention");
  });

  it("bad input is a one-line usage error with exit 2", async () => {
    for (const args of [[recording(), "--set", "blocking-poll.threshold=soon"], [recording(), "--allow", "no-such-rule"], ["/no/such/file.jsonl"], [path.join(projectRoot, "package.json")]]) {
      const { code, stderr } = await cli(args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  async function withServer<T>(body: (address: string) => Promise<T>): Promise<T> {
    const server = spawn(process.execPath, [bin, "console", "serve", sharedFixture("console", "kitchen-sink.watchupdates.grpc"), "--listen", "127.0.0.1:0", "--speed", "max"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let text = "";
        server.stderr!.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          const m = /http:\/\/127\.0\.0\.1:\d+/.exec(text);
          if (m) resolve(m[0]);
        });
        server.on("exit", () => reject(new Error(`serve exited: ${text}`)));
      });
      return await body(address);
    } finally {
      server.kill();
    }
  }
  const expectedKitchenSink = ["blocking-poll:blocker", "lock-contention:", "lock-contention:", "lost-waker:lost-waker", "self-wake-spin:self-waker"].sort();
  type Out = { diagnoses: { rule: string; task: { name: string } | null; evidence: Record<string, unknown> }[]; summary: { source: { kind: string } } };

  it("reads a live target (the kitchen-sink stream replayed by `console serve`)", async () => {
    await withServer(async (address) => {
      const { code, stdout } = await cli([address, "--duration", "2s", "--format", "json"]);
      expect(code).toBe(1);
      const out = JSON.parse(stdout) as Out;
      expect(out.summary.source.kind).toBe("live");
      expect(out.diagnoses.map((d) => `${d.rule}:${d.task?.name ?? ""}`).sort()).toEqual(expectedKitchenSink);
    });
  }, 30_000);

  it("reads a capture file (console record), including the TaskDetails histogram it recorded", async () => {
    const { mkdtempSync } = await import("node:fs");
    const os = await import("node:os");
    const capture = path.join(mkdtempSync(path.join(os.tmpdir(), "check-capture-")), "ks.capture");
    await withServer((address) => run(process.execPath, [bin, "console", "record", address, "-o", capture, "--duration", "2s", "--task", "blocker"]));
    const { code, stdout } = await cli([capture, "--format", "json"]);
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as Out;
    expect(out.summary.source.kind).toBe("capture");
    expect(out.diagnoses.map((d) => `${d.rule}:${d.task?.name ?? ""}`).sort()).toEqual(expectedKitchenSink);
    const blocker = out.diagnoses.find((d) => d.rule === "blocking-poll")!;
    expect(blocker.evidence.histogram).toMatchObject({ polls: 4, pollsAboveThreshold: 3 });
  }, 60_000);
});
