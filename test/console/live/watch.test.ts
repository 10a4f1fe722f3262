import { spawn, spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { decodeUpdate } from "../../../src/console/protocol/decode.ts";
import { renderFrame, sortRows } from "../../../src/console/watch/frame.ts";
import { ConsoleState } from "../../../src/console/model/console-state.ts";
import { taskRows } from "../../../src/console/watch/task-rows.ts";
import { diagnose } from "../../../src/console/diagnose/engine.ts";
import { TimelineBuilder } from "../../../src/console/diagnose/timeline.ts";
import { watchDiagnoses } from "../../../src/console/watch/diagnosis-lines.ts";
import { projectRoot } from "../../support/shared.ts";
import { cliPath, fixtureMessages, kitchenSink, serveChild, waitFor, type CliChild } from "./support.ts";

function kitchenSinkTable(): ConsoleState {
  const table = new ConsoleState();
  for (const m of fixtureMessages(kitchenSink())) table.applyUpdate(decodeUpdate(m));
  return table;
}

describe("console watch frame", () => {
  it("computes task states at the app's clock and sorts running, scheduled, idle, done", () => {
    const rows = sortRows(taskRows(kitchenSinkTable()), "state");
    const states = rows.map((r) => r.state);
    expect(states.indexOf("running")).toBe(0);
    expect(states.lastIndexOf("running")).toBeLessThan(states.indexOf("idle"));
    expect(states.lastIndexOf("idle")).toBeLessThan(states.indexOf("done"));
    // kitchen-sink.md: the two worker threads never end their one poll; lost-waker stays idle, never completes
    const workers = rows.filter((r) => r.kind === "blocking" && r.state === "running");
    expect(workers).toHaveLength(2);
    expect(workers.every((w) => w.polls === 1)).toBe(true);
    const lost = rows.find((r) => r.name === "lost-waker")!;
    expect(lost).toMatchObject({ state: "idle", liveWakers: 0, polls: 1 });
    const blocker = rows.find((r) => r.name === "blocker")!;
    expect(blocker.state).toBe("done");
    expect(blocker.busyNs).toBeGreaterThan(0.9e9); // three 300 ms blocking polls
  });

  it("fits the terminal: width, height, and a count of hidden rows", () => {
    const table = kitchenSinkTable();
    const lines = renderFrame({
      target: "http://127.0.0.1:6669",
      status: "connected",
      session: 2,
      updates: table.updates,
      droppedEvents: 0,
      rows: taskRows(table),
      sort: "state",
      width: 100,
      height: 20,
      color: false,
    });
    expect(lines).toHaveLength(20);
    expect(lines.every((l) => l.length <= 100)).toBe(true);
    expect(lines[0]).toContain("(session 2)");
    expect(lines[1]).toMatch(/^tasks 212: 2 running, 0 scheduled, 2 idle, 208 done\s+updates 13/);
    expect(lines[2]).toMatch(/^ID\s+STATE\s+NAME/);
    expect(lines[3]).toMatch(/running/);
    expect(lines.at(-1)).toMatch(/… 196 more\s+q quit/);
  });

  it("shows poll-time lines of watched tasks under the table, within the height", () => {
    const table = kitchenSinkTable();
    const details = ["poll times blocker (9): n=4 p50 301.99ms", "poll times self-waker (10): n=1005"];
    const lines = renderFrame({ target: "t", status: "connected", session: 1, updates: 13, droppedEvents: 0, rows: taskRows(table), sort: "state", width: 120, height: 12, color: false, details });
    expect(lines).toHaveLength(12);
    expect(lines.slice(-3, -1)).toEqual(details);
  });

  it("shows the diagnose engine's diagnoses under the table, one line each, at most N and a count of the rest", () => {
    const table = kitchenSinkTable();
    const builder = new TimelineBuilder();
    for (const m of fixtureMessages(kitchenSink())) builder.add({ receivedAt: 0, update: decodeUpdate(m) });
    const diagnoses = watchDiagnoses(diagnose(builder.timeline).diagnoses);
    // what `console check` reports on this fixture: lost-waker (error), blocking-poll, self-wake-spin, 2× lock-contention
    expect(diagnoses.map((d) => d.rule).sort()).toEqual(["blocking-poll", "lock-contention", "lock-contention", "lost-waker", "self-wake-spin"]);
    const frame = (maxDiagnoses: number) =>
      renderFrame({ target: "t", status: "connected", session: 1, updates: 13, droppedEvents: 0, rows: taskRows(table), sort: "state", width: 120, height: 20, color: false, diagnoses, maxDiagnoses });
    const lines = frame(3);
    expect(lines).toHaveLength(20);
    expect(lines.every((l) => l.length <= 120)).toBe(true);
    const block = lines.slice(-5, -1);
    expect(block[0]).toMatch(/^error {3}\[lost-waker\] 'lost-waker' \(id 7\): \S/);
    expect(block.slice(1, 3).every((l) => l.startsWith("warning ["))).toBe(true);
    expect(block[3]).toMatch(/^\+2 more diagnoses/);
    expect(lines.at(-1)).toMatch(/q quit/);
    const all = frame(10);
    expect(all.some((l) => /^warning \[self-wake-spin\] 'self-waker' \(id 10\): /.test(l))).toBe(true);
    expect(all.some((l) => /^warning \[blocking-poll\] 'blocker' \(id 9\): /.test(l))).toBe(true);
    expect(all.some((l) => l.startsWith("+"))).toBe(false);
    // diagnoses take room from the table, not the other way round
    expect(all.at(-1)).toMatch(/… \d+ more\s+q quit/);
  });

  it("warns when the app dropped events", () => {
    const lines = renderFrame({ target: "t", status: "connected", session: 1, updates: 3, droppedEvents: 17, rows: [], sort: "busy", width: 200, height: 10, color: false });
    expect(lines[1]).toMatch(/dropped events 17: counts are incomplete/);
  });
});

const hasScript = spawnSync("script", ["--version"]).status === 0;

describe.skipIf(!hasScript)("console watch in a pseudo-terminal", { timeout: 120_000 }, () => {
  const children: CliChild[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) {
      c.child.kill("SIGKILL");
      await c.exited;
    }
  });

  it("draws the table on the alternate screen and quits on q with exit 0", async () => {
    const server = await serveChild([kitchenSink(), "--listen", "127.0.0.1:0", "--speed", "max"]);
    children.push(server);
    const command = `stty cols 150 rows 30; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} console watch ${server.address} --task blocker`;
    const watch = spawn("script", ["-qfec", command, "/dev/null"], { cwd: projectRoot, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    watch.stdout.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => watch.on("close", resolve));
    try {
      await waitFor("the table with the blocker's poll times", () => out.includes("poll times blocker (9): n=4") && out.includes("q quit"), 20_000);
      // the diagnoses `console check` reports on this fixture, under the live table
      await waitFor("the live diagnoses", () => out.includes("[blocking-poll] 'blocker' (id 9): ") && out.includes("[self-wake-spin] 'self-waker' (id 10): "), 20_000);
      watch.stdin.write("q");
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("no exit"), 10_000))]);
      expect(code).toBe(0);
    } finally {
      watch.kill("SIGKILL");
    }
    expect(out).toContain("\x1b[?1049h"); // alternate screen on …
    expect(out).toContain("\x1b[?1049l"); // … and restored
    expect(out).toMatch(/tasks 212: 2 running/);
  });
});
